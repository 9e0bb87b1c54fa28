// Webhook URLs and the SSRF guard: URL checks, address classification, CIDR lists.
#include <docket/deliver/address_policy.hpp>
#include <docket/deliver/config.hpp>
#include <docket/deliver/planner.hpp>

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    docket::deliver::config cfg;
    (void)docket::deliver::check_url(in, cfg);
    cfg.allow_http = true;
    (void)docket::deliver::check_url(in, cfg);
    const auto cidrs = docket::deliver::parse_cidr_list(in);
    boost::system::error_code ec;
    const auto a = boost::asio::ip::make_address(std::string(in), ec);
    if (!ec) {
        (void)docket::deliver::non_global_reason(a);
        (void)docket::deliver::refusal(a, cidrs ? *cidrs : std::vector<docket::deliver::cidr>{});
    }
    return 0;
}
