// PDF writing for the benchmarks: a catalog, a page tree and Helvetica text, with a correct
// cross-reference table so poppler reads it without repair.

#include "corpus.hpp"

#include <cstdint>
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

namespace {

// UTF-8 to the bytes of WinAnsiEncoding: Latin-1 as is, the euro sign at 0x80.
std::string win_ansi(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = c;
        if (c >= 0xC0 && c < 0xE0 && i + 1 < s.size()) {
            cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
            i += 1;
        } else if (c >= 0xE0 && c < 0xF0 && i + 2 < s.size()) {
            cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
            i += 2;
        } else if (c >= 0x80) {
            cp = '?';
        }
        if (cp == 0x20AC) out += '\x80';
        else if (cp == 0x2019) out += '\x92';
        else if (cp < 0x100 && (cp >= 0xA0 || (cp >= 0x20 && cp < 0x7F))) out += static_cast<char>(cp);
        else out += '?';
    }
    return out;
}

std::string pdf_string(const std::string& s) {
    std::string out = "(";
    for (const char c : win_ansi(s)) {
        if (c == '(' || c == ')' || c == '\\') out += '\\';
        out += c;
    }
    return out + ")";
}

} // namespace

std::string layout_pdf(const std::vector<page_layout>& pages) {
    static constexpr const char* names[] = {"Helvetica", "Helvetica-Bold", "Courier", "Times-Roman"};
    std::vector<std::string> objs = {"<< /Type /Catalog /Pages 2 0 R >>", ""};
    std::string fonts = "<< ";
    for (int f = 0; f < 4; ++f) {
        objs.push_back(std::string("<< /Type /Font /Subtype /Type1 /BaseFont /") + names[f] + " /Encoding /WinAnsiEncoding >>");
        fonts += "/F" + std::to_string(f) + " " + std::to_string(objs.size()) + " 0 R ";
    }
    fonts += ">>";
    std::string kids;
    char num[64];
    for (const auto& p : pages) {
        std::string ops;
        for (const auto& r : p.runs) {
            std::snprintf(num, sizeof num, "BT /F%d %.2f Tf 1 0 0 1 %.2f %.2f Tm ", static_cast<int>(r.font), r.size, r.x,
                          p.height - r.y);
            ops += num + pdf_string(r.text) + " Tj ET\n";
        }
        objs.push_back(stream(ops));
        std::snprintf(num, sizeof num, "%.0f %.0f", p.width, p.height);
        objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + std::string(num) + "] /Resources << /Font " + fonts +
                       " >> /Contents " + std::to_string(objs.size()) + " 0 R >>");
        kids += std::to_string(objs.size()) + " 0 R ";
    }
    objs[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";
    return assemble(objs);
}

double text_width(const std::string& text, pdf_font font, double size) {
    if (font == pdf_font::courier) {
        std::size_t chars = 0;
        for (const char c : text)
            if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
        return 0.6 * size * static_cast<double>(chars);
    }
    // Helvetica's widths (per 1000 em) for capitals; Times is narrower by about a tenth.
    static constexpr int caps[] = {667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
                                   722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611};
    const bool times = font == pdf_font::times;
    double w = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) == 0x80) continue;
        if (c >= '0' && c <= '9') w += times ? 500 : 556;
        else if (c == '.' || c == ',' || c == ' ') w += times ? 250 : 278;
        else if (c == '-' || c == '(' || c == ')') w += 333;
        else if (c == '\'') w += 191;
        else if (c >= 'A' && c <= 'Z') w += caps[c - 'A'] * (times ? 0.9 : 1.0);
        else if (c >= 0x80) w += 556; // currency signs and accented letters
        else w += times ? 444 : 500;
    }
    if (font == pdf_font::helvetica_bold) w *= 1.08;
    return w * size / 1000.0;
}

} // namespace docket::bench
