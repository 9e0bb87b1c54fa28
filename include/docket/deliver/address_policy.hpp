#pragma once
// The SSRF guard's decision: may docket connect to this address? Pure functions of an address
// and the configured allow-list; the HTTP client applies them to every resolved address.

#include <docket/core/error.hpp>

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket::deliver {

struct cidr {
    boost::asio::ip::address network;
    unsigned prefix = 0;
};

//! "10.0.0.0/8", "::1/128" or a bare address (a single host); nullopt if malformed.
std::optional<cidr> parse_cidr(std::string_view text);
//! A comma-separated list; nullopt if any entry is malformed. Empty text gives an empty list.
std::optional<std::vector<cidr>> parse_cidr_list(std::string_view text);
bool contains(const cidr& range, const boost::asio::ip::address& a);

//! Why an address is not globally routable ("loopback", "private", "link-local", ...), or
//! nullopt for a global address. IPv4 written inside IPv6 (mapped, NAT64, 6to4, compatible) is
//! judged by the IPv4 address it carries.
std::optional<std::string> non_global_reason(const boost::asio::ip::address& a);

//! Why docket refuses to connect to `a` (nullopt: allowed). The allow-list opens exceptions.
std::optional<std::string> refusal(const boost::asio::ip::address& a, const std::vector<cidr>& allow);

struct config;

//! Checks a webhook URL for registration or submission: absolute http(s), http only if allowed,
//! and a literal IP address must pass the SSRF guard. Host names are checked when they resolve.
outcome<void> check_url(std::string_view url, const config& cfg);

} // namespace docket::deliver
