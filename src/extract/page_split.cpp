// Page fan-out for one document: called by the extraction threads (extract/workers.cpp) with the
// process they hold; borrows idle processes from the pool for the pages after the first.

#include <docket/extract/page_split.hpp>
#include <docket/sandbox/pool.hpp>

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace docket::extract {

using sandbox::steady;

std::int64_t pages_per_piece(std::chrono::nanoseconds per_page, std::int64_t remaining, unsigned hands, duration target) {
    if (remaining <= 0) return 0;
    const auto per = std::max<std::int64_t>(1, per_page.count());
    const std::int64_t by_time = std::max<std::int64_t>(1, std::chrono::nanoseconds(target).count() / per);
    const std::int64_t share = (remaining + hands - 1) / std::max(1u, hands);
    return std::clamp<std::int64_t>(by_time, 1, std::max<std::int64_t>(1, share));
}

namespace {

struct piece {
    std::int64_t first = 0;
    std::string result_json;
};

// What the processes working on one document share, under one mutex.
struct split_state {
    std::mutex mutex;
    std::int64_t next = 1;
    std::int64_t done = 1;
    std::vector<piece> pieces;
    std::optional<std::int64_t> failed_at; // first page of the earliest failed piece
    error failure;
};

outcome<extraction> joined(std::vector<piece> pieces, std::int64_t total) {
    std::sort(pieces.begin(), pieces.end(), [](const piece& a, const piece& b) { return a.first < b.first; });
    std::vector<std::string> parts;
    parts.reserve(pieces.size());
    for (auto& p : pieces) parts.push_back(std::move(p.result_json));
    auto merged = merge_results(parts);
    if (!merged) return merged.error();
    return extraction{std::move(*merged), total};
}

} // namespace

outcome<extraction> extract_spread(sandbox::pool& pool, sandbox::child& home, document_request r, const progress_fn& progress) {
    if (r.deadline == steady::time_point{}) r.deadline = steady::now() + home.limit().timeout;
    r.opt.first_page = 0;
    if (!pool.any_idle()) {
        // Nobody to share the pages with (the usual case under load): the whole document in one
        // request. Timing a first page alone would parse the document twice and merge two results.
        r.opt.page_count = -1;
        return extract_in(home, r, progress);
    }
    r.opt.page_count = 1;
    const auto started = steady::now();
    auto first = extract_in(home, r);
    if (!first || first->pages <= 1) return first;
    const auto per_page = steady::now() - started;
    const std::int64_t total = first->pages;
    if (progress) progress(1, total);

    std::vector<sandbox::child*> helpers;
    while (helpers.size() + 1 < pool.size())
        if (auto* p = pool.try_acquire()) helpers.push_back(p);
        else break;

    if (helpers.empty()) {
        // Nobody to share with: the rest in one request, so the document is parsed only twice.
        r.opt.first_page = 1;
        r.opt.page_count = -1;
        auto rest = extract_in(home, r, [&](std::int64_t done, std::int64_t) {
            if (progress) progress(1 + done, total);
        });
        if (!rest) return rest.error();
        auto whole = joined({{0, std::move(first->result_json)}, {1, std::move(rest->result_json)}}, total);
        if (!whole) return whole;
        return fields_in(home, std::move(*whole), r);
    }

    split_state st;
    st.pieces.push_back({0, std::move(first->result_json)});
    const auto hands = static_cast<unsigned>(helpers.size() + 1);
    auto work = [&](sandbox::child& proc, bool borrowed) {
        for (;;) {
            document_request mine = r;
            {
                std::lock_guard lock(st.mutex);
                if (st.failed_at || st.next >= total) return;
                if (borrowed && pool.wanted()) return; // another job needs this process more
                mine.opt.first_page = st.next;
                mine.opt.page_count = pages_per_piece(per_page, total - st.next, hands);
                st.next += mine.opt.page_count;
            }
            auto part = extract_in(proc, mine);
            std::lock_guard lock(st.mutex);
            if (!part) {
                if (!st.failed_at || mine.opt.first_page < *st.failed_at) {
                    st.failed_at = mine.opt.first_page;
                    st.failure = part.error();
                }
                return;
            }
            st.pieces.push_back({mine.opt.first_page, std::move(part->result_json)});
            st.done += std::min(total, mine.opt.first_page + mine.opt.page_count) - mine.opt.first_page;
            if (progress) progress(st.done, total);
        }
    };
    std::vector<std::thread> threads;
    for (auto* h : helpers)
        threads.emplace_back([&, h] {
            work(*h, true);
            pool.release(*h);
        });
    work(home, false);
    for (auto& t : threads) t.join();
    if (st.failed_at) return st.failure;
    auto whole = joined(std::move(st.pieces), total);
    if (!whole) return whole;
    return fields_in(home, std::move(*whole), r);
}

} // namespace docket::extract
