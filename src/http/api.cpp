// Handlers of the v1 API. Called by the HTTP server for every request; store reads and commits
// are awaited off the I/O thread.

#include <docket/http/api.hpp>
#include <docket/queue/job_locks.hpp>
#include "api_internal.hpp"
#include <docket/auth/keys.hpp>
#include <docket/auth/rate_limit.hpp>
#include <docket/core/encoding.hpp>
#include <docket/core/log.hpp>
#include <docket/deliver/planner.hpp>
#include <docket/deliver/signing.hpp>
#include <docket/extract/extractor.hpp>
#include <docket/extract/ocr.hpp>
#include <docket/http/error_response.hpp>
#include <docket/http/router.hpp>
#include <docket/intake/idempotency.hpp>
#include <docket/intake/submission.hpp>
#include <docket/intake/zip.hpp>
#include <docket/sandbox/pool.hpp>
#include <docket/queue/ready_queue.hpp>
#include <docket/queue/transitions.hpp>
#include <docket/store/async_commit.hpp>
#include <docket/core/offload.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

namespace docket::http {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::uint64_t k_small_body = 64 << 10; // any request but a submission
constexpr unsigned k_storage_retry_after = 30;   // seconds: space comes back when someone makes it

reply storage_full(const std::string& why) { return error_reply(failure(errc::insufficient_storage, why), k_storage_retry_after); }

using store::async_commit;
using store::commit_timeout;

} // namespace

namespace detail {

reply json_reply(unsigned status, const json::value& v) {
    reply r;
    r.status = status;
    r.body = json::serialize(v);
    return r;
}

json::value optional_time(const std::optional<timestamp>& t) {
    return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

json::object job_view(const job& j) {
    json::object doc{{"filename", j.document.filename},
                     {"media_type", j.document.media_type},
                     {"size", j.document.size},
                     {"pages", j.document.pages ? json::value(*j.document.pages) : json::value(nullptr)}};
    json::object o{{"id", j.id},
                   {"status", to_string(j.status)},
                   {"document_type", j.document_type},
                   {"priority", to_string(j.priority)},
                   {"created_at", format_rfc3339(j.created_at)},
                   {"updated_at", format_rfc3339(j.updated_at)},
                   {"started_at", optional_time(j.started_at)},
                   {"finished_at", optional_time(j.finished_at)},
                   {"expires_at", optional_time(j.expires_at)},
                   {"attempts", j.attempts},
                   {"document", std::move(doc)},
                   {"metadata", json::parse(j.metadata)}};
    o["error"] = j.error ? json::value(json::object{{"code", j.error->code}, {"message", j.error->message}})
                         : json::value(nullptr);
    if (j.language) o["language"] = *j.language;
    if (j.locale) o["locale"] = *j.locale;
    if (j.min_confidence) o["min_confidence"] = *j.min_confidence;
    if (j.webhook_url) o["webhook_url"] = *j.webhook_url;
    if (j.batch_id) o["batch_id"] = *j.batch_id;
    if (j.pages_done) o["progress"] = json::object{{"pages_done", *j.pages_done}, {"pages_total", j.pages_total.value_or(0)}};
    if (j.status == job_status::succeeded) o["result_url"] = "/v1/jobs/" + j.id + "/result";
    return o;
}

std::optional<target_parts> split_target(std::string_view target) {
    auto u = boost::urls::parse_origin_form(target);
    if (!u) return std::nullopt;
    target_parts t;
    t.path = std::string(u->path());
    for (auto p : u->params()) t.params.emplace_back(std::string(p.key), std::string(p.value));
    return t;
}

asio::awaitable<std::optional<job>> scope::load(const std::string& id) {
    auto j = co_await offload(ctx.blocking, [&] { return ctx.store.get_job(id); });
    if (j && j->tenant != tenant) j.reset(); // another tenant's job does not exist for this one
    co_return j;
}

asio::awaitable<reply> scope::missing(const std::string& id) {
    auto t = co_await offload(ctx.blocking, [&] { return ctx.store.get_tombstone(id); });
    if (t && *t == tenant) co_return error_reply(failure(errc::gone, "job " + id + " expired and was removed"));
    co_return error_reply(failure(errc::not_found, "no job " + id));
}

} // namespace detail

using namespace detail;

header_decision api::on_headers(const request& r) {
    header_decision d;
    d.body_limit = k_small_body;
    auto t = split_target(r.target);
    if (!t) {
        d.reject = error_reply(failure(errc::invalid_field, "malformed request target"));
        return d;
    }
    auto rt = route(r.method, t->path);
    if (!rt.match) {
        if (rt.allow.empty()) {
            d.reject = error_reply(failure(errc::not_found, "no such path: " + t->path));
        } else {
            d.reject = error_reply(failure(errc::method_not_allowed, r.method + " is not allowed here; allowed: " + rt.allow));
            d.reject->headers.emplace_back("Allow", rt.allow);
        }
        return d;
    }
    if (rt.match->needs_auth) {
        auto key = auth::presented_key(r.header("authorization"), r.header("x-api-key"));
        auto k = key ? ctx_.keys.find(*key) : std::nullopt;
        if (!k) {
            d.reject = error_reply(failure(errc::unauthorized, key ? "unknown or revoked API key"
                                                                   : "send an API key as 'Authorization: Bearer <key>'"));
            return d;
        }
        // Counted per key before the body is read: a key over its rate costs no upload.
        const auto policy = auth::policy_for(ctx_.limiter.global(), k->rate_limit, k->rate_burst);
        if (policy.per_second > 0) {
            const auto rate = ctx_.limiter.take(k->id, policy, now_ms());
            d.reply_headers = {{"RateLimit-Policy", auth::policy_header(policy)}, {"RateLimit", auth::limit_header(rate)}};
            if (!rate.allowed) {
                d.reject = error_reply(failure(errc::rate_limited, "this API key is over its rate limit (" +
                                                                       std::to_string(policy.per_second) + " requests per second)"),
                                       static_cast<unsigned>(rate.retry_after));
                d.reject->headers.insert(d.reject->headers.end(), d.reply_headers.begin(), d.reply_headers.end());
                return d;
            }
        }
    }
    if (rt.match->id == route_id::create_job) {
        if (!ctx_.accepting) {
            d.reject = error_reply(failure(errc::not_ready, "docket is not accepting jobs right now"));
            return d;
        }
        auto limit = intake::body_limit_for(r.header("content-type").value_or(""), ctx_.intake_cfg);
        if (!limit) {
            d.reject = error_reply(failure(errc::unsupported_media_type,
                                           "Content-Type must be multipart/form-data or application/json"));
            return d;
        }
        if (auto cl = r.header("content-length")) {
            std::uint64_t n = 0;
            std::from_chars(cl->data(), cl->data() + cl->size(), n);
            if (n > *limit) {
                d.reject = error_reply(failure(errc::payload_too_large,
                                               "the upload is larger than " + format_size(ctx_.intake_cfg.max_upload)));
                return d;
            }
        }
        d.body_limit = *limit;
    }
    return d;
}

namespace {

struct job_handlers : scope {

