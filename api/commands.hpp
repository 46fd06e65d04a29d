#pragma once
/// The CLI's subcommands.

#include <stdexcept>
#include <string>
#include <vector>

namespace riziki::api {

struct UsageError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

/// Runs `args[0]` with the rest as its options; returns the process exit code.
int run_command(const std::vector<std::string>& args);

}  // namespace riziki::api
