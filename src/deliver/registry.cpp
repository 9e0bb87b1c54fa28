// In-memory endpoint table shared by the API, the workers and the dispatcher.

#include <docket/deliver/registry.hpp>

#include <mutex>

namespace docket::deliver {

endpoint_registry::endpoint_registry(std::vector<endpoint> all) {
    for (auto& e : all) by_id_.emplace(e.id, std::move(e));
}

std::vector<endpoint> endpoint_registry::of_tenant(std::string_view tenant) const {
    std::shared_lock lock(mutex_);
    std::vector<endpoint> out;
    for (const auto& [id, e] : by_id_)
        if (e.tenant == tenant) out.push_back(e);
    return out;
}

std::optional<endpoint> endpoint_registry::get(std::string_view id) const {
    std::shared_lock lock(mutex_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return it->second;
}

void endpoint_registry::put(const endpoint& e) {
    std::unique_lock lock(mutex_);
    by_id_[e.id] = e;
}

void endpoint_registry::erase(std::string_view id) {
    std::unique_lock lock(mutex_);
    if (auto it = by_id_.find(id); it != by_id_.end()) by_id_.erase(it);
}

} // namespace docket::deliver
