// Uploaded bytes: the sniffer, and the ZIP reader in process (the server runs it in a worker),
// with small limits so that a bomb is refused rather than exhausting the fuzzer.
#include <docket/intake/sniff.hpp>
#include <docket/intake/zip.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto type = docket::intake::sniff_media_type(in);
    docket::intake::zip_limits limits;
    limits.max_entries = 64;
    limits.max_total = 8 << 20;
    limits.max_entry = 4 << 20;
    if (!type || *type == "application/zip") (void)docket::intake::unpack_zip(in, limits);
    return 0;
}
