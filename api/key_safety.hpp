#pragma once
/// Keeping the PII key apart from the data it protects, and out of core dumps (issue 17
/// item 6; docs/privacy.md "The key").

#include <filesystem>
#include <optional>

namespace riziki::api {

/// Throws ConfigError (the command exits 2) when `key_file`, its symlinks and `..` resolved,
/// lies inside `home` ($RIZIKI_HOME) or inside `data_directory` (the PostgreSQL cluster's;
/// nullopt when it could not be read), or when it exists and grants group or others any
/// permission. A backup of the home or of the cluster would otherwise hold the ciphertext
/// and its key together. `demo` does not call this: it keeps its key beside its data.
void check_key_location(const std::filesystem::path& key_file, const std::filesystem::path& home,
                        const std::optional<std::filesystem::path>& data_directory);

/// `path` with every symlink (the last component's too, even when it points to a file not
/// yet made) and every `.` and `..` resolved, as far as the file system has it.
std::filesystem::path resolved(const std::filesystem::path& path);

/// The process can no longer be dumped or traced by other processes of its user: PR_SET_DUMPABLE
/// 0 and a core size limit of 0, so a crash cannot write the keys held in memory to disk.
/// Throws std::runtime_error when either cannot be set.
void disable_core_dumps();

}  // namespace riziki::api
