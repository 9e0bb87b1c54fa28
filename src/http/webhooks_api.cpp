// Webhook handlers of the v1 API: registered endpoints (CRUD, secret rotation, replay) and a
// job's delivery log and redelivery. Called from api::on_request.

#include "api_internal.hpp"

#include <docket/core/offload.hpp>
#include <docket/deliver/planner.hpp>
#include <docket/intake/submission.hpp>
#include <docket/deliver/registry.hpp>
#include <docket/deliver/rules.hpp>
#include <docket/deliver/signing.hpp>
#include <docket/http/error_response.hpp>
#include <docket/store/async_commit.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace docket::http::detail {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object endpoint_view(const endpoint& e) {
    json::array events;
    for (const auto& ev : e.events) events.push_back(json::string(ev));
    json::object headers;
    for (const auto& [k, v] : e.headers) headers[k] = v;
    return json::object{{"id", e.id},
                        {"url", e.url},
                        {"events", std::move(events)},
                        {"headers", std::move(headers)},
                        {"enabled", e.enabled},
                        {"disabled_reason", e.disabled_reason ? json::value(*e.disabled_reason) : json::value(nullptr)},
                        {"failing_since", optional_time(e.failing_since)},
                        {"created_at", format_rfc3339(e.created_at)},
                        {"updated_at", format_rfc3339(e.updated_at)}};
}

json::object delivery_view(const delivery& d, const std::vector<delivery_attempt>& attempts) {
    json::array log;
    for (const auto& a : attempts)
        log.push_back(json::object{{"number", a.number},
                                   {"at", format_rfc3339(a.at)},
                                   {"duration_ms", a.duration_ms},
                                   {"status", a.status ? json::value(a.status) : json::value(nullptr)},
                                   {"error", a.error.empty() ? json::value(nullptr) : json::value(a.error)},
                                   {"response_body", a.response_prefix},
                                   {"endpoint_id", a.endpoint_id.empty() ? json::value(nullptr) : json::value(a.endpoint_id)},
                                   {"url", a.url}});
    return json::object{{"id", d.id},
                        {"event", d.event},
                        {"endpoint_id", d.endpoint_id.empty() ? json::value(nullptr) : json::value(d.endpoint_id)},
                        {"url", d.url},
                        {"status", to_string(d.status)},
                        {"attempts", d.attempts},
                        {"next_attempt_at", optional_time(d.next_attempt_at)},
                        {"last_error", d.last_error ? json::value(*d.last_error) : json::value(nullptr)},
                        {"created_at", format_rfc3339(d.created_at)},
                        {"attempt_log", std::move(log)}};
}

reply bad(std::string message) { return error_reply(failure(errc::invalid_field, std::move(message))); }

// Applies the fields of a POST/PATCH body to an endpoint; the single place that knows them.
outcome<void> apply_endpoint_fields(endpoint& e, const json::object& o, const deliver::config& cfg, bool creating) {
    for (const auto& [key, v] : o) {
        const std::string_view k(key.data(), key.size());
        if (k == "url") {
            if (!v.is_string()) return failure(errc::invalid_field, "url must be a string");
            const std::string url(v.get_string());
            if (auto ok = deliver::check_url(url, cfg); !ok) return ok.error();
            e.url = url;
        } else if (k == "events") {
            if (!v.is_array()) return failure(errc::invalid_field, "events must be an array of event names");
            e.events.clear();
            for (const auto& ev : v.get_array()) {
                const auto& known = deliver::known_events();
                if (!ev.is_string() || std::find(known.begin(), known.end(), std::string(ev.get_string())) == known.end())
                    return failure(errc::invalid_field, "events may list document.completed, document.failed, batch.completed");
                e.events.emplace_back(ev.get_string());
            }
        } else if (k == "headers") {
            if (!v.is_object()) return failure(errc::invalid_field, "headers must be an object of strings");
            e.headers.clear();
            for (const auto& [hn, hv] : v.get_object()) {
                const std::string name(hn);
                if (!hv.is_string()) return failure(errc::invalid_field, "header '" + name + "' must have a string value");
                switch (deliver::check_custom_header(name, hv.get_string())) {
                case deliver::header_check::ok: break;
                case deliver::header_check::bad_name:
                    return failure(errc::invalid_field, "header '" + name + "' must be a token (letters, digits, '-', '_')");
                case deliver::header_check::reserved:
                    return failure(errc::invalid_field, "header '" + name + "' is set by docket and cannot be overridden");
                case deliver::header_check::bad_value:
                    return failure(errc::invalid_field, "header '" + name + "' must not contain control characters (CR, LF, NUL...)");
                }
                e.headers[name] = std::string(hv.get_string());
            }
        } else if (k == "enabled") {
            if (!v.is_bool()) return failure(errc::invalid_field, "enabled must be true or false");
            if (v.get_bool() && !e.enabled) {
                e.disabled_reason.reset();
                e.failing_since.reset();
            }
            e.enabled = v.get_bool();
            if (!e.enabled && !e.disabled_reason) e.disabled_reason = "disabled by the API";
        } else if (k == "secret" && creating) {
            if (!v.is_string() || !deliver::secret_key(std::string(v.get_string())) || v.get_string().size() < 16)
                return failure(errc::invalid_field, "secret must be whsec_ followed by base64");
            e.secrets = {endpoint_secret{std::string(v.get_string()), std::nullopt}};
        } else {
            return failure(errc::invalid_field, "unknown field '" + std::string(k) + "'");
        }
    }
    if (e.url.empty()) return failure(errc::invalid_field, "url is required");
    return {};
}

