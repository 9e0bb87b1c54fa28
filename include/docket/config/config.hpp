#pragma once
// All of docket's settings, one aggregate per module, and how they are loaded: defaults, then a
// config file, then DOCKET_* environment variables, then --flags (the later wins).

#include <docket/deliver/config.hpp>
#include <docket/extract/workers.hpp>
#include <docket/http/server.hpp>
#include <docket/intake/submission.hpp>
#include <docket/queue/transitions.hpp>
#include <docket/store/store.hpp>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace docket::config {

struct app_config {
    duration shutdown_timeout = std::chrono::seconds(30); //!< how long SIGTERM waits for requests and running jobs
    std::string log_level = "info";  //!< debug, info, warn or error
};

struct settings {
    http::config http;
    intake::config intake;
    store::config store;
    queue::config queue;
    extract::config extract;
    deliver::config deliver;
    app_config app;
};

struct option {
    std::string_view name; //!< flag name without "--"; env is DOCKET_ + upper-case with '_'
    std::string_view help;
    std::function<std::string(const settings&)> get;
    std::function<bool(settings&, std::string_view)> set; //!< false if the value does not parse
};

//! Every option, in the order the README and `docket help` list them.
const std::vector<option>& options();

//! "data-dir" → "DOCKET_DATA_DIR".
std::string env_name(std::string_view option_name);

struct loaded {
    settings values;
    std::vector<std::string> positional;         //!< arguments that are not options
    std::map<std::string, std::string> extra;    //!< command-specific flags (e.g. --tenant)
};

using file_reader = std::function<std::optional<std::string>(const std::string& path)>;

//! Resolves the settings from command-line arguments (after the subcommand), the environment and
//! the config file named by --config / DOCKET_CONFIG. `extra_flags` names command-specific flags.
outcome<loaded> load(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                     const file_reader& read_file, const std::set<std::string>& extra_flags = {});

//! The option table as text: name, environment variable, default, help.
std::string describe_options();

} // namespace docket::config