    asio::awaitable<reply> create() {
        const auto content_type = req.header("content-type").value_or("");
        auto sub = starts_with_ci(content_type, "multipart/")
                       ? intake::parse_multipart_submission(req.body, content_type, ctx.intake_cfg)
                       : intake::parse_json_submission(req.body, ctx.intake_cfg);
        if (!sub) co_return error_reply(sub.error());

        const auto idem_key = req.header("idempotency-key");
        std::string hash;
        struct reservation {
            intake::idempotency_guard* guard = nullptr;
            std::string tenant, key;
            ~reservation() { if (guard) guard->release(tenant, key); }
        } held;
        const timestamp now = now_ms();
        if (idem_key) {
            if (auto ok = intake::validate_idempotency_key(*idem_key); !ok) co_return error_reply(ok.error());
            if (!ctx.idempotency.try_reserve(tenant, *idem_key))
                co_return error_reply(failure(errc::idempotency_in_progress, "a request with this Idempotency-Key is in progress"));
            held = {&ctx.idempotency, tenant, std::string(*idem_key)};
            hash = intake::request_hash(*sub);
            auto rec = co_await offload(ctx.blocking, [&] { return ctx.store.get_idempotency(tenant, *idem_key); });
            auto d = intake::decide_idempotency(rec, hash, now, ctx.intake_cfg.idempotency_ttl);
            if (d.action == intake::idempotency_action::conflict)
                co_return error_reply(failure(errc::idempotency_conflict, "this Idempotency-Key was used with a different request"));
            if (d.action == intake::idempotency_action::replay) {
                if (d.job_id.rfind("bat_", 0) == 0) {
                    auto r = co_await batch(d.job_id);
                    if (r.status == 200) {
                        r.headers.emplace_back("Idempotent-Replayed", "true");
                        co_return r;
                    }
                } else if (auto original = co_await load(d.job_id)) {
                    auto r = json_reply(200, job_view(*original));
                    r.headers.emplace_back("Idempotent-Replayed", "true");
                    co_return r;
                }
            }
        }
        if (sub->language && !extract::language_installed(*sub->language))
            co_return error_reply(failure(errc::invalid_field, "language '" + *sub->language +
                                                                   "' has no OCR data installed (looked in " + extract::tessdata_dir() + ")"));
        std::optional<std::string> new_secret;
        if (sub->webhook_url) {
            if (auto ok = deliver::check_url(*sub->webhook_url, ctx.deliver_cfg); !ok) co_return error_reply(ok.error());
            // The client gets the secret docket made once, in this reply.
            if (!sub->webhook_secret) new_secret = sub->webhook_secret = deliver::new_secret();
        }
        // Refused before anything is written: the document and its result need room, and
        // --min-free-space keeps some for what is already accepted (results, deliveries).
        if (auto why = ctx.store.refuse_write(sub->file().size())) co_return storage_full(*why);
        if (sub->media_type == "application/zip") co_return co_await create_batch(*sub, idem_key, hash, new_secret, now);
        if (ctx.ready.size() >= ctx.queue_cfg.max_depth) co_return queue_full();
        if (auto over = over_quota(1, sub->file().size())) co_return *over;

        job j;
        j.id = new_job_id(now);
        j.tenant = tenant;
        j.priority = sub->priority;
        j.document_type = sub->document_type;
        j.language = sub->language;
        j.locale = sub->locale;
        j.min_confidence = sub->min_confidence;
        j.webhook_url = sub->webhook_url;
        j.webhook_secret = sub->webhook_secret;
        j.metadata = sub->metadata;
        j.document = {sub->filename, sub->media_type, sub->file().size(), std::nullopt};
        j.seq = ++ctx.next_seq;
        j.created_at = j.updated_at = now;

        auto b = ctx.store.new_batch();
        b.put_job(nullptr, j);
        b.put_document(j.id, sub->file());
        if (idem_key)
            b.put_idempotency(tenant, *idem_key, {j.id, hash, now}, now + ctx.intake_cfg.idempotency_ttl.count());
        // Only once the job is durable may a worker see it and the client hear 202.
        auto position = std::make_shared<std::size_t>(0);
        // Named, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
        std::function<void()> enqueue = [position, &ready = ctx.ready, e = queue::entry{j.priority, j.seq, j.id, j.tenant}] {
            *position = ready.push(e);
        };
        try {
            co_await async_commit(ctx.store, std::move(b), ctx.intake_cfg.commit_timeout, std::move(enqueue));
        } catch (const commit_timeout&) {
            co_return error_reply(failure(errc::not_ready, "the store is slow; retry (with the same Idempotency-Key)"), 5);
        }
        json::object accepted{{"id", j.id},
                              {"status", "queued"},
                              {"created_at", format_rfc3339(j.created_at)},
                              {"queue_position", *position}};
        if (new_secret) accepted["webhook_secret"] = *new_secret;
        auto r = json_reply(202, accepted);
        r.headers.emplace_back("Location", "/v1/jobs/" + j.id);
        co_return r;
    }