std::optional<timestamp> parse_since(std::string_view text) {
    std::int64_t secs = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), secs);
    if (ec == std::errc{} && p == text.data() + text.size()) return secs * 1000;
    std::tm tm{};
    const std::string t(text);
    const char* end = strptime(t.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end) return std::nullopt;
    timestamp ms = static_cast<timestamp>(timegm(&tm)) * 1000;
    if (*end == '.') { // fraction: milliseconds
        int frac = 0, digits = 0;
        for (++end; std::isdigit(static_cast<unsigned char>(*end)); ++end)
            if (digits < 3) { frac = frac * 10 + (*end - '0'); ++digits; }
        while (digits++ < 3) frac *= 10;
        ms += frac;
    }
    if (*end == 'Z' || *end == '\0') return ms;
    return std::nullopt;
}

struct webhook_handlers : scope {
    std::optional<endpoint> own_endpoint(const std::string& id) {
        auto e = ctx.endpoints.get(id);
        if (!e || e->tenant != tenant) return std::nullopt;
        return e;
    }

    outcome<json::object> body_object() {
        if (req.body.empty()) return json::object{};
        boost::system::error_code ec;
        auto v = json::parse(req.body, ec);
        if (ec || !v.is_object()) return failure(errc::invalid_json, "body must be a JSON object");
        return std::move(v.get_object());
    }

    // Stores the endpoint durably, then publishes it to the registry.
    asio::awaitable<void> save(const endpoint& e) {
        auto b = ctx.store.new_batch();
        b.put_endpoint(e);
        std::function<void()> nothing;
        co_await store::async_commit(ctx.store, std::move(b), ctx.intake_cfg.commit_timeout, std::move(nothing));
        ctx.endpoints.put(e);
    }

    // Commits deliveries (new or restarted rounds) and hands them to the dispatcher.
    // `stored_payloads` (by index into `changes`, possibly fewer) are request bodies already in the
    // store: they go to the dispatcher with the records, not into the batch again, so the first
    // attempts need not read them back.
    asio::awaitable<void> save_deliveries(const std::vector<std::pair<std::optional<delivery>, delivery>>& changes,
                                          std::vector<std::string> stored_payloads = {}) {
        auto b = ctx.store.new_batch();
        std::vector<delivery> pending;
        for (std::size_t i = 0; i < changes.size(); ++i) {
            const auto& [before, after] = changes[i];
            b.put_delivery(before ? &*before : nullptr, after);
            pending.push_back(after);
            if (i < stored_payloads.size() && pending.back().payload.empty()) pending.back().payload = std::move(stored_payloads[i]);
        }
        std::function<void()> hand_over = [cb = ctx.deliveries_committed, pending = std::move(pending)] { cb(pending); };
        co_await store::async_commit(ctx.store, std::move(b), ctx.intake_cfg.commit_timeout, std::move(hand_over));
    }

