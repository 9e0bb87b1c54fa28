#pragma once
// A ZIP batch as stored: its child jobs, the entries that were skipped, and whether its
// batch.completed event has been emitted.

#include <docket/core/time.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

struct skipped_entry {
    std::string name;
    std::string reason;
};

struct batch_record {
    std::string id; //!< "bat_..."
    std::string tenant;
    std::string filename;                  //!< of the ZIP
    std::vector<std::string> job_ids;      //!< one child job per supported entry
    std::vector<skipped_entry> skipped;
    std::optional<std::string> webhook_url;
    std::optional<std::string> webhook_secret;
    std::string metadata = "{}";
    timestamp created_at = 0;
    std::optional<timestamp> completed_at; //!< set once, with the batch.completed deliveries
    std::int64_t succeeded = 0;            //!< final counts, set at completion
    std::int64_t failed = 0;
};

std::string encode(const batch_record& b);
std::optional<batch_record> decode_batch(std::string_view bytes);

} // namespace docket
