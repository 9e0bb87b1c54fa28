// Extraction as a sandbox request: the header carries the options, the payload the document,
// the reply the page count and one frame of result JSON. Called by extract/workers.cpp and
// extract/page_split.cpp; serve_extract runs in `docket worker`.

#include <docket/extract/isolated.hpp>

#include <boost/json.hpp>

namespace docket::extract {

namespace json = boost::json;

outcome<extraction> extract_in(sandbox::child& c, const document_request& r, const progress_fn& progress) {
    const auto deadline = r.deadline == sandbox::steady::time_point{} ? sandbox::steady::now() + c.limit().timeout : r.deadline;
    json::object header{{"op", "extract"},
                        {"media_type", r.media_type},
                        {"document_type", r.document_type},
                        {"language", r.opt.language},
                        {"max_pages", r.opt.max_pages},
                        {"max_pixels", r.opt.max_pixels},
                        {"dpi", r.opt.dpi},
                        {"first_page", r.opt.first_page},
                        {"page_count", r.opt.page_count},
                        {"min_confidence", r.opt.min_confidence},
                        {"locale", r.opt.locale}};
    auto reply = c.call(std::move(header), r.bytes, deadline, [&](const json::object& m) {
        if (progress) progress(m.at("done").to_number<std::int64_t>(), m.at("total").to_number<std::int64_t>());
    });
    if (!reply) return reply.error();
    if (reply->frames.size() != 1) return failure(errc::internal, "the worker's reply has no result");
    return extraction{std::move(reply->frames.front()), reply->header.at("pages").to_number<std::int64_t>()};
}

outcome<sandbox::reply> serve_extract(const json::object& h, std::string& payload, const sandbox::interim_fn& interim) {
    options opt;
    opt.language = std::string(h.at("language").as_string());
    opt.max_pages = h.at("max_pages").to_number<std::int64_t>();
    opt.max_pixels = h.at("max_pixels").to_number<std::uint64_t>();
    opt.dpi = h.at("dpi").to_number<int>();
    opt.first_page = h.at("first_page").to_number<std::int64_t>();
    opt.page_count = h.at("page_count").to_number<std::int64_t>();
    opt.min_confidence = h.at("min_confidence").to_number<double>();
    opt.locale = std::string(h.at("locale").as_string());
    // Progress at most every 200 ms: enough for a client polling, cheap for small pages.
    auto last = sandbox::steady::now();
    opt.on_page = [&](std::int64_t done, std::int64_t total) {
        if (done == total || sandbox::steady::now() - last < std::chrono::milliseconds(200)) return;
        last = sandbox::steady::now();
        interim({{"done", done}, {"total", total}});
    };
    auto r = extract_document(payload, std::string(h.at("media_type").as_string()), std::string(h.at("document_type").as_string()), opt);
    if (!r) return r.error();
    sandbox::reply out;
    out.header = {{"pages", r->pages}};
    out.frames.push_back(std::move(r->result_json));
    return out;
}

outcome<extraction> fields_in(sandbox::child& c, extraction whole, const document_request& r) {
    const auto deadline = r.deadline == sandbox::steady::time_point{} ? sandbox::steady::now() + c.limit().timeout : r.deadline;
    json::object header{{"op", "fields"},
                        {"document_type", r.document_type},
                        {"language", r.opt.language},
                        {"min_confidence", r.opt.min_confidence},
                        {"locale", r.opt.locale}};
    auto reply = c.call(std::move(header), whole.result_json, deadline, {});
    if (!reply) return reply.error();
    if (reply->frames.size() != 1) return failure(errc::internal, "the worker's reply has no result");
    whole.result_json = std::move(reply->frames.front());
    return whole;
}

outcome<sandbox::reply> serve_fields(const json::object& h, std::string& payload) {
    options opt;
    opt.language = std::string(h.at("language").as_string());
    opt.min_confidence = h.at("min_confidence").to_number<double>();
    opt.locale = std::string(h.at("locale").as_string());
    auto r = add_fields(payload, std::string(h.at("document_type").as_string()), opt);
    if (!r) return r.error();
    sandbox::reply out;
    out.frames.push_back(std::move(*r));
    return out;
}

} // namespace docket::extract
