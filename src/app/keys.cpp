// `docket keys`: create, list, limit and revoke API keys in the store (while the server is stopped).

#include <docket/app/commands.hpp>
#include <docket/auth/keys.hpp>

#include <charconv>
#include <cstdio>

namespace docket::app {
namespace {

constexpr const char* k_usage =
    "usage: docket keys create [--tenant NAME] [--rate-limit N] [--rate-burst N]\n"
    "       docket keys list\n"
    "       docket keys limit KEY_ID [--rate-limit N] [--rate-burst N]   (N = default: the serve flag again)\n"
    "       docket keys revoke KEY_ID\n";

// A key's own rate flag: a number (0 = no limit for this key), or "default" to drop it.
bool read_rate(const config::loaded& args, const char* name, std::optional<std::uint64_t>& into) {
    auto it = args.extra.find(name);
    if (it == args.extra.end()) return true;
    const std::string& t = it->second;
    if (t == "default") {
        into.reset();
        return true;
    }
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (ec != std::errc{} || p != t.data() + t.size() || n > 1'000'000) {
        std::fprintf(stderr, "--%s takes a number of requests (0-1000000) or \"default\"\n", name);
        return false;
    }
    into = n;
    return true;
}

std::string rate_text(const store::key_record& k) {
    if (!k.rate_limit && !k.rate_burst) return "default";
    std::string out = k.rate_limit ? (*k.rate_limit ? std::to_string(*k.rate_limit) + "/s" : "unlimited") : "default";
    if (k.rate_burst) out += " burst " + std::to_string(*k.rate_burst);
    return out;
}

} // namespace

int keys(const config::loaded& args) {
    const auto& pos = args.positional;
    const std::string action = pos.empty() ? "" : pos[0];
    if (action != "create" && action != "list" && action != "revoke" && action != "limit") {
        std::fprintf(stderr, "%s", k_usage);
        return 2;
    }
    if ((action == "revoke" || action == "limit") && pos.size() < 2) {
        std::fprintf(stderr, "%s", k_usage);
        return 2;
    }
    store::key_record limits;
    if (!read_rate(args, "rate-limit", limits.rate_limit) || !read_rate(args, "rate-burst", limits.rate_burst)) return 2;
    auto st = store::store::open(args.values.store);
    if (action == "create") {
        auto it = args.extra.find("tenant");
        const std::string tenant = it == args.extra.end() ? "default" : it->second;
        if (!auth::valid_tenant(tenant)) {
            std::fprintf(stderr, "tenant names are 1-64 of A-Z a-z 0-9 _ . -\n");
            return 2;
        }
        auto k = auth::make_key(tenant, now_ms());
        k.record.rate_limit = limits.rate_limit;
        k.record.rate_burst = limits.rate_burst;
        auto b = st->new_batch();
        b.put_key(k.record);
        st->commit_wait(std::move(b));
        std::fprintf(stderr, "created %s for tenant %s; the key is shown only now:\n", k.record.id.c_str(), tenant.c_str());
        std::printf("%s\n", k.secret.c_str());
        return 0;
    }
    if (action == "list") {
        std::printf("%-18s %-20s %-26s %-8s %s\n", "ID", "TENANT", "CREATED", "STATUS", "RATE");
        for (const auto& k : st->keys())
            std::printf("%-18s %-20s %-26s %-8s %s\n", k.id.c_str(), k.tenant.c_str(), format_rfc3339(k.created_at).c_str(),
                        k.revoked ? "revoked" : "active", rate_text(k).c_str());
        return 0;
    }
    for (auto k : st->keys()) {
        if (k.id != pos[1]) continue;
        if (action == "revoke") k.revoked = true;
        if (args.extra.count("rate-limit")) k.rate_limit = limits.rate_limit;
        if (args.extra.count("rate-burst")) k.rate_burst = limits.rate_burst;
        auto b = st->new_batch();
        b.put_key(k);
        st->commit_wait(std::move(b));
        if (action == "revoke") std::printf("revoked %s\n", k.id.c_str());
        else std::printf("%s: rate %s\n", k.id.c_str(), rate_text(k).c_str());
        return 0;
    }
    std::fprintf(stderr, "no key %s\n", pos[1].c_str());
    return 1;
}

} // namespace docket::app
