// cairo-drawn test documents.

#include "fixtures.hpp"
#include "process.hpp"

#include <leptonica/allheaders.h>
#include <zip.h>

#include <cstdlib>
#include <cstring>

#include <fstream>
#include <set>

#include <cairo-pdf.h>
#include <cairo.h>
#include <sstream>

namespace docket::test {

std::string make_pdf(const std::vector<std::string>& pages) {
    std::string out;
    auto write = [](void* closure, const unsigned char* data, unsigned int length) {
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
    };
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(write, &out, 595, 842); // A4 in points
    cairo_t* cr = cairo_create(surface);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 14);
    for (const auto& text : pages) {
        std::istringstream lines(text);
        std::string line;
        double y = 72;
        while (std::getline(lines, line)) {
            cairo_move_to(cr, 72, y);
            cairo_show_text(cr, line.c_str());
            y += 20;
        }
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_surface_destroy(surface);
    return out;
}

} // namespace docket::test

namespace docket::test {

namespace {

constexpr double k_page_w_in = 8.27, k_page_h_in = 3.0; // A4-wide strips keep OCR fast

cairo_surface_t* render_text(const std::string& text, int dpi, bool noise) {
    const int w = static_cast<int>(k_page_w_in * dpi), h = static_cast<int>(k_page_h_in * dpi);
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t* cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    if (noise) {
        cairo_translate(cr, w / 2.0, h / 2.0);
        cairo_rotate(cr, 0.02); // about one degree
        cairo_translate(cr, -w / 2.0, -h / 2.0);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 12.0 * dpi / 72.0);
    std::istringstream lines(text);
    std::string line;
    double y = 0.5 * dpi;
    while (std::getline(lines, line)) {
        cairo_move_to(cr, 0.5 * dpi, y);
        cairo_show_text(cr, line.c_str());
        y += 20.0 * dpi / 72.0;
    }
    if (noise) {
        unsigned seed = 7;
        cairo_identity_matrix(cr);
        for (int i = 0; i < 400; ++i) {
            seed = seed * 1103515245 + 12345;
            const double x = (seed >> 8) % w;
            seed = seed * 1103515245 + 12345;
            const double yy = (seed >> 8) % h;
            cairo_rectangle(cr, x, yy, 2, 2);
        }
        cairo_fill(cr);
    }
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

} // namespace

std::string make_png(const std::string& text, int dpi, bool noise) {
    cairo_surface_t* s = render_text(text, dpi, noise);
    std::string out;
    cairo_surface_write_to_png_stream(s, append, &out);
    cairo_surface_destroy(s);
    return out;
}

std::string make_mixed_pdf(const std::vector<std::string>& pages, const std::vector<bool>& scanned) {
    std::string out;
    const double w = k_page_w_in * 72, h = k_page_h_in * 72;
    cairo_surface_t* pdf = cairo_pdf_surface_create_for_stream(append, &out, w, h);
    cairo_t* cr = cairo_create(pdf);
    for (std::size_t i = 0; i < pages.size(); ++i) {
        if (scanned[i]) {
            cairo_surface_t* img = render_text(pages[i], 200, false);
            cairo_save(cr);
            cairo_scale(cr, 72.0 / 200, 72.0 / 200);
            cairo_set_source_surface(cr, img, 0, 0);
            cairo_paint(cr);
            cairo_restore(cr);
            cairo_surface_destroy(img);
        } else {
            cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
            cairo_set_font_size(cr, 12);
            cairo_move_to(cr, 36, 36);
            cairo_show_text(cr, pages[i].c_str());
        }
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(pdf);
    cairo_surface_destroy(pdf);
    return out;
}

std::string make_tiff(const std::vector<std::string>& pages) {
    temp_dir dir;
    const auto path = (dir.path() / "pages.tif").string();
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const auto png = make_png(pages[i], 200);
        PIX* pix = pixReadMem(reinterpret_cast<const l_uint8*>(png.data()), png.size());
        PIX* gray = pixConvertTo8(pix, 0);
        pixSetResolution(gray, 200, 200);
        pixWriteTiff(path.c_str(), gray, IFF_TIFF_LZW, i == 0 ? "w" : "a");
        pixDestroy(&gray);
        pixDestroy(&pix);
    }
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::string make_zip(const std::vector<zip_item>& items) {
    temp_dir dir;
    const auto path = (dir.path() / "archive.zip").string();
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    for (const auto& item : items) {
        if (!item.name.empty() && item.name.back() == '/') {
            zip_dir_add(z, item.name.c_str(), ZIP_FL_ENC_UTF_8);
            continue;
        }
        // libzip reads the buffer at close time: give it a copy that lives until then.
        auto* copy = static_cast<char*>(std::malloc(item.bytes.size() + 1));
        std::memcpy(copy, item.bytes.data(), item.bytes.size());
        zip_source_t* src = zip_source_buffer(z, copy, item.bytes.size(), 1);
        const auto index = zip_file_add(z, item.name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
        zip_set_file_compression(z, static_cast<zip_uint64_t>(index), item.stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE, item.stored ? 0 : 9);
        if (item.symlink)
            zip_file_set_external_attributes(z, static_cast<zip_uint64_t>(index), 0, ZIP_OPSYS_UNIX, (0120777u) << 16);
    }
    zip_close(z);
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

double word_accuracy(const std::string& expected, const std::string& actual) {
    auto words = [](const std::string& t) {
        std::multiset<std::string> out;
        std::istringstream in(t);
        std::string w;
        while (in >> w) out.insert(w);
        return out;
    };
    auto want = words(expected), got = words(actual);
    std::size_t found = 0;
    for (const auto& w : want) {
        auto it = got.find(w);
        if (it != got.end()) {
            ++found;
            got.erase(it);
        }
    }
    return want.empty() ? 1.0 : static_cast<double>(found) / static_cast<double>(want.size());
}

} // namespace docket::test
