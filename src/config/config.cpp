// The option table and the precedence rules; used by main for every subcommand.

#include <docket/config/config.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <sstream>

namespace docket::config {
namespace {

template <class Section, class T>
option make(std::string_view name, std::string_view help, Section settings::*section, T Section::*field) {
    option o{name, help, {}, {}};
    o.get = [section, field](const settings& s) -> std::string {
        const T& v = s.*section.*field;
        if constexpr (std::is_same_v<T, duration>) return format_duration(v);
        else if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::string>) return v;
        else if constexpr (std::is_same_v<T, std::filesystem::path>) return v.string();
        else return std::to_string(v);
    };
    o.set = [section, field](settings& s, std::string_view text) -> bool {
        T& v = s.*section.*field;
        if constexpr (std::is_same_v<T, duration>) {
            auto d = parse_duration(text);
            if (!d) return false;
            v = *d;
        } else if constexpr (std::is_same_v<T, bool>) {
            if (text == "true" || text == "1" || text == "yes" || text == "on") v = true;
            else if (text == "false" || text == "0" || text == "no" || text == "off") v = false;
            else return false;
        } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::filesystem::path>) {
            if (text.empty()) return false;
            v = T(std::string(text));
        } else {
            T n{};
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            if (ec != std::errc{} || p != text.data() + text.size()) return false;
            v = n;
        }
        return true;
    };
    return o;
}

// Byte sizes read "50MiB" as well as plain numbers.
template <class Section>
option make_size(std::string_view name, std::string_view help, Section settings::*section, std::uint64_t Section::*field) {
    option o = make(name, help, section, field);
    o.get = [section, field](const settings& s) { return format_size(s.*section.*field); };
    o.set = [section, field](settings& s, std::string_view text) {
        auto n = parse_size(text);
        if (!n) return false;
        s.*section.*field = *n;
        return true;
    };
    return o;
}

// An option whose text form needs its own parsing (lists, nested fields).
option custom(std::string_view name, std::string_view help, std::function<std::string(const settings&)> get,
              std::function<bool(settings&, std::string_view)> set) {
    return option{name, help, std::move(get), std::move(set)};
}

// An option on a field that member pointers cannot reach (nested one level deeper), read as a
// number, a duration or a byte size, and refused below `min`.
enum class kind { number, time, bytes };

template <class Access>
option nested(std::string_view name, std::string_view help, Access field, kind k, std::uint64_t min = 0) {
    return custom(
        name, help,
        [field, k](const settings& s) -> std::string {
            const auto& v = field(const_cast<settings&>(s));
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, duration>) return format_duration(v);
            else return k == kind::bytes ? format_size(v) : std::to_string(v);
        },
        [field, k, min](settings& s, std::string_view t) {
            auto& v = field(s);
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, duration>) {
                auto d = parse_duration(t);
                if (!d || static_cast<std::uint64_t>(d->count()) < min) return false;
                v = *d;
            } else {
                std::optional<std::uint64_t> n;
                if (k == kind::bytes) n = parse_size(t);
                else if (std::uint64_t x = 0; std::from_chars(t.data(), t.data() + t.size(), x).ptr == t.data() + t.size() && !t.empty()) n = x;
                if (!n || *n < min || *n > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return false;
                v = static_cast<T>(*n);
            }
            return true;
        });
}

std::string join_durations(const std::vector<duration>& ds) {
    std::string out;
    for (const auto& d : ds) out += (out.empty() ? "" : ",") + format_duration(d);
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

const option* find(std::string_view name) {
    for (const auto& o : options())
        if (o.name == name) return &o;
    return nullptr;
}

outcome<void> apply(settings& s, std::string_view name, std::string_view value, std::string_view source) {
    const option* o = find(name);
    if (!o) return failure(errc::invalid_field, std::string(source) + ": unknown option '" + std::string(name) + "'");
    if (!o->set(s, value))
        return failure(errc::invalid_field, std::string(source) + ": bad value '" + std::string(value) + "' for " + std::string(name));
    return {};
}

} // namespace

