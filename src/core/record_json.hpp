#pragma once
// Parsing a stored JSON record (private to core's record encodings).

#include <docket/core/encoding.hpp>

#include <boost/json/parse.hpp>

namespace docket {

//! Parses a record as JSON. Versions up to 0.1.0 could store an upload's file name with bytes
//! that are not UTF-8, which JSON parsing refuses: such a record is read with those bytes
//! replaced by U+FFFD (JSON's own syntax is ASCII, so only string contents change).
inline boost::json::value parse_record(std::string_view bytes, boost::system::error_code& ec) {
    auto v = boost::json::parse(bytes, ec);
    if (ec && !is_valid_utf8(bytes)) {
        ec.clear();
        v = boost::json::parse(valid_utf8(bytes), ec);
    }
    return v;
}

} // namespace docket
