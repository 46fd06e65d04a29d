#include "api/key_safety.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <iterator>
#include <stdexcept>
#include <string>

#include "api/config.hpp"
#include "api/pii_keyring.hpp"

namespace riziki::api {

namespace {

/// Symlinks followed before giving up (the kernel's own limit).
constexpr int kSymlinksMax = 40;

bool inside(const std::filesystem::path& file, const std::filesystem::path& directory) {
    auto f = file.begin();
    for (auto d = directory.begin(); d != directory.end(); ++d, ++f) {
        if (d->empty() && std::next(d) == directory.end())
            break;  // a trailing separator
        if (f == file.end() || *f != *d)
            return false;
    }
    return true;
}

std::string where_to_put_it(const std::filesystem::path& key_file) {
    return "a backup of it would hold the encrypted PII and its key together. Keep the key on "
           "its own: give --pii-key-file FILE (or RIZIKI_PII_KEY_FILE) outside RIZIKI_HOME and "
           "the database's data directory, e.g. /etc/riziki/pii.key, readable only by the user "
           "riziki runs as. An existing key moves with: install -d -m 700 /etc/riziki && mv " +
           key_file.string() + " /etc/riziki/pii.key (docs/operations.md#pii-key)";
}

}  // namespace

std::filesystem::path resolved(const std::filesystem::path& path) {
    auto current = std::filesystem::absolute(path);
    for (int i = 0; i < kSymlinksMax && std::filesystem::is_symlink(current); ++i) {
        const auto target = std::filesystem::read_symlink(current);
        current = target.is_absolute() ? target : current.parent_path() / target;
    }
    return std::filesystem::weakly_canonical(current);
}

void check_key_location(const std::filesystem::path& key_file, const std::filesystem::path& home,
                        const std::optional<std::filesystem::path>& data_directory) {
    const auto key = resolved(key_file);
    if (inside(key, resolved(home))) {
        throw ConfigError("refusing the PII key file " + key_file.string() +
                          ": it is inside RIZIKI_HOME (" + home.string() + "), beside the data; " +
                          where_to_put_it(key_file));
    }
    if (data_directory && inside(key, resolved(*data_directory))) {
        throw ConfigError("refusing the PII key file " + key_file.string() +
                          ": it is inside the PostgreSQL data directory (" +
                          data_directory->string() + "); " + where_to_put_it(key_file));
    }
    if (std::filesystem::exists(key_file)) {
        try {
            check_key_file_private(key_file);
        } catch (const std::runtime_error& error) {
            throw ConfigError(error.what());
        }
    }
}

void disable_core_dumps() {
    const rlimit none{0, 0};
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || ::setrlimit(RLIMIT_CORE, &none) != 0)
        throw std::runtime_error("cannot disable core dumps (prctl, setrlimit)");
}

}  // namespace riziki::api
