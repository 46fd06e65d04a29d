#pragma once
/// How long one statement of a long read (a report, the export, the trial balance, verify)
/// may run before PostgreSQL cancels it: one request must not hold a connection and the
/// server's CPUs for as long as it likes (SPEC §8, "bounded everything").

#include <chrono>

namespace riziki::db {

struct ReadLimits {
    /// Per statement, waiting for locks included; zero or less: no limit (the CLI's).
    std::chrono::milliseconds statement_timeout{0};
};

}  // namespace riziki::db
