#pragma once
// Documents the benchmarks submit, made on the spot: no fixture files to ship or go stale.

#include <cstddef>
#include <string>
#include <vector>

namespace docket::bench {

//! A one-page PDF showing `text`, padded with a content-stream comment to about `size` bytes.
std::string small_pdf(const std::string& text, std::size_t size);

//! A PDF of `pages` pages, each showing the given lines (a real text layer, Helvetica).
std::string text_pdf(const std::vector<std::string>& lines, int pages);

} // namespace docket::bench