    asio::awaitable<reply> create() {
        auto o = body_object();
        if (!o) co_return error_reply(o.error());
        const timestamp now = now_ms();
        endpoint e;
        e.id = new_id("ep_");
        e.tenant = tenant;
        e.created_at = e.updated_at = now;
        if (auto ok = apply_endpoint_fields(e, *o, ctx.deliver_cfg, true); !ok) co_return error_reply(ok.error());
        if (e.secrets.empty()) e.secrets = {endpoint_secret{deliver::new_secret(), std::nullopt}};
        if (auto over = intake::over_endpoint_quota(ctx.intake_cfg.tenant_quotas.of(tenant), ctx.endpoints.of_tenant(tenant).size()))
            co_return error_reply(*over, 60);
        co_await save(e);
        auto view = endpoint_view(e);
        view["secret"] = e.secrets.front().secret; // shown only now
        auto r = json_reply(201, view);
        r.headers.emplace_back("Location", "/v1/webhooks/" + e.id);
        co_return r;
    }

    asio::awaitable<reply> list() {
        json::array data;
        for (const auto& e : ctx.endpoints.of_tenant(tenant)) data.push_back(endpoint_view(e));
        co_return json_reply(200, json::object{{"data", std::move(data)}});
    }

    asio::awaitable<reply> update(const std::string& id) {
        auto e = own_endpoint(id);
        if (!e) co_return error_reply(failure(errc::not_found, "no webhook endpoint " + id));
        auto o = body_object();
        if (!o) co_return error_reply(o.error());
        if (auto ok = apply_endpoint_fields(*e, *o, ctx.deliver_cfg, false); !ok) co_return error_reply(ok.error());
        e->updated_at = now_ms();
        co_await save(*e);
        co_return json_reply(200, endpoint_view(*e));
    }

    asio::awaitable<reply> remove(const std::string& id) {
        auto e = own_endpoint(id);
        if (!e) co_return error_reply(failure(errc::not_found, "no webhook endpoint " + id));
        auto b = ctx.store.new_batch();
        b.delete_endpoint(id);
        std::function<void()> nothing;
        co_await store::async_commit(ctx.store, std::move(b), ctx.intake_cfg.commit_timeout, std::move(nothing));
        ctx.endpoints.erase(id);
        reply r;
        r.status = 204;
        co_return r;
    }

    asio::awaitable<reply> rotate(const std::string& id) {
        auto e = own_endpoint(id);
        if (!e) co_return error_reply(failure(errc::not_found, "no webhook endpoint " + id));
        const timestamp now = now_ms();
        const auto secret = deliver::rotate_secret(*e, now, ctx.deliver_cfg.rotation_grace);
        co_await save(*e);
        co_return json_reply(200, json::object{{"id", e->id},
                                               {"secret", secret},
                                               {"previous_secrets_expire_at", format_rfc3339(now + ctx.deliver_cfg.rotation_grace.count())}});
    }

    asio::awaitable<reply> replay(const std::string& id) {
        auto e = own_endpoint(id);
        if (!e) co_return error_reply(failure(errc::not_found, "no webhook endpoint " + id));
        auto since_text = target.param("since");
        if (!since_text) co_return bad("since (RFC 3339 time or unix seconds) is required");
        auto since = parse_since(*since_text);
        if (!since) co_return bad("since must be an RFC 3339 time or unix seconds");
        // Page by page, each committed and handed to the dispatcher before the next is read: the
        // memory a replay needs does not grow with the endpoint's history, and sending starts
        // while later pages are still being written.
        constexpr std::size_t k_page = 500;
        // The payloads read with a page, for the dispatcher (bounded: large inline results are
        // read back by their attempts instead). Reading each on the dispatcher's thread at its
        // attempt was about a seventh of that thread's time in a replay.
        constexpr std::size_t k_page_payload_bytes = 2 << 20;
        std::size_t replayed = 0;
        std::string cursor;
        do {
            std::vector<std::pair<std::optional<delivery>, delivery>> changes;
            std::vector<std::string> payloads;
            auto next = co_await offload(ctx.blocking, [&] {
                auto page = ctx.store.deliveries_of_endpoint(id, *since, k_page, cursor);
                const timestamp now = now_ms();
                for (auto& d : page.items) {
                    if (d.status == delivery_status::pending) continue;
                    auto again = deliver::redeliver(d, now);
                    changes.emplace_back(std::move(d), std::move(again));
                }
                // Read 32 at a time: the page's payloads stay within the bound plus one such read
                // (at most 32 inline results), whatever their sizes.
                constexpr std::size_t k_chunk = 32;
                std::size_t bytes = 0;
                for (std::size_t from = 0; from < changes.size() && bytes < k_page_payload_bytes; from += k_chunk) {
                    std::vector<std::string> ids;
                    for (std::size_t i = from; i < std::min(from + k_chunk, changes.size()); ++i) ids.push_back(changes[i].second.id);
                    for (auto& p : ctx.store.get_payloads(ids)) {
                        payloads.push_back(std::move(p).value_or(""));
                        bytes += payloads.back().size();
                    }
                }
                return std::move(page.next);
            });
            if (!changes.empty()) co_await save_deliveries(changes, std::move(payloads));
            replayed += changes.size();
            cursor = std::move(next);
        } while (!cursor.empty());
        co_return json_reply(202, json::object{{"replayed", replayed}});
    }

