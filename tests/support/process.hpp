#pragma once
// Test helpers: temp directories, and the real docket binary as a child process.

#include <cstdint>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace docket::test {

//! A fresh directory under /tmp, removed with everything in it on destruction.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }
private:
    std::filesystem::path path_;
};

struct run_result {
    int exit_code = -1;
    std::string out; //!< standard output
    std::string err; //!< standard error
};

//! Runs a command to completion (bounded by timeout) and captures its output.
run_result run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
               std::chrono::seconds timeout = std::chrono::seconds(60));

//! A long-running child: stdout is read line by line, stderr goes to a file.
class child {
public:
    child(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file,
          const std::map<std::string, std::string>& env = {});
    ~child(); //!< kill -9 and reap if still running
    child(const child&) = delete;
    child& operator=(const child&) = delete;

    pid_t pid() const { return pid_; }
    //! Reads stdout until a line containing `needle`; returns it, or nullopt at timeout/EOF.
    std::optional<std::string> wait_for_line(const std::string& needle, std::chrono::milliseconds timeout);
    //! Sends a signal.
    void signal(int sig);
    //! Waits for exit; returns the exit code, 128+signal if killed, or nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    bool running();

private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::string pending_;
    std::optional<int> status_;
};

//! Path of the docket binary under test.
std::string docket_binary();

//! A "Key: N kB" figure from /proc/PID/status (VmRSS, VmHWM, RssAnon…) in KiB; 0 if absent.
std::uint64_t status_kib(pid_t pid, const std::string& key);

//! Field `n` (1-based, as in proc(5)) of a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat
//! file; nullopt if the process or thread is gone.
std::optional<long long> stat_field(const std::filesystem::path& stat_file, int n);

//! CPU time (user + system) a process has used so far, in seconds; 0 if it is gone.
double cpu_seconds(pid_t pid);

} // namespace docket::test
