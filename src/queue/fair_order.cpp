// Round-robin over tenants within a priority. A tenant is in `turns` exactly while it has jobs
// at that level; serving it moves it to the back.

#include <docket/queue/fair_order.hpp>

#include <algorithm>
#include <iterator>

namespace docket::queue {

std::size_t fair_order::push(entry e) {
    auto& lv = at(e.priority);
    const std::size_t ahead_levels = e.priority == job_priority::high ? 0 : levels_[0].size;
    auto [slot, new_tenant] = lv.jobs.try_emplace(std::move(e.tenant));
    auto& mine = slot->second;
    const auto [it, inserted] = mine.insert({e.seq, std::move(e.id)});
    if (!inserted) return ahead_levels + static_cast<std::size_t>(std::distance(mine.begin(), it)) + 1;
    const std::string& tenant = slot->first;
    if (new_tenant) lv.turns.push_back(tenant);
    ++lv.size;
    ++size_;
    // Jobs of this tenant ahead of the new one; new jobs are nearly always its newest.
    const std::size_t k = std::next(it) == mine.end() ? mine.size() - 1
                                                      : static_cast<std::size_t>(std::distance(mine.begin(), it));
    if (lv.turns.size() == 1) return ahead_levels + k + 1;
    // Before the new job's turn, every tenant ahead in the rotation serves k + 1 jobs and every
    // one behind it k (fewer if it has fewer).
    std::size_t place = ahead_levels + k + 1;
    bool before = true;
    for (const auto& t : lv.turns) {
        if (t == tenant) {
            before = false;
            continue;
        }
        place += std::min(lv.jobs.find(t)->second.size(), before ? k + 1 : k);
    }
    return place;
}

std::optional<entry> fair_order::pop() {
    for (std::size_t level_index = 0; level_index < 2; ++level_index) {
        auto& lv = levels_[level_index];
        if (lv.size == 0) continue;
        auto slot = lv.jobs.find(lv.turns.front());
        auto& mine = slot->second;
        auto node = mine.extract(mine.begin());
        entry e{level_index == 0 ? job_priority::high : job_priority::normal, node.value().seq,
                std::move(node.value().id), slot->first};
        lv.turns.pop_front();
        if (mine.empty()) lv.jobs.erase(slot);
        else lv.turns.push_back(slot->first);
        --lv.size;
        --size_;
        return e;
    }
    return std::nullopt;
}

bool fair_order::erase(const entry& e) {
    auto& lv = at(e.priority);
    auto slot = lv.jobs.find(e.tenant);
    if (slot == lv.jobs.end()) return false;
    auto it = slot->second.find({e.seq, {}});
    if (it == slot->second.end() || it->id != e.id) return false;
    slot->second.erase(it);
    --lv.size;
    --size_;
    if (slot->second.empty()) {
        lv.turns.erase(std::find(lv.turns.begin(), lv.turns.end(), e.tenant));
        lv.jobs.erase(slot);
    }
    return true;
}

std::size_t fair_order::count(std::string_view tenant) const {
    std::size_t n = 0;
    for (const auto& lv : levels_) {
        // unordered_map<std::string> has no heterogeneous find in C++20's libstdc++ 12.
        if (auto slot = lv.jobs.find(std::string(tenant)); slot != lv.jobs.end()) n += slot->second.size();
    }
    return n;
}

} // namespace docket::queue
