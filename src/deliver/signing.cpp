// HMAC-SHA256 signatures per the Standard Webhooks spec; used for every delivery attempt.

#include <docket/deliver/signing.hpp>
#include <docket/core/encoding.hpp>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace docket::deliver {

namespace {

struct mac_ctx_free {
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

// An HMAC-SHA256 context kept per thread. OpenSSL 3's one-shot HMAC() fetched the algorithm and
// the digest by name on every call; re-keying a context that has its digest set fetches nothing.
EVP_MAC_CTX* hmac_sha256_context() {
    thread_local const std::unique_ptr<EVP_MAC_CTX, mac_ctx_free> ctx = [] {
        EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
        if (!mac) throw std::runtime_error("OpenSSL has no HMAC");
        std::unique_ptr<EVP_MAC_CTX, mac_ctx_free> c(EVP_MAC_CTX_new(mac));
        EVP_MAC_free(mac); // the context holds its own reference
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
        if (!c || EVP_MAC_CTX_set_params(c.get(), params) != 1) throw std::runtime_error("cannot set up HMAC-SHA256");
        return c;
    }();
    return ctx.get();
}

} // namespace

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
    // The signed content is "{id}.{timestamp}.{body}", fed in pieces: the body is not copied.
    const std::string ts = std::to_string(timestamp_seconds);
    const std::string_view pieces[] = {msg_id, ".", ts, ".", body};
    std::string header;
    for (const auto& s : secrets) {
        auto key = secret_key(s);
        if (!key) continue;
        unsigned char mac[EVP_MAX_MD_SIZE];
        std::size_t len = 0;
        EVP_MAC_CTX* ctx = hmac_sha256_context();
        bool ok = EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key->data()), key->size(), nullptr) == 1;
        for (const auto piece : pieces)
            ok = ok && EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(piece.data()), piece.size()) == 1;
        if (!ok || EVP_MAC_final(ctx, mac, &len, sizeof mac) != 1) throw std::runtime_error("HMAC-SHA256 failed");
        if (!header.empty()) header += ' ';
        header += "v1,";
        header += base64_encode(std::string_view(reinterpret_cast<const char*>(mac), len));
    }
    return header;
}

} // namespace docket::deliver
