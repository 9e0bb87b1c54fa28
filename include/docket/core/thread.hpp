#pragma once
// Per-thread settings: a name (shown by top -H, ps -L, perf and gdb, so an operator can tell the
// I/O threads from the committer, the webhook dispatcher and the extraction threads) and a
// scheduling niceness for background work.

namespace docket {

//! Linux keeps at most 15 characters; longer names are cut.
void name_this_thread(const char* name);

//! Lowers the calling thread's scheduling priority (Linux niceness is per thread), so that on
//! busy cores latency-sensitive threads of the same process run first. `nice` is 0-19.
void nice_this_thread(unsigned nice);

} // namespace docket