    // The tenant's quotas, checked before the commit; submissions in flight together may pass a
    // quota by the few between the check and their commit.
    std::optional<reply> over_quota(std::uint64_t jobs, std::uint64_t bytes) const {
        const auto q = ctx.intake_cfg.tenant_quotas.of(tenant);
        if (!q.queued_jobs && !q.stored_bytes) return std::nullopt;
        const intake::tenant_usage used{q.queued_jobs ? ctx.ready.count(tenant) : 0, q.stored_bytes ? ctx.store.stored_bytes(tenant) : 0};
        auto e = intake::over_quota(q, used, jobs, bytes);
        if (!e) return std::nullopt;
        const auto wait = e->code == errc::queued_jobs_quota ? ctx.queue_cfg.retry_after : std::chrono::seconds(60);
        return error_reply(*e, static_cast<unsigned>(std::chrono::duration_cast<std::chrono::seconds>(wait).count()));
    }

    reply queue_full() const {
        return error_reply(failure(errc::queue_full, "the queue is full; retry later"),
                           static_cast<unsigned>(std::chrono::duration_cast<std::chrono::seconds>(ctx.queue_cfg.retry_after).count()));
    }

    // A ZIP: one child job per supported entry, all committed with the batch record in one batch.
    asio::awaitable<reply> create_batch(const intake::submission& sub, std::optional<std::string_view> idem_key,
                                        const std::string& hash, const std::optional<std::string>& new_secret, timestamp now) {
        intake::zip_limits limits = ctx.intake_cfg.zip;
        limits.max_entry = ctx.intake_cfg.max_upload;
        // The archive is opened in a child process: a hostile ZIP costs this request only.
        auto contents = co_await offload(ctx.blocking, [&] {
            sandbox::lease child(ctx.unzip);
            return intake::unpack_zip_in(child.get(), sub.file(), limits);
        });
        if (!contents) co_return error_reply(contents.error());
        if (ctx.ready.size() + contents->documents.size() > ctx.queue_cfg.max_depth) co_return queue_full();
        std::uint64_t bytes = 0;
        for (const auto& doc : contents->documents) bytes += doc.bytes.size();
        if (auto over = over_quota(contents->documents.size(), bytes)) co_return *over;

        batch_record rec;
        rec.id = new_id("bat_");
        rec.tenant = tenant;
        rec.filename = sub.filename;
        rec.skipped = contents->skipped;
        rec.webhook_url = sub.webhook_url;
        rec.webhook_secret = sub.webhook_secret;
        rec.metadata = sub.metadata;
        rec.created_at = now;
        auto b = ctx.store.new_batch();
        std::vector<queue::entry> entries;
        json::array jobs;
        for (auto& doc : contents->documents) {
            job j;
            j.id = new_job_id(now);
            j.tenant = tenant;
            j.priority = sub.priority;
            j.document_type = sub.document_type;
            j.language = sub.language;
            j.locale = sub.locale;
            j.min_confidence = sub.min_confidence;
            j.webhook_url = sub.webhook_url;
            j.webhook_secret = sub.webhook_secret;
            j.metadata = sub.metadata;
            j.batch_id = rec.id;
            j.document = {valid_utf8(doc.name, 255), doc.media_type, doc.bytes.size(), std::nullopt};
            j.seq = ++ctx.next_seq;
            j.created_at = j.updated_at = now;
            b.put_job(nullptr, j);
            b.put_document(j.id, doc.bytes);
            rec.job_ids.push_back(j.id);
            entries.push_back({j.priority, j.seq, j.id, j.tenant});
            jobs.push_back(json::object{{"id", j.id}, {"filename", j.document.filename}, {"media_type", doc.media_type}});
        }
        b.put_batch(rec);
        if (idem_key) b.put_idempotency(tenant, *idem_key, {rec.id, hash, now}, now + ctx.intake_cfg.idempotency_ttl.count());
        std::function<void()> enqueue = [&ready = ctx.ready, entries = std::move(entries)] {
            for (const auto& e : entries) ready.push(e);
        };
        try {
            co_await async_commit(ctx.store, std::move(b), ctx.intake_cfg.commit_timeout, std::move(enqueue));
        } catch (const commit_timeout&) {
            co_return error_reply(failure(errc::not_ready, "the store is slow; retry (with the same Idempotency-Key)"), 5);
        }
        json::array skipped;
        for (const auto& s : rec.skipped) skipped.push_back(json::object{{"name", s.name}, {"reason", s.reason}});
        json::object accepted{{"batch_id", rec.id},
                              {"status", "queued"},
                              {"created_at", format_rfc3339(now)},
                              {"jobs", std::move(jobs)},
                              {"skipped", std::move(skipped)}};
        if (new_secret) accepted["webhook_secret"] = *new_secret;
        auto r = json_reply(202, accepted);
        r.headers.emplace_back("Location", "/v1/batches/" + rec.id);
        co_return r;
    }

