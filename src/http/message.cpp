// Header lookup on docket's request type.

#include <docket/http/message.hpp>

namespace docket::http {

std::optional<std::string_view> request::header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers)
        if (name == lower_name) return std::string_view(value);
    return std::nullopt;
}

} // namespace docket::http
