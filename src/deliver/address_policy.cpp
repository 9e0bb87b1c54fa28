// Address classification for the SSRF guard (IANA special-purpose registries, IPv4 and IPv6).
// Used at submission/registration for literal hosts and by the HTTP client after every DNS lookup.

#include <docket/deliver/address_policy.hpp>
#include <docket/core/units.hpp>
#include <docket/deliver/config.hpp>

#include <boost/url/parse.hpp>

#include <array>
#include <charconv>
#include <cstdint>

namespace docket::deliver {

namespace ip = boost::asio::ip;

namespace {

struct v4_range {
    std::uint32_t net;
    unsigned prefix;
    const char* reason;
};

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) { return a << 24 | b << 16 | c << 8 | d; }

constexpr v4_range k_v4_ranges[] = {
    {v4(0, 0, 0, 0), 8, "this-network (0.0.0.0/8)"},
    {v4(10, 0, 0, 0), 8, "private (10.0.0.0/8)"},
    {v4(100, 64, 0, 0), 10, "carrier-grade NAT (100.64.0.0/10)"},
    {v4(127, 0, 0, 0), 8, "loopback (127.0.0.0/8)"},
    {v4(169, 254, 0, 0), 16, "link-local (169.254.0.0/16)"},
    {v4(172, 16, 0, 0), 12, "private (172.16.0.0/12)"},
    {v4(192, 0, 0, 0), 24, "IETF protocol assignments (192.0.0.0/24)"},
    {v4(192, 0, 2, 0), 24, "documentation (192.0.2.0/24)"},
    {v4(192, 88, 99, 0), 24, "6to4 relay anycast (192.88.99.0/24)"},
    {v4(192, 168, 0, 0), 16, "private (192.168.0.0/16)"},
    {v4(198, 18, 0, 0), 15, "benchmarking (198.18.0.0/15)"},
    {v4(198, 51, 100, 0), 24, "documentation (198.51.100.0/24)"},
    {v4(203, 0, 113, 0), 24, "documentation (203.0.113.0/24)"},
    {v4(224, 0, 0, 0), 4, "multicast (224.0.0.0/4)"},
    {v4(240, 0, 0, 0), 4, "reserved (240.0.0.0/4)"},
};

bool prefix_match(const std::array<unsigned char, 16>& a, const std::array<unsigned char, 16>& net, unsigned prefix) {
    for (unsigned i = 0; i < prefix / 8; ++i)
        if (a[i] != net[i]) return false;
    if (prefix % 8 == 0) return true;
    const unsigned char mask = static_cast<unsigned char>(0xFF << (8 - prefix % 8));
    return (a[prefix / 8] & mask) == (net[prefix / 8] & mask);
}

std::optional<std::string> v4_reason(const ip::address_v4& a) {
    const std::uint32_t x = a.to_uint();
    for (const auto& r : k_v4_ranges) {
        const std::uint32_t mask = r.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - r.prefix);
        if ((x & mask) == (r.net & mask)) return std::string(r.reason);
    }
    return std::nullopt;
}