    asio::awaitable<reply> batch(const std::string& id) {
        auto view = co_await offload(ctx.blocking, [&]() -> std::optional<json::object> {
            auto b = ctx.store.get_batch(id);
            if (!b || b->tenant != tenant) return std::nullopt;
            json::object counts{{"queued", 0}, {"processing", 0}, {"succeeded", 0}, {"failed", 0}, {"canceled", 0}};
            json::array jobs;
            for (const auto& jid : b->job_ids) {
                auto j = ctx.store.get_job(jid);
                const std::string status = j ? std::string(to_string(j->status)) : "deleted";
                if (auto* c = counts.if_contains(status)) *c = c->as_int64() + 1;
                jobs.push_back(json::object{{"id", jid}, {"status", status},
                                            {"filename", j ? json::value(j->document.filename) : json::value(nullptr)}});
            }
            json::array skipped;
            for (const auto& s : b->skipped) skipped.push_back(json::object{{"name", s.name}, {"reason", s.reason}});
            return json::object{{"id", b->id},
                                {"status", b->completed_at ? "completed" : "processing"},
                                {"filename", b->filename},
                                {"total", b->job_ids.size()},
                                {"counts", std::move(counts)},
                                {"jobs", std::move(jobs)},
                                {"skipped", std::move(skipped)},
                                {"created_at", format_rfc3339(b->created_at)},
                                {"completed_at", optional_time(b->completed_at)}};
        });
        if (!view) co_return error_reply(failure(errc::not_found, "no batch " + id));
        co_return json_reply(200, *view);
    }