    asio::awaitable<reply> job_deliveries(const std::string& job_id) {
        auto j = co_await load(job_id);
        if (!j) co_return co_await missing(job_id);
        auto list = co_await offload(ctx.blocking, [&] {
            std::vector<std::pair<delivery, std::vector<delivery_attempt>>> out;
            for (auto& d : ctx.store.deliveries_of_job(job_id)) {
                auto attempts = ctx.store.attempts_of(d.id);
                out.emplace_back(std::move(d), std::move(attempts));
            }
            return out;
        });
        json::array data;
        for (const auto& [d, attempts] : list) data.push_back(delivery_view(d, attempts));
        co_return json_reply(200, json::object{{"data", std::move(data)}});
    }

    asio::awaitable<reply> redeliver_job(const std::string& job_id) {
        auto j = co_await load(job_id);
        if (!j) co_return co_await missing(job_id);
        if (deliver::event_for(*j).empty())
            co_return error_reply(failure(errc::conflict, "job " + job_id + " has not finished; there is nothing to deliver"));
        auto o = body_object();
        if (!o) co_return error_reply(o.error());
        std::optional<std::string> only;
        if (auto* v = o->if_contains("endpoint_id")) {
            if (!v->is_string()) co_return bad("endpoint_id must be a string");
            only = std::string(v->get_string());
            if (!own_endpoint(*only)) co_return error_reply(failure(errc::not_found, "no webhook endpoint " + *only));
        }
        auto existing = co_await offload(ctx.blocking, [&] { return ctx.store.deliveries_of_job(job_id); });
        const timestamp now = now_ms();
        std::vector<std::pair<std::optional<delivery>, delivery>> changes;
        for (const auto& d : existing)
            if ((!only || d.endpoint_id == *only) && d.status != delivery_status::pending)
                changes.emplace_back(d, deliver::redeliver(d, now));
        const bool has_existing = std::any_of(existing.begin(), existing.end(), [&](const delivery& d) { return only && d.endpoint_id == *only; });
        if (only && !has_existing) {
            // An endpoint registered after the job finished: its first delivery of this event.
            auto result = co_await offload(ctx.blocking, [&] { return ctx.store.get_result(job_id); });
            auto ep = own_endpoint(*only);
            changes.emplace_back(std::nullopt, deliver::make_delivery(*j, deliver::event_for(*j),
                                                                      deliver::event_payload(*j, result.value_or("null"), now, ctx.deliver_cfg),
                                                                      ep->id, ep->url, now));
        }
        co_await save_deliveries(changes);
        co_return json_reply(202, json::object{{"redelivered", changes.size()}});
    }
};

} // namespace

asio::awaitable<reply> webhook_route(scope& s, const route_match& m) {
    webhook_handlers h{s};
    const auto& id = m.target_id;
    switch (m.id) {
    case route_id::job_deliveries: co_return co_await h.job_deliveries(id);
    case route_id::redeliver: co_return co_await h.redeliver_job(id);
    case route_id::list_webhooks: co_return co_await h.list();
    case route_id::create_webhook: co_return co_await h.create();
    case route_id::get_webhook: {
        auto e = h.own_endpoint(id);
        if (!e) co_return error_reply(failure(errc::not_found, "no webhook endpoint " + id));
        co_return json_reply(200, endpoint_view(*e));
    }
    case route_id::update_webhook: co_return co_await h.update(id);
    case route_id::delete_webhook: co_return co_await h.remove(id);
    case route_id::rotate_secret: co_return co_await h.rotate(id);
    case route_id::replay: co_return co_await h.replay(id);
    default: break;
    }
    co_return error_reply(failure(errc::internal, "unrouted"));
}

} // namespace docket::http::detail
