#pragma once
// The subcommands of the docket binary, each given its resolved settings.

#include <docket/config/config.hpp>

#include <cstdint>

namespace docket::app {

//! Runs the service until SIGTERM/SIGINT; returns the process exit code.
int serve(const config::settings& s);

//! Raises the soft limit on open files to the hard one (every keep-alive connection is a file);
//! returns the limit now in force.
std::uint64_t raise_open_file_limit();

//! `docket keys create [--tenant NAME] | list | revoke KEY_ID`; returns the exit code.
int keys(const config::loaded& args);

//! `docket backup DIR`: a consistent copy of the store, from the running service (admin
//! channel) or, stopped, directly.
int backup(const config::loaded& args);

//! `docket restore DIR [--force true]`: a backup into the data dir (service stopped).
int restore(const config::loaded& args);

//! `docket worker`: serves parse requests from the server on `fd` (never started by hand).
int worker(int fd);

} // namespace docket::app
