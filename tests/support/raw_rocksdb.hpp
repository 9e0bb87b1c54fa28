#pragma once
// Opening docket's RocksDB directly, as tests that inspect or damage a stopped server's store
// do: the `usage` column family holds merge operands (each tenant's stored bytes), and RocksDB
// stops replaying the WAL at an operand it has no operator for, so every later write would look
// lost. This operator adds them as docket's does.

#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>

#include <cstdint>
#include <memory>
#include <string>

namespace docket::test {

class usage_add final : public rocksdb::AssociativeMergeOperator {
public:
    bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value, std::string* out,
               rocksdb::Logger*) const override {
        auto read = [](const rocksdb::Slice* s) {
            std::uint64_t v = 0;
            if (s && s->size() == 8)
                for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s->data()[i]);
            return v;
        };
        const std::uint64_t sum = read(existing) + read(&value);
        out->assign(8, '\0');
        for (int i = 0; i < 8; ++i) (*out)[i] = static_cast<char>(sum >> (8 * i));
        return true;
    }
    const char* Name() const override { return "docket.usage.add"; }
};

//! Options to open column family `name` of docket's store with.
inline rocksdb::ColumnFamilyOptions raw_cf_options(const std::string& name) {
    rocksdb::ColumnFamilyOptions o;
    if (name == "usage") o.merge_operator = std::make_shared<usage_add>();
    return o;
}

} // namespace docket::test
