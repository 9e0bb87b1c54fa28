// ZIP batches at intake: libzip reads the archive from memory on the blocking pool (never on an
// I/O thread); each supported entry becomes a child job.

#include <docket/intake/zip.hpp>
#include <docket/intake/sniff.hpp>

#include <zip.h>

#include <memory>
#include <sys/stat.h>

namespace docket::intake {
namespace {

struct archive_closer {
    void operator()(zip_t* z) const { zip_discard(z); }
};
struct file_closer {
    void operator()(zip_file_t* f) const { zip_fclose(f); }
};

// Hidden and system files that archivers add: nobody means them as documents.
bool hidden_or_system(std::string_view name) {
    std::size_t start = 0;
    while (start <= name.size()) {
        const auto slash = name.find('/', start);
        const auto part = name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        const bool dot_file = !part.empty() && part.front() == '.' && part != "." && part != "..";
        if (dot_file || part == "__MACOSX" || part == "Thumbs.db" || part == "desktop.ini")
            return true;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return false;
}

error limit(std::string message) { return failure(errc::limit_exceeded, std::move(message)); }

} // namespace

outcome<zip_contents> unpack_zip(std::string_view bytes, const zip_limits& limits) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (!src) return failure(errc::invalid_document, "the ZIP cannot be read");
    std::unique_ptr<zip_t, archive_closer> z(zip_open_from_source(src, ZIP_RDONLY, &err));
    if (!z) {
        zip_source_free(src);
        zip_error_fini(&err);
        return failure(errc::invalid_document, "the ZIP cannot be opened (damaged or not a ZIP)");
    }
    const zip_int64_t n = zip_get_num_entries(z.get(), 0);
    if (n < 0) return failure(errc::invalid_document, "the ZIP directory cannot be read");
    if (static_cast<std::uint64_t>(n) > limits.max_entries)
        return limit("the ZIP has " + std::to_string(n) + " entries, over the limit of " + std::to_string(limits.max_entries));

    zip_contents out;
    std::uint64_t total = 0;
    std::string chunk(64 << 10, '\0');
    for (zip_int64_t i = 0; i < n; ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(z.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
            out.skipped.push_back({"#" + std::to_string(i), "unreadable entry"});
            continue;
        }
        const std::string name = st.name;
        if (!name.empty() && name.back() == '/') {
            out.skipped.push_back({name, "directory"});
            continue;
        }
        zip_uint8_t opsys = 0;
        zip_uint32_t attributes = 0;
        zip_file_get_external_attributes(z.get(), static_cast<zip_uint64_t>(i), 0, &opsys, &attributes);
        if (opsys == ZIP_OPSYS_UNIX && S_ISLNK(attributes >> 16)) {
            out.skipped.push_back({name, "symbolic link"});
            continue;
        }
        if (hidden_or_system(name)) {
            out.skipped.push_back({name, "hidden or system file"});
            continue;
        }
        std::unique_ptr<zip_file_t, file_closer> f(zip_fopen_index(z.get(), static_cast<zip_uint64_t>(i), 0));
        if (!f) {
            out.skipped.push_back({name, "cannot be decompressed (encrypted or unsupported method)"});
            continue;
        }
        // The real bytes are counted as they come; the declared sizes are not trusted.
        const std::uint64_t compressed = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
        const std::uint64_t bomb_at = std::max<std::uint64_t>(compressed * limits.max_ratio, 1 << 20);
        std::string data;
        bool too_large = false;
        for (;;) {
            const zip_int64_t got = zip_fread(f.get(), chunk.data(), chunk.size());
            if (got < 0) return failure(errc::invalid_document, "entry '" + name + "' is damaged");
            if (got == 0) break;
            data.append(chunk.data(), static_cast<std::size_t>(got));
            total += static_cast<std::uint64_t>(got);
            if (data.size() > bomb_at)
                return limit("entry '" + name + "' expands more than " + std::to_string(limits.max_ratio) +
                             " times: refused as a ZIP bomb");
            if (total > limits.max_total)
                return limit("the ZIP expands to more than " + std::to_string(limits.max_total >> 20) + " MiB");
            if (data.size() > limits.max_entry) {
                too_large = true;
                break;
            }
        }
        if (too_large) {
            out.skipped.push_back({name, "larger than the upload limit"});
            continue;
        }
        auto type = sniff_media_type(data);
        if (!type || *type == "application/zip") {
            out.skipped.push_back({name, type ? "nested ZIP" : "unsupported type"});
            continue;
        }
        out.documents.push_back({name, std::move(data), std::string(*type)});
    }
    if (out.documents.empty()) return failure(errc::invalid_document, "the ZIP holds no supported document");
    return out;
}

} // namespace docket::intake
