// PDF writing for the benchmarks: a catalog, a page tree and Helvetica text, with a correct
// cross-reference table so poppler reads it without repair.

#include "corpus.hpp"

#include <cstdio>

namespace docket::bench {
namespace {

std::string assemble(const std::vector<std::string>& objects) {
    std::string out = "%PDF-1.4\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const auto xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    char line[32];
    for (auto off : offsets) {
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
        out += line;
    }
    out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    return out;
}

std::string stream(const std::string& content) {
    return "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream";
}

std::string pdf_text(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != '(' && c != ')' && c != '\\') out += c;
    return out;
}

} // namespace

std::string small_pdf(const std::string& text, std::size_t size) {
    const std::string content = "BT /F1 14 Tf 72 770 Td (" + pdf_text(text) + ") Tj ET";
    auto build = [&](std::size_t pad) {
        return assemble({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
                         "/Contents 5 0 R >>",
                         "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                         stream(content + "\n%" + std::string(pad, 'x'))});
    };
    const auto base = build(0).size();
    return build(size > base ? size - base : 0);
}

std::string text_pdf(const std::vector<std::string>& lines, int pages) {
    std::vector<std::string> objs = {"<< /Type /Catalog /Pages 2 0 R >>", "",
                                     "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
    std::string kids;
    for (int p = 0; p < pages; ++p) {
        std::string ops = "BT /F1 11 Tf 14 TL 56 780 Td\n";
        for (const auto& l : lines) ops += "(" + pdf_text(l) + " page " + std::to_string(p + 1) + ") Tj T*\n";
        ops += "ET";
        objs.push_back(stream(ops));
        objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                       "/Contents " + std::to_string(objs.size()) + " 0 R >>");
        kids += std::to_string(objs.size()) + " 0 R ";
    }
    objs[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>";
    return assemble(objs);
}

} // namespace docket::bench
