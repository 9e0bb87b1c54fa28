// Event bodies and delivery planning, called by the workers in the batch that finishes a job,
// and URL checks, called by the API when a webhook URL is submitted or registered.

#include <docket/deliver/planner.hpp>
#include <docket/extract/extractor.hpp>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>

namespace docket::deliver {

std::string_view event_for(const job& j) {
    if (j.status == job_status::succeeded) return "document.completed";
    if (j.status == job_status::failed) return "document.failed";
    return "";
}

const std::vector<std::string>& known_events() {
    static const std::vector<std::string> events = {"document.completed", "document.failed", "batch.completed"};
    return events;
}

std::string event_payload(const job& j, std::string_view result_json, timestamp now, const config& cfg) {
    namespace json = boost::json;
    json::object data{{"id", j.id},
                      {"status", to_string(j.status)},
                      {"document_type", j.document_type},
                      {"filename", j.document.filename},
                      {"pages", j.document.pages ? json::value(*j.document.pages) : json::value(nullptr)},
                      {"metadata", json::parse(j.metadata)}};
    if (j.status == job_status::succeeded) {
        if (result_json.size() <= cfg.max_inline_result) data["result"] = json::parse(result_json);
        else {
            data["result_url"] = cfg.public_url + "/v1/jobs/" + j.id + "/result";
            // The typed values travel inline whatever the result's size: most receivers want
            // just them, and fetching the result back costs a round trip per document.
            if (auto typed = extract::fields_view(result_json)) {
                boost::system::error_code ec;
                auto v = json::parse(*typed, ec);
                if (!ec && v.is_object())
                    for (const char* k : {"fields", "confidence", "needs_review"})
                        if (const auto* m = v.get_object().if_contains(k)) data[k] = *m;
            }
        }
    } else if (j.error) {
        data["error"] = json::object{{"code", j.error->code}, {"message", j.error->message}};
    }
    json::object body{{"type", event_for(j)}, {"timestamp", format_rfc3339(now)}, {"data", std::move(data)}};
    return json::serialize(body);
}

bool subscribed(const endpoint& e, std::string_view event) {
    return e.enabled && (e.events.empty() || std::find(e.events.begin(), e.events.end(), event) != e.events.end());
}

delivery make_delivery(const job& j, std::string_view event, std::string payload, std::string endpoint_id,
                       std::string url, timestamp now) {
    delivery d;
    d.id = new_id("msg_");
    d.job_id = j.id;
    d.tenant = j.tenant;
    d.event = std::string(event);
    d.endpoint_id = std::move(endpoint_id);
    d.url = std::move(url);
    d.payload = std::move(payload);
    d.created_at = now;
    d.next_attempt_at = now;
    return d;
}

std::vector<delivery> plan_deliveries(const job& j, std::string_view result_json, const std::vector<endpoint>& endpoints,
                                      timestamp now, const config& cfg) {
    std::vector<delivery> out;
    const auto event = event_for(j);
    if (event.empty()) return out;
    std::string payload;
    auto body = [&]() -> const std::string& {
        if (payload.empty()) payload = event_payload(j, result_json, now, cfg);
        return payload;
    };
    if (j.webhook_url) out.push_back(make_delivery(j, event, body(), "", *j.webhook_url, now));
    for (const auto& e : endpoints)
        if (e.tenant == j.tenant && subscribed(e, event)) out.push_back(make_delivery(j, event, body(), e.id, e.url, now));
    return out;
}

std::vector<delivery> plan_batch_completed(const batch_record& b, const std::vector<endpoint>& endpoints, timestamp now,
                                           const config&) {
    namespace json = boost::json;
    json::array skipped;
    for (const auto& s : b.skipped) skipped.push_back(json::object{{"name", s.name}, {"reason", s.reason}});
    json::object data{{"batch_id", b.id},
                      {"filename", b.filename},
                      {"total", b.job_ids.size()},
                      {"succeeded", b.succeeded},
                      {"failed", b.failed},
                      {"skipped", std::move(skipped)},
                      {"metadata", json::parse(b.metadata)}};
    const std::string payload = json::serialize(
        json::object{{"type", "batch.completed"}, {"timestamp", format_rfc3339(now)}, {"data", std::move(data)}});
    // The batch's deliveries hang off a job id like the documents' do: the batch id.
    job owner;
    owner.id = b.id;
    owner.tenant = b.tenant;
    std::vector<delivery> out;
    if (b.webhook_url) out.push_back(make_delivery(owner, "batch.completed", payload, "", *b.webhook_url, now));
    for (const auto& e : endpoints)
        if (e.tenant == b.tenant && subscribed(e, "batch.completed"))
            out.push_back(make_delivery(owner, "batch.completed", payload, e.id, e.url, now));
    return out;
}

} // namespace docket::deliver