const std::vector<option>& options() {
    static const std::vector<option> table = {
        make("data-dir", "directory of the RocksDB store", &settings::store, &store::config::data_dir),
        make("listen", "address:port the HTTP API binds (port 0: any free port)", &settings::http, &http::config::listen),
        make("io-threads", "threads serving HTTP", &settings::http, &http::config::io_threads),
        make("workers", "extraction threads (0: one per core)", &settings::extract, &extract::config::workers),
        nested("extract-timeout", "wall-clock limit for extracting one document (the worker is killed)",
               [](settings& s) -> auto& { return s.extract.limits.timeout; }, kind::time, 1),
        nested("extract-cpu-limit", "CPU-time limit for extracting one document (whole seconds)",
               [](settings& s) -> auto& { return s.extract.limits.cpu; }, kind::time, 1),
        nested("worker-memory-limit", "address-space limit of each extraction worker process",
               [](settings& s) -> auto& { return s.extract.limits.memory; }, kind::bytes, 64ull << 20),
        custom("worker-nice", "scheduling niceness (0-19) of the extraction worker processes: intake and webhooks go first on busy cores",
               [](const settings& s) { return std::to_string(s.extract.limits.nice); },
               [](settings& s, std::string_view t) {
                   unsigned n = 0;
                   if (t.empty() || std::from_chars(t.data(), t.data() + t.size(), n).ptr != t.data() + t.size() || n > 19) return false;
                   s.extract.limits.nice = n;
                   return true;
               }),
        nested("max-pages", "pages (PDF, TIFF) beyond which a document fails with LIMIT_EXCEEDED",
               [](settings& s) -> auto& { return s.extract.document.max_pages; }, kind::number, 1),
        nested("max-image-pixels", "image or rendered-page size, read from the header before decoding",
               [](settings& s) -> auto& { return s.extract.document.max_pixels; }, kind::number, 1),
        nested("ocr-dpi", "resolution at which PDF pages without a text layer are rendered for OCR",
               [](settings& s) -> auto& { return s.extract.document.dpi; }, kind::number, 50),
        make_size("max-upload", "largest document accepted; larger uploads get 413", &settings::intake, &intake::config::max_upload),
        make_size("max-metadata", "largest metadata object accepted", &settings::intake, &intake::config::max_metadata),
        make("commit-timeout", "longest wait for the store to make a submission durable (then 503)", &settings::intake, &intake::config::commit_timeout),
        nested("max-zip-entries", "entries beyond which a ZIP is refused (LIMIT_EXCEEDED)",
               [](settings& s) -> auto& { return s.intake.zip.max_entries; }, kind::number, 1),
        nested("max-zip-total", "decompressed bytes of a ZIP, counted on the real bytes",
               [](settings& s) -> auto& { return s.intake.zip.max_total; }, kind::bytes, 1),
        nested("max-zip-ratio", "compression ratio beyond which a ZIP entry is refused as a bomb",
               [](settings& s) -> auto& { return s.intake.zip.max_ratio; }, kind::number, 2),
        make("idempotency-ttl", "how long an Idempotency-Key is remembered", &settings::intake, &intake::config::idempotency_ttl),
        make("rate-limit", "requests per second one API key may make (429 RATE_LIMITED beyond); 0 = no limit", &settings::intake, &intake::config::rate_limit),
        make("rate-burst", "requests one API key may make at once; 0 = twice --rate-limit", &settings::intake, &intake::config::rate_burst),
        nested("quota-queued-jobs", "jobs one tenant may have waiting (429 QUEUED_JOBS_QUOTA beyond); 0 = no quota",
               [](settings& s) -> auto& { return s.intake.tenant_quotas.defaults.queued_jobs; }, kind::number),
        nested("quota-stored", "bytes one tenant may keep: open jobs' documents and results (507 STORAGE_QUOTA beyond); 0 = no quota",
               [](settings& s) -> auto& { return s.intake.tenant_quotas.defaults.stored_bytes; }, kind::bytes),
        nested("quota-endpoints", "webhook endpoints one tenant may register (429 ENDPOINT_QUOTA beyond); 0 = no quota",
               [](settings& s) -> auto& { return s.intake.tenant_quotas.defaults.endpoints; }, kind::number),
        custom("tenant-quotas", "per-tenant overrides of the three quotas, e.g. \"acme:queued=5000,stored=20GiB beta:endpoints=50\" (0 = none for that tenant)",
               [](const settings& s) { return intake::format_tenant_quotas(s.intake.tenant_quotas.tenants); },
               [](settings& s, std::string_view t) {
                   auto q = intake::parse_tenant_quotas(t);
                   if (q) s.intake.tenant_quotas.tenants = std::move(*q);
                   return q.has_value();
               }),
        make("max-queue-depth", "queued jobs beyond which POST /v1/jobs answers 503", &settings::queue, &queue::config::max_depth),
        make("max-attempts", "attempts before a job that keeps failing ends failed", &settings::queue, &queue::config::max_attempts),
        make("lease", "how long a worker's claim on a job lasts before it is handed back", &settings::queue, &queue::config::lease),
        make("retry-after", "Retry-After sent with 503 when the queue is full", &settings::queue, &queue::config::retry_after),
        make("fsync", "fsync the WAL before answering 202 (false: faster, not crash-safe)", &settings::store, &store::config::fsync),
        make("retention", "how long finished jobs and results are kept", &settings::store, &store::config::retention),
        make("gone-ttl", "how long an expired job answers 410 instead of 404", &settings::store, &store::config::gone_ttl),
        make("sweep-interval", "how often expired records and lapsed leases are handled", &settings::store, &store::config::sweep_interval),
        make_size("block-cache", "RocksDB block cache", &settings::store, &store::config::block_cache),
        make_size("min-free-space", "submissions are refused (507) while the data volume has less free than this; 0 = only when full", &settings::store, &store::config::min_free_space),
        make("idle-timeout", "a connection waiting for a request's first byte is closed after this", &settings::http, &http::config::idle_timeout),
        make("read-timeout", "deadline for reading one request, headers and body, from its first byte", &settings::http, &http::config::read_timeout),
        make("write-timeout", "deadline for writing one reply", &settings::http, &http::config::write_timeout),
        make("max-connections", "open connections beyond which new ones get 503", &settings::http, &http::config::max_connections),
        make("webhook-timeout", "deadline of one webhook attempt, connect to last byte", &settings::deliver, &deliver::config::timeout),
        custom("webhook-retry-schedule", "delay before each webhook attempt; the last one dead-letters (jitter +/-20 %)",
               [](const settings& s) { return join_durations(s.deliver.schedule.delays); },
               [](settings& s, std::string_view t) {
                   auto d = deliver::parse_schedule(t);
                   if (d) s.deliver.schedule.delays = std::move(*d);
                   return d.has_value();
               }),
        nested("webhook-max-retry-after", "cap on a receiver's Retry-After",
               [](settings& s) -> auto& { return s.deliver.schedule.max_retry_after; }, kind::time),
        make_size("webhook-max-inline-result", "larger results are sent as result_url instead of inline", &settings::deliver, &deliver::config::max_inline_result),
        make_size("webhook-max-response-body", "bytes of a receiver's reply that are read", &settings::deliver, &deliver::config::max_response_body),
        make("webhook-per-origin-concurrency", "webhook attempts in flight to one receiver (scheme://host:port)", &settings::deliver, &deliver::config::per_origin_concurrency),
        make("webhook-max-in-flight", "webhook attempts in flight overall; due ones beyond it wait", &settings::deliver, &deliver::config::max_in_flight),
        make("webhook-allow-http", "allow plain http:// webhook URLs", &settings::deliver, &deliver::config::allow_http),
        custom("webhook-allow-cidrs", "comma-separated CIDRs exempt from the SSRF guard, e.g. 127.0.0.0/8",
               [](const settings& s) {
                   std::string out;
                   for (const auto& c : s.deliver.allow_cidrs)
                       out += (out.empty() ? "" : ",") + c.network.to_string() + "/" + std::to_string(c.prefix);
                   return out;
               },
               [](settings& s, std::string_view t) {
                   auto l = deliver::parse_cidr_list(t);
                   if (l) s.deliver.allow_cidrs = std::move(*l);
                   return l.has_value();
               }),
        make("webhook-rotation-grace", "how long a rotated-out endpoint secret keeps signing", &settings::deliver, &deliver::config::rotation_grace),
        make("webhook-disable-after", "an endpoint whose attempts all failed this long is disabled", &settings::deliver, &deliver::config::disable_after),
        make("webhook-ca-file", "extra CA bundle trusted for https webhooks (the system store is always used)", &settings::deliver, &deliver::config::ca_file),
        make("public-url", "base URL of this service in result_url (default: from --listen)", &settings::deliver, &deliver::config::public_url),
        make("shutdown-timeout", "how long SIGTERM waits for requests and running jobs", &settings::app, &app_config::shutdown_timeout),
        make("log-level", "debug, info, warn or error", &settings::app, &app_config::log_level),
    };
    return table;
}

