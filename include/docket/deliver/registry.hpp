#pragma once
// The registered endpoints in memory (loaded at start, kept in step with the store by whoever
// writes them), so planning a job's deliveries needs no disk read.

#include <docket/core/webhook.hpp>

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace docket::deliver {

class endpoint_registry {
public:
    explicit endpoint_registry(std::vector<endpoint> all);
    std::vector<endpoint> of_tenant(std::string_view tenant) const;
    std::optional<endpoint> get(std::string_view id) const;
    void put(const endpoint& e);
    void erase(std::string_view id);

private:
    mutable std::shared_mutex mutex_;
    std::map<std::string, endpoint, std::less<>> by_id_;
};

} // namespace docket::deliver
