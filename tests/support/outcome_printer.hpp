#pragma once
// Lets Catch print docket outcomes in failure messages: "value" or "CODE: message".

#include <docket/core/error.hpp>

#include <catch2/catch.hpp>

#include <sstream>

namespace Catch {
template <class T>
struct StringMaker<boost::system::result<T, docket::error>> {
    static std::string convert(const boost::system::result<T, docket::error>& r) {
        if (r) return "value";
        std::ostringstream os;
        os << r.error();
        return os.str();
    }
};
} // namespace Catch
