#pragma once
// Writing and parsing stored JSON records (private to core's record encodings).

#include <docket/core/encoding.hpp>

#include <boost/json/parse.hpp>

#include <optional>
#include <string>
#include <string_view>

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

//! Writes one JSON object field by field, straight to text. The records written on every
//! submission and every webhook attempt were built as Boost.JSON trees first (a node and an
//! allocation a field): ~7 % of the I/O thread's time on a submission. The output is the layout
//! those trees serialized to, which the decoders (Boost.JSON) read.
class object_writer {
public:
    explicit object_writer(std::string& out) : out_(out) {}

    void key(std::string_view k) {
        out_ += first_ ? '{' : ',';
        first_ = false;
        append_json_string(out_, k);
        out_ += ':';
    }
    void text(std::string_view k, std::string_view v) {
        key(k);
        append_json_string(out_, v);
    }
    template <class Int>
    void number(std::string_view k, Int v) {
        key(k);
        out_ += std::to_string(v);
    }
    //! An absent value is left out, or written as null where the decoder wants every key.
    void text(std::string_view k, const std::optional<std::string>& v, bool null_if_absent) {
        if (v) text(k, *v);
        else if (null_if_absent) null(k);
    }
    template <class Int>
    void number(std::string_view k, const std::optional<Int>& v, bool null_if_absent) {
        if (v) number(k, *v);
        else if (null_if_absent) null(k);
    }
    void null(std::string_view k) {
        key(k);
        out_ += "null";
    }
    //! Ends the object ("{}" if it had no field).
    void close() {
        if (first_) out_ += '{';
        out_ += '}';
    }

private:
    std::string& out_;
    bool first_ = true;
};

} // namespace docket
