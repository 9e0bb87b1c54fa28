// `docket keys`: create, list and revoke API keys in the store (while the server is stopped).

#include <docket/app/commands.hpp>
#include <docket/auth/keys.hpp>

#include <cstdio>

namespace docket::app {

int keys(const config::loaded& args) {
    const auto& pos = args.positional;
    const std::string action = pos.empty() ? "" : pos[0];
    if (action != "create" && action != "list" && action != "revoke") {
        std::fprintf(stderr, "usage: docket keys create [--tenant NAME] | list | revoke KEY_ID\n");
        return 2;
    }
    auto st = store::store::open(args.values.store);
    if (action == "create") {
        auto it = args.extra.find("tenant");
        const std::string tenant = it == args.extra.end() ? "default" : it->second;
        if (!auth::valid_tenant(tenant)) {
            std::fprintf(stderr, "tenant names are 1-64 of A-Z a-z 0-9 _ . -\n");
            return 2;
        }
        auto k = auth::make_key(tenant, now_ms());
        auto b = st->new_batch();
        b.put_key(k.record);
        st->commit_wait(std::move(b));
        std::fprintf(stderr, "created %s for tenant %s; the key is shown only now:\n", k.record.id.c_str(), tenant.c_str());
        std::printf("%s\n", k.secret.c_str());
        return 0;
    }
    if (action == "list") {
        std::printf("%-18s %-20s %-26s %s\n", "ID", "TENANT", "CREATED", "STATUS");
        for (const auto& k : st->keys())
            std::printf("%-18s %-20s %-26s %s\n", k.id.c_str(), k.tenant.c_str(), format_rfc3339(k.created_at).c_str(),
                        k.revoked ? "revoked" : "active");
        return 0;
    }
    if (pos.size() < 2) {
        std::fprintf(stderr, "usage: docket keys revoke KEY_ID\n");
        return 2;
    }
    for (auto k : st->keys()) {
        if (k.id != pos[1]) continue;
        k.revoked = true;
        auto b = st->new_batch();
        b.put_key(k);
        st->commit_wait(std::move(b));
        std::printf("revoked %s\n", k.id.c_str());
        return 0;
    }
    std::fprintf(stderr, "no key %s\n", pos[1].c_str());
    return 1;
}

} // namespace docket::app
