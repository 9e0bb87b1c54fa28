#pragma once
// Spreading the pages of one document over idle worker processes, so a 200-page scan uses every
// core when the queue is quiet. Busy periods keep one document per process.

#include <docket/core/units.hpp>
#include <docket/extract/isolated.hpp>

#include <cstdint>

namespace docket::sandbox { class pool; }

namespace docket::extract {

//! Pages for the next piece of a split document: about `target` of work at the measured time per
//! page, at least one, and no more than an even share of the `remaining` pages among `hands`.
std::int64_t pages_per_piece(std::chrono::nanoseconds per_page, std::int64_t remaining, unsigned hands,
                             duration target = std::chrono::milliseconds(250));

//! Extracts a document on `home`. Its first page goes alone (it tells the page count and the
//! time a page takes); the rest is spread in pieces over `home` and the processes idle in
//! `pool`, which go back as soon as another job waits for one. The result reads exactly as if
//! one process had done the whole document; a failed piece fails it (the earliest, if several).
outcome<extraction> extract_spread(sandbox::pool& pool, sandbox::child& home, document_request r,
                                   const progress_fn& progress = {});

} // namespace docket::extract
