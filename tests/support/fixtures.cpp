// cairo-drawn test documents.

#include "fixtures.hpp"

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
