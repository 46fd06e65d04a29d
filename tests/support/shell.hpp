#pragma once
/// Runs shell commands from tests (the auditors' tools, xmllint, chromium, pdftotext).

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace riziki::testing {

struct ShellResult {
    int status = -1;     ///< exit status, -1 when killed by a signal
    std::string output;  ///< stdout, and stderr too when asked for
};

/// Runs `command` under sh; with `with_stderr`, stderr is captured along with stdout.
inline ShellResult shell(const std::string& command, bool with_stderr = true) {
    ShellResult result;
    FILE* pipe = ::popen((with_stderr ? command + " 2>&1" : command).c_str(), "r");
    if (pipe == nullptr)
        throw std::runtime_error("popen failed: " + command);
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        result.output.append(buffer, n);
    const int raw = ::pclose(pipe);
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return result;
}

/// `text` as one word for sh, whatever it holds.
inline std::string shell_quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// A directory for one test's files, removed afterwards.
struct Scratch {
    std::filesystem::path dir;
    explicit Scratch(const std::string& name)
        : dir(std::filesystem::temp_directory_path() /
              ("riziki-" + name + "-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(dir);
    }
    ~Scratch() { std::filesystem::remove_all(dir); }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    std::filesystem::path write(const std::string& name, const std::string& bytes) const {
        std::ofstream(dir / name, std::ios::binary) << bytes;
        return dir / name;
    }
};

}  // namespace riziki::testing
