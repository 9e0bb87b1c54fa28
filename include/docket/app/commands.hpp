#pragma once
// The subcommands of the docket binary, each given its resolved settings.

#include <docket/config/config.hpp>

namespace docket::app {

//! Runs the service until SIGTERM/SIGINT; returns the process exit code.
int serve(const config::settings& s);

//! `docket keys create [--tenant NAME] | list | revoke KEY_ID`; returns the exit code.
int keys(const config::loaded& args);

} // namespace docket::app
