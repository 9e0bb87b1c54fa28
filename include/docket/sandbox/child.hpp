#pragma once
// Untrusted input is parsed in supervised child processes (`docket worker`), so a file that
// crashes, hangs or exhausts a parser costs one request, never the service. This is the
// supervisor's side and the child's request loop; extract and intake define the requests.

#include <docket/core/error.hpp>
#include <docket/core/units.hpp>
#include <docket/sandbox/confine.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace docket::sandbox {

using steady = std::chrono::steady_clock;

struct limits {
    duration timeout = std::chrono::seconds(120);    //!< wall clock for one request
    duration cpu = std::chrono::seconds(120);        //!< CPU time for one request (whole seconds)
    std::uint64_t memory = 2ull << 30;               //!< address space of a child process
    //! Scheduling niceness of a child (0-19). Parsing is background work: when the cores are
    //! busy, the server's intake, queue and webhook threads should run first.
    unsigned nice = 10;
};

//! What a child answers: a header object and the data frames it announced.
struct reply {
    boost::json::object header;
    std::vector<std::string> frames;
};

//! Interim messages (progress) from a child while it works on a request.
using interim_fn = std::function<void(const boost::json::object&)>;

//! One child process, used by one thread at a time; started on first use and again after it
//! died or was killed.
class child {
public:
    child(std::string executable, const limits& l);
    ~child(); //!< kills the process
    child(const child&) = delete;
    child& operator=(const child&) = delete;

    //! Sends `header` (with "op" naming the request) and `payload`; returns the child's reply.
    //! Errors: the child's own (it answered {"ok":false,"code","message"}), EXTRACTION_TIMEOUT
    //! (killed at the deadline), EXTRACTION_CRASHED (it died), RESOURCE_LIMIT (CPU or memory).
    outcome<reply> call(boost::json::object header, std::string_view payload, steady::time_point deadline,
                        const interim_fn& interim = {});
    const limits& limit() const { return limits_; }
    //! The process id, or -1 when none is running.
    pid_t pid() const { return pid_; }
    //! A descriptor that turns readable when the process exits (a pidfd), or -1 when none is
    //! running or the kernel has no pidfds.
    int exit_fd() const { return pidfd_; }
    //! For an idle child: if its process has exited, reaps it and starts a fresh one, so the
    //! next request does not pay for a death it had no part in. Returns the old one's status
    //! as text ("signal 9"), or empty when it was alive.
    std::string renew();
    //! What the running process said of its confinement when it started (nullopt: nothing).
    const std::optional<confinement>& confined() const { return confinement_; }

private:
    bool spawn();
    void reap(bool kill_first);
    bool exited(); // reaps the process if it has exited
    error death(bool timed_out);
    error garbled();
    std::string executable_;
    limits limits_;
    pid_t pid_ = -1;
    int fd_ = -1;
    int pidfd_ = -1;
    int last_status_ = 0;
    std::optional<confinement> confinement_;
};

//! The child's handler for one request: the reply (its "ok" and "frames" are added), or an error
//! the supervisor hands on as it is. `interim` sends a message before the reply.
using handler = std::function<outcome<reply>(const boost::json::object& header, std::string& payload,
                                             const interim_fn& interim)>;

//! The child side (`docket worker`): serves requests on `fd` until it closes, applying each
//! request's CPU budget; exits when memory runs out, after saying so. `confined` is what the
//! process applied to itself, told to the supervisor in its hello.
int serve(int fd, const handler& handle, const std::optional<confinement>& confined = std::nullopt);

//! The confinement the most recently started worker process reported, if any has started.
std::optional<confinement> last_confinement();

} // namespace docket::sandbox