std::string env_name(std::string_view option_name) {
    std::string e = "DOCKET_";
    for (const char c : option_name) e += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return e;
}

outcome<loaded> load(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                     const file_reader& read_file, const std::set<std::string>& extra_flags) {
    // First pass: split flags from positional arguments and find --config.
    loaded out;
    std::vector<std::pair<std::string, std::string>> flags;
    std::optional<std::string> config_path;
    if (auto it = env.find("DOCKET_CONFIG"); it != env.end()) config_path = it->second;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.rfind("--", 0) != 0 || a.size() == 2) {
            out.positional.push_back(a);
            continue;
        }
        std::string name = a.substr(2), value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return failure(errc::invalid_field, "--" + name + " needs a value");
        }
        if (name == "config") config_path = value;
        else if (extra_flags.count(name)) out.extra[name] = value;
        else flags.emplace_back(std::move(name), std::move(value));
    }

    if (config_path) {
        auto text = read_file(*config_path);
        if (!text) return failure(errc::invalid_field, "cannot read config file " + *config_path);
        std::istringstream in(*text);
        std::string line;
        for (int n = 1; std::getline(in, line); ++n) {
            auto l = trim(line);
            if (l.empty() || l.front() == '#') continue;
            const auto eq = l.find('=');
            if (eq == std::string_view::npos)
                return failure(errc::invalid_field, *config_path + ":" + std::to_string(n) + ": expected name = value");
            auto value = trim(l.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
            if (auto ok = apply(out.values, trim(l.substr(0, eq)), value, *config_path + ":" + std::to_string(n)); !ok)
                return ok.error();
        }
    }
    for (const auto& o : options()) {
        if (auto it = env.find(env_name(o.name)); it != env.end())
            if (auto ok = apply(out.values, o.name, it->second, env_name(o.name)); !ok) return ok.error();
    }
    for (const auto& [name, value] : flags)
        if (auto ok = apply(out.values, name, value, "--" + name); !ok) return ok.error();
    return out;
}

std::string describe_options() {
    const settings defaults;
    std::string out;
    for (const auto& o : options()) {
        out += "  --" + std::string(o.name);
        out.append(o.name.size() < 18 ? 18 - o.name.size() : 1, ' ');
        const auto d = o.get(defaults);
        out += env_name(o.name) + "  (default " + (d.empty() ? "none" : d) + ")\n      " + std::string(o.help) + "\n";
    }
    out += "  --config            DOCKET_CONFIG  (default none)\n      a file of `name = value` lines using the option names above\n";
    return out;
}

} // namespace docket::config
