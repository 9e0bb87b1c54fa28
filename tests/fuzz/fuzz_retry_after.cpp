// What a webhook receiver answers in Retry-After, and retry schedules as configured.
#include <docket/deliver/schedule.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    constexpr docket::timestamp now = 1'790'000'000'000; // ms, late 2026
    (void)docket::deliver::parse_retry_after(in, now);
    (void)docket::deliver::parse_schedule(in);
    return 0;
}
