#pragma once
// Settings of webhook delivery.

#include <docket/deliver/address_policy.hpp>
#include <docket/deliver/schedule.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace docket::deliver {

struct config {
    schedule_config schedule;                         //!< retry delays, jitter, Retry-After cap
    duration timeout = std::chrono::seconds(15);      //!< one attempt, connect to last byte
    std::uint64_t max_inline_result = 256 << 10;      //!< larger results are sent as result_url
    std::uint64_t max_response_body = 64 << 10;       //!< bytes of a receiver's reply that are read
    std::size_t per_origin_concurrency = 8;           //!< attempts in flight to one scheme://host:port
    std::size_t max_in_flight = 512;                  //!< attempts in flight overall
    bool allow_http = false;                          //!< plain http:// webhook URLs
    std::vector<cidr> allow_cidrs;                    //!< exceptions to the SSRF guard
    duration rotation_grace = std::chrono::hours(24); //!< an endpoint's old secret keeps signing this long
    duration disable_after = std::chrono::hours(120); //!< an endpoint failing this long is disabled
    std::string public_url;                           //!< base of result_url; empty: from --listen
    std::string ca_file;                              //!< extra CA bundle to trust; empty: system store only
};

} // namespace docket::deliver
