#pragma once
// What a `docket worker` may still do once it parses untrusted bytes: no new privileges, no
// network, no other program, no processes, nothing written, and (with Landlock) nothing read
// outside the libraries' data. Applied by the worker to itself before its first request.

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace docket::sandbox {

struct confinement {
    bool no_new_privs = false; //!< PR_SET_NO_NEW_PRIVS: no setuid or file-capability gain
    bool seccomp = false;      //!< the syscall filter is loaded
    bool network_namespace = false; //!< in a network namespace of its own: no interface but a down loopback
    bool empty_cwd = false;    //!< its working directory is one that was made and removed: empty for good
    int landlock = 0;          //!< the Landlock ABI in force; 0 when the kernel has none
    std::string detail;        //!< what could not be applied, and why
    boost::json::object to_json() const;
    static confinement from_json(const boost::json::object& o);
};

//! Confines the calling process (for good). `readable` are the directories it may still read
//! besides the system's (tessdata, say); everything else is off limits where Landlock exists.
confinement confine_self(const std::vector<std::string>& readable);

//! The worker's side of a probe request: tries what confinement forbids (the "read" path, a TCP
//! connection to 127.0.0.1:"port", a file made in "write_dir", running "exec") and says, for
//! each, "refused: <reason>" or "allowed"; "netns" names its network namespace. Tests ask it
//! of a real worker.
boost::json::object probe_confinement(const boost::json::object& request);

} // namespace docket::sandbox
