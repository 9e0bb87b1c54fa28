#include "tenant_usage.hpp"

#include <cstring>

namespace docket::store {

std::string encode_usage(std::int64_t v) {
    std::string out(8, '\0');
    const auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(u >> (8 * i));
    return out;
}

std::int64_t decode_usage(std::string_view bytes) {
    if (bytes.size() != 8) return 0; // not a counter: counts as nothing rather than failing a write
    std::uint64_t u = 0;
    for (int i = 7; i >= 0; --i) u = (u << 8) | static_cast<unsigned char>(bytes[i]);
    return static_cast<std::int64_t>(u);
}

namespace {

class add_operator final : public rocksdb::AssociativeMergeOperator {
public:
    bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value, std::string* new_value,
               rocksdb::Logger*) const override {
        const std::int64_t base = existing ? decode_usage({existing->data(), existing->size()}) : 0;
        *new_value = encode_usage(base + decode_usage({value.data(), value.size()}));
        return true;
    }
    const char* Name() const override { return "docket.usage.add"; }
};

} // namespace

std::shared_ptr<rocksdb::MergeOperator> usage_merge_operator() { return std::make_shared<add_operator>(); }

void usage_totals::set(std::string tenant, std::int64_t bytes) {
    std::lock_guard lock(mutex_);
    bytes_[std::move(tenant)] = bytes;
}

void usage_totals::apply(const usage_deltas& d) {
    if (d.empty()) return;
    std::lock_guard lock(mutex_);
    for (const auto& [tenant, delta] : d) bytes_[tenant] += delta;
}

std::uint64_t usage_totals::of(std::string_view tenant) const {
    std::lock_guard lock(mutex_);
    auto it = bytes_.find(std::string(tenant));
    return it == bytes_.end() || it->second < 0 ? 0 : static_cast<std::uint64_t>(it->second);
}

} // namespace docket::store