    asio::awaitable<reply> get(const std::string& id) {
        auto j = co_await load(id);
        if (!j) co_return co_await missing(id);
        co_return json_reply(200, job_view(*j));
    }

    asio::awaitable<reply> result(const std::string& id) {
        auto j = co_await load(id);
        if (!j) co_return co_await missing(id);
        if (j->status != job_status::succeeded)
            co_return error_reply(failure(errc::not_found, "job " + id + " is " + std::string(to_string(j->status)) + "; it has no result"));
        auto body = co_await offload(ctx.blocking, [&] { return ctx.store.get_result(id); });
        if (!body) co_return co_await missing(id);
        const auto format = target.param("format").value_or("json");
        const auto view = target.param("view").value_or("full");
        if (view != "full" && view != "fields" && view != "pages")
            co_return error_reply(failure(errc::invalid_field, "view must be full, fields or pages"));
        if (format == "csv") {
            auto csv = extract::result_to_csv(*body, view == "pages" ? extract::csv_view::pages : extract::csv_view::typed);
            if (!csv) co_return error_reply(csv.error());
            reply r;
            r.content_type = "text/csv; charset=utf-8";
            r.body = std::move(*csv);
            co_return r;
        }
        if (format != "json") co_return error_reply(failure(errc::invalid_field, "format must be json or csv"));
        reply r;
        if (view == "fields") {
            auto typed = extract::fields_view(*body);
            if (!typed) co_return error_reply(failure(errc::not_found, "job " + id + " was extracted without typed fields"));
            r.body = std::move(*typed);
        } else {
            r.body = std::move(*body);
        }
        co_return r;
    }

