#pragma once
/// Zips built in memory with libzip's writing API, for the tests and the fuzz target that
/// craft XLSX files by hand: an entry a part, each deflated, stored or encrypted as asked;
/// and an entry read back, for the tests of the workbooks Riziki writes.
/// Header-only, so the fuzz target (built by tests/fuzz/run_fuzz.sh) can include it too.

#include <zip.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace riziki::testing {

struct ZipEntry {
    std::string name;
    std::string content;
    zip_int32_t method = ZIP_CM_DEFLATE;
    zip_uint32_t level = 1;          ///< deflate's level (1, fast, is plenty for a test)
    const char* password = nullptr;  ///< AES-256 when set
};

/// The bytes of a zip holding `entries`, in order.
inline std::string zip_bytes(const std::vector<ZipEntry>& entries) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_t* archive = out ? zip_open_from_source(out, ZIP_TRUNCATE, &error) : nullptr;
    zip_error_fini(&error);
    if (!archive) {
        zip_source_free(out);
        throw std::runtime_error("zip_bytes: cannot open a zip in memory");
    }
    zip_source_keep(out);  // read back after the archive is closed
    for (const auto& entry : entries) {
        zip_source_t* data =
            zip_source_buffer(archive, entry.content.data(), entry.content.size(), 0);
        const zip_int64_t index =
            data ? zip_file_add(archive, entry.name.c_str(), data, ZIP_FL_ENC_UTF_8) : -1;
        if (index < 0)
            zip_source_free(data);
        if (index < 0 ||
            zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), entry.method,
                                     entry.level) != 0 ||
            (entry.password && zip_file_set_encryption(archive, static_cast<zip_uint64_t>(index),
                                                       ZIP_EM_AES_256, entry.password) != 0)) {
            zip_discard(archive);
            zip_source_free(out);
            throw std::runtime_error("zip_bytes: cannot add " + entry.name);
        }
    }
    const bool closed = zip_close(archive) == 0;
    if (!closed)
        zip_discard(archive);  // a failed close leaves it open
    zip_stat_t stat;
    zip_stat_init(&stat);
    std::string bytes;
    const bool written = closed && zip_source_stat(out, &stat) == 0 && zip_source_open(out) == 0;
    if (written) {
        bytes.resize(stat.size);
        const zip_int64_t read = zip_source_read(out, bytes.data(), bytes.size());
        zip_source_close(out);
        bytes.resize(read < 0 ? 0 : static_cast<std::size_t>(read));
    }
    zip_source_free(out);
    if (!written || bytes.empty())
        throw std::runtime_error("zip_bytes: cannot write the zip");
    return bytes;
}

/// The entry `name` of the zip in `bytes`, or "" when it has none. Throws
/// std::runtime_error when `bytes` is not a zip or the entry cannot be read whole.
inline std::string zip_entry(const std::string& bytes, const std::string& name) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    zip_t* archive = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
    zip_error_fini(&error);
    if (archive == nullptr) {
        zip_source_free(source);
        throw std::runtime_error("zip_entry: not a zip");
    }
    std::string content;
    zip_stat_t stat;
    zip_stat_init(&stat);
    bool whole = true;
    if (zip_stat(archive, name.c_str(), 0, &stat) == 0) {
        zip_file_t* file = zip_fopen(archive, name.c_str(), 0);
        content.resize(stat.size);
        whole = file != nullptr && zip_fread(file, content.data(), content.size()) ==
                                       static_cast<zip_int64_t>(stat.size);
        if (file != nullptr)
            zip_fclose(file);
    }
    zip_discard(archive);  // frees the source too
    if (!whole)
        throw std::runtime_error("zip_entry: cannot read " + name);
    return content;
}

}  // namespace riziki::testing