ip::address_v4 v4_at(const std::array<unsigned char, 16>& b, std::size_t offset) {
    return ip::address_v4(ip::address_v4::bytes_type{b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
}

std::array<unsigned char, 16> bytes_of(std::string_view prefix_text) {
    return ip::make_address_v6(std::string(prefix_text)).to_bytes();
}

// The IPv4 address carried inside an IPv6 one, where the IPv6 form is just a wrapper for it.
std::optional<ip::address_v4> embedded_v4(const ip::address_v6& a) {
    const auto b = a.to_bytes();
    static const auto mapped = bytes_of("::ffff:0:0"), nat64 = bytes_of("64:ff9b::"), six_to_four = bytes_of("2002::");
    if (prefix_match(b, mapped, 96) || prefix_match(b, nat64, 96)) return v4_at(b, 12);
    if (prefix_match(b, six_to_four, 16)) return v4_at(b, 2);
    return std::nullopt;
}

struct v6_range {
    const char* net;
    unsigned prefix;
    const char* reason;
};

constexpr v6_range k_v6_ranges[] = {
    {"::", 128, "unspecified (::)"},
    {"::1", 128, "loopback (::1)"},
    {"::", 96, "IPv4-compatible (::/96, deprecated)"},
    {"64:ff9b:1::", 48, "local-use NAT64 (64:ff9b:1::/48)"},
    {"100::", 64, "discard-only (100::/64)"},
    {"2001:db8::", 32, "documentation (2001:db8::/32)"},
    {"2001::", 23, "IETF protocol assignments (2001::/23)"},
    {"fc00::", 7, "unique local (fc00::/7)"},
    {"fe80::", 10, "link-local (fe80::/10)"},
    {"fec0::", 10, "site-local (fec0::/10)"},
    {"ff00::", 8, "multicast (ff00::/8)"},
};

} // namespace

std::optional<cidr> parse_cidr(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    const auto slash = text.find('/');
    boost::system::error_code ec;
    auto a = ip::make_address(std::string(text.substr(0, slash)), ec);
    if (ec) return std::nullopt;
    const unsigned max = a.is_v4() ? 32 : 128;
    unsigned prefix = max;
    if (slash != std::string_view::npos) {
        const auto p = text.substr(slash + 1);
        auto [end, err] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (err != std::errc{} || end != p.data() + p.size() || prefix > max) return std::nullopt;
    }
    return cidr{a, prefix};
}

std::optional<std::vector<cidr>> parse_cidr_list(std::string_view text) { return parse_comma_list(text, parse_cidr); }

bool contains(const cidr& range, const ip::address& a) {
    if (range.network.is_v4() && a.is_v6()) {
        auto inner = embedded_v4(a.to_v6());
        return inner && contains(range, ip::address(*inner));
    }
    if (range.network.is_v4() != a.is_v4()) return false;
    if (a.is_v4()) {
        const std::uint32_t mask = range.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - range.prefix);
        return (a.to_v4().to_uint() & mask) == (range.network.to_v4().to_uint() & mask);
    }
    return prefix_match(a.to_v6().to_bytes(), range.network.to_v6().to_bytes(), range.prefix);
}

std::optional<std::string> non_global_reason(const ip::address& a) {
    if (a.is_v4()) return v4_reason(a.to_v4());
    const auto v6 = a.to_v6();
    const auto b = v6.to_bytes();
    for (const auto& r : k_v6_ranges)
        if (prefix_match(b, bytes_of(r.net), r.prefix)) return std::string(r.reason);
    if (auto inner = embedded_v4(v6)) {
        if (auto why = v4_reason(*inner)) return "IPv4 " + inner->to_string() + " inside IPv6: " + *why;
        // A global IPv4 address behind a mapped/NAT64/6to4 wrapper is as global as the address.
        return std::nullopt;
    }
    if ((b[0] & 0xE0) != 0x20) return "reserved (outside 2000::/3)";
    return std::nullopt;
}

std::optional<std::string> refusal(const ip::address& a, const std::vector<cidr>& allow) {
    for (const auto& c : allow)
        if (contains(c, a)) return std::nullopt;
    auto why = non_global_reason(a);
    if (!why) return std::nullopt;
    return a.to_string() + " is not a public address: " + *why;
}

outcome<void> check_url(std::string_view url, const config& cfg) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u || url.size() > 2048 || u->host().empty())
        return failure(errc::invalid_field, "the webhook URL must be an absolute http or https URL");
    if (u->scheme() != "https" && u->scheme() != "http")
        return failure(errc::invalid_field, "the webhook URL must use https (or http where allowed)");
    if (u->scheme() == "http" && !cfg.allow_http)
        return failure(errc::invalid_field, "plain http webhook URLs are disabled (see --webhook-allow-http)");
    if (u->has_userinfo()) return failure(errc::invalid_field, "the webhook URL must not carry credentials");
    const auto kind = u->host_type();
    if (kind == boost::urls::host_type::ipv4 || kind == boost::urls::host_type::ipv6) {
        const auto addr = kind == boost::urls::host_type::ipv4 ? boost::asio::ip::address(boost::asio::ip::make_address_v4(u->host_ipv4_address().to_bytes()))
                                                               : boost::asio::ip::address(boost::asio::ip::make_address_v6(u->host_ipv6_address().to_bytes()));
        if (auto why = refusal(addr, cfg.allow_cidrs)) return failure(errc::invalid_field, "webhook URL refused: " + *why);
    }
    return {};
}


} // namespace docket::deliver
