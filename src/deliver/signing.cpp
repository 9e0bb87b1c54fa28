// HMAC-SHA256 signatures per the Standard Webhooks spec; used for every delivery attempt.

#include <docket/deliver/signing.hpp>
#include <docket/core/encoding.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace docket::deliver {

std::string new_secret() { return "whsec_" + base64_encode(random_bytes(24)); }

std::optional<std::string> secret_key(std::string_view secret) {
    constexpr std::string_view prefix = "whsec_";
    if (secret.substr(0, prefix.size()) != prefix) return std::string(secret);
    auto key = base64_decode(secret.substr(prefix.size()));
    if (!key || key->empty()) return std::nullopt;
    return key;
}

std::string sign(const std::vector<std::string>& secrets, std::string_view msg_id, std::int64_t timestamp_seconds,
                 std::string_view body) {
    std::string content;
    content.reserve(msg_id.size() + body.size() + 24);
    content += msg_id;
    content += '.';
    content += std::to_string(timestamp_seconds);
    content += '.';
    content += body;
    std::string header;
    for (const auto& s : secrets) {
        auto key = secret_key(s);
        if (!key) continue;
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
             reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &len);
        if (!header.empty()) header += ' ';
        header += "v1,";
        header += base64_encode(std::string_view(reinterpret_cast<const char*>(mac), len));
    }
    return header;
}

} // namespace docket::deliver
