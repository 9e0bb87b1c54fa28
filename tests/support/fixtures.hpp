#pragma once
// Documents made by the tests themselves: PDFs with known text, drawn with cairo.

#include <string>
#include <vector>

namespace docket::test {

//! A PDF with one page per entry, each page showing its text (lines split on '\n').
std::string make_pdf(const std::vector<std::string>& pages);

} // namespace docket::test