    asio::awaitable<reply> list() {
        std::optional<job_status> status;
        if (auto s = target.param("status")) {
            status = parse_job_status(*s);
            if (!status) co_return error_reply(failure(errc::invalid_field, "status must be queued, processing, succeeded, failed or canceled"));
        }
        std::size_t limit = 20;
        if (auto l = target.param("limit")) {
            auto [p, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
            if (ec != std::errc{} || p != l->data() + l->size() || limit < 1 || limit > 100)
                co_return error_reply(failure(errc::invalid_field, "limit must be 1 to 100"));
        }
        std::optional<std::string> cursor;
        if (auto c = target.param("cursor")) {
            cursor = base64_decode(*c);
            if (!cursor || cursor->size() < 9) co_return error_reply(failure(errc::invalid_field, "cursor is not one docket issued"));
        }
        auto page = co_await offload(ctx.blocking, [&] {
            return ctx.store.list_jobs(tenant, status, limit, cursor ? std::optional<std::string_view>(*cursor) : std::nullopt);
        });
        json::array data;
        for (const auto& j : page.jobs) data.push_back(job_view(j));
        co_return json_reply(200, json::object{{"data", std::move(data)},
                                               {"next_cursor", page.next_cursor ? json::value(base64url_encode(*page.next_cursor)) : json::value(nullptr)}});
    }

    asio::awaitable<reply> remove(const std::string& id) {
        auto j = co_await load(id);
        if (!j) co_return co_await missing(id);
        const auto retention = ctx.store.settings().retention;
        if (j->status == job_status::queued) {
            // Whoever removes the entry from the ready queue owns the job: us, or a worker.
            if (!ctx.ready.erase({j->priority, j->seq, j->id, j->tenant}))
                co_return error_reply(failure(errc::conflict, "job " + id + " is being processed and cannot be canceled"));
            auto next = queue::cancel(*j, now_ms(), retention);
            if (!next) co_return error_reply(next.error());
            auto b = ctx.store.new_batch();
            b.put_job(&*j, *next);
            std::function<void()> ended;
            if (j->batch_id) ended = [cb = ctx.batch_child_finished, batch = *j->batch_id] { cb(batch); };
            co_await async_commit(ctx.store, std::move(b), ctx.intake_cfg.commit_timeout, std::move(ended));
            co_return json_reply(200, job_view(*next));
        }
        if (j->status == job_status::processing)
            co_return error_reply(failure(errc::conflict, "job " + id + " is being processed and cannot be canceled"));
        auto b = ctx.store.new_batch();
        b.delete_job(*j);
        // Under the job's lock: whoever finished the job (a worker, the sweeper) commits it and
        // hands its new deliveries to the dispatcher while holding it, so the hand-over has been
        // made when they are looked up here, and forget() below reaches the dispatcher after it.
        // (Without the lock, a DELETE between that commit and the hand-over left the
        // dispatcher holding a copy it then sent.)
        auto deleted = co_await offload(ctx.blocking, [&] {
            std::lock_guard lock(ctx.locks.of(id));
            return ctx.store.delete_deliveries_of(b, id);
        });
        ctx.deliveries_deleted(std::move(deleted));
        std::function<void()> nothing;
        co_await async_commit(ctx.store, std::move(b), ctx.intake_cfg.commit_timeout, std::move(nothing));
        reply r;
        r.status = 204;
        co_return r;
    }
};

} // namespace

asio::awaitable<reply> api::on_request(request r) {
    // A write that found the volume full (RocksDB's own check, past refuse_write) is a 507 like
    // the refusal before it, whichever route made it.
    try {
        co_return co_await dispatch(std::move(r));
    } catch (const store::storage_full& e) {
        log::warn(std::string("request refused: ") + e.what());
    }
    co_return storage_full("the data volume is full; retry later");
}

asio::awaitable<reply> api::dispatch(request r) {
    auto t = split_target(r.target);
    auto rt = t ? route(r.method, t->path) : routing{};
    if (!rt.match) co_return error_reply(failure(errc::not_found, "no such path")); // on_headers already answered
    job_handlers h{{ctx_, r, *t, {}}};
    if (rt.match->needs_auth) {
        auto key = auth::presented_key(r.header("authorization"), r.header("x-api-key"));
        auto tenant = key ? ctx_.keys.tenant_for(*key) : std::nullopt;
        if (!tenant) co_return error_reply(failure(errc::unauthorized, "unknown or revoked API key"));
        h.tenant = std::move(*tenant);
    }
    switch (rt.match->id) {
    case route_id::healthz: co_return json_reply(200, json::object{{"status", "ok"}});
    case route_id::readyz: {
        if (!ctx_.accepting) co_return error_reply(failure(errc::not_ready, "not accepting jobs"));
        const auto space = ctx_.store.space();
        if (auto why = store::space_refusal(space, 0)) co_return error_reply(failure(errc::not_ready, *why), k_storage_retry_after);
        // RocksDB's memory, for an operator (and the memory bench) to see what the RSS is made of,
        // and the WAL fsyncs so far (with the job count: how many commits share an fsync).
        const auto m = ctx_.store.memory();
        const auto confined = sandbox::last_confinement(); // null until a worker has started
        co_return json_reply(200, json::object{{"status", "ready"},
                                               {"queue_depth", ctx_.ready.size()},
                                               {"store", {{"memtable_bytes", m.memtables},
                                                          {"block_cache_bytes", m.block_cache},
                                                          {"cache_charge_bytes", m.cache_charges},
                                                          {"table_reader_bytes", m.table_readers},
                                                          {"sst_bytes", m.sst_bytes},
                                                          {"wal_syncs", ctx_.store.wal_syncs()},
                                                          {"free_bytes", space.free_bytes},
                                                          {"min_free_bytes", space.min_free}}},
                                               {"workers", {{"confinement", confined ? json::value(confined->to_json()) : json::value(nullptr)}}}});
    }
    case route_id::create_job: co_return co_await h.create();
    case route_id::list_jobs: co_return co_await h.list();
    case route_id::get_job: co_return co_await h.get(rt.match->target_id);
    case route_id::get_result: co_return co_await h.result(rt.match->target_id);
    case route_id::delete_job: co_return co_await h.remove(rt.match->target_id);
    case route_id::get_batch: co_return co_await h.batch(rt.match->target_id);
    default: co_return co_await webhook_route(h, *rt.match);
    }
    co_return error_reply(failure(errc::internal, "unrouted"));
}

} // namespace docket::http
