#pragma once
// Bytes each tenant keeps in the store (documents of open jobs, results of finished ones), for
// the stored-bytes quota. Every batch that changes a job's stored bytes also merges the change
// into the `usage` column family, so the totals on disk move atomically with the data; the
// store keeps the same totals in memory for the check at intake. Internal to the store.

#include <rocksdb/merge_operator.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace docket::store {

//! A signed change of a tenant's bytes, as merged into the usage column family.
std::string encode_usage(std::int64_t v);
std::int64_t decode_usage(std::string_view bytes);

//! Adds the merged changes to the stored total.
std::shared_ptr<rocksdb::MergeOperator> usage_merge_operator();

using usage_deltas = std::vector<std::pair<std::string, std::int64_t>>;

class usage_totals {
public:
    void set(std::string tenant, std::int64_t bytes);
    //! After a batch with these changes was written.
    void apply(const usage_deltas& d);
    std::uint64_t of(std::string_view tenant) const;

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::int64_t> bytes_;
};

} // namespace docket::store
