// Submissions as they arrive: the first line is the Content-Type, the rest the body, read as
// multipart/form-data (when the type says so) and as the JSON form.
#include <docket/intake/multipart.hpp>
#include <docket/intake/submission.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto nl = in.find('\n');
    const auto type = nl == std::string_view::npos ? std::string_view("multipart/form-data; boundary=b") : in.substr(0, nl);
    const auto body = nl == std::string_view::npos ? in : in.substr(nl + 1);
    docket::intake::config cfg;
    cfg.max_upload = 1 << 20;
    (void)docket::intake::multipart_boundary(type);
    (void)docket::intake::body_limit_for(type, cfg);
    if (auto s = docket::intake::parse_multipart_submission(body, type, cfg)) (void)docket::intake::request_hash(*s);
    if (auto s = docket::intake::parse_json_submission(body, cfg)) (void)docket::intake::request_hash(*s);
    return 0;
}
