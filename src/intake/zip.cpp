// ZIP batches at intake: libzip reads the archive from memory in a `docket worker` child process
// (asked from the blocking pool, never from an I/O thread); each supported entry becomes a child job.

#include <docket/intake/zip.hpp>
#include <docket/intake/sniff.hpp>
#include <docket/core/encoding.hpp>

#include <boost/json.hpp>
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

    // Office Open XML, OpenDocument and EPUB files are ZIPs with a manifest: one document of a
    // type docket does not read, not a batch of files.
    for (const char* marker : {"[Content_Types].xml", "mimetype", "META-INF/manifest.xml"})
        if (zip_name_locate(z.get(), marker, 0) >= 0)
            return failure(errc::unsupported_media_type,
                           "an Office Open XML, OpenDocument or EPUB file, which is a ZIP but not a batch of documents");
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
        // libzip gives names as UTF-8 (converting CP437 ones), but an entry flagged UTF-8 is
        // passed through as stored, whatever its bytes.
        const std::string name = valid_utf8(st.name);
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

namespace json = boost::json;

outcome<zip_contents> unpack_zip_in(sandbox::child& c, std::string_view bytes, const zip_limits& limits) {
    json::object header{{"op", "unzip"},
                        {"max_entries", limits.max_entries},
                        {"max_total", limits.max_total},
                        {"max_ratio", limits.max_ratio},
                        {"max_entry", limits.max_entry}};
    auto r = c.call(std::move(header), bytes, sandbox::steady::now() + c.limit().timeout);
    if (!r) {
        auto e = r.error();
        if (e.code == errc::extraction_crashed || e.code == errc::extraction_timeout || e.code == errc::resource_limit)
            e.message = "unpacking the ZIP failed: " + e.message;
        return e;
    }
    zip_contents out;
    const auto& docs = r->header.at("documents").as_array();
    if (docs.size() != r->frames.size()) return failure(errc::internal, "the worker's ZIP reply is incomplete");
    for (std::size_t i = 0; i < docs.size(); ++i)
        out.documents.push_back({std::string(docs[i].at("name").as_string()), std::move(r->frames[i]),
                                 std::string(docs[i].at("media_type").as_string())});
    for (const auto& s : r->header.at("skipped").as_array())
        out.skipped.push_back({std::string(s.at("name").as_string()), std::string(s.at("reason").as_string())});
    return out;
}

outcome<sandbox::reply> serve_unzip(const json::object& h, std::string& payload) {
    zip_limits limits;
    limits.max_entries = h.at("max_entries").to_number<std::size_t>();
    limits.max_total = h.at("max_total").to_number<std::uint64_t>();
    limits.max_ratio = h.at("max_ratio").to_number<std::uint64_t>();
    limits.max_entry = h.at("max_entry").to_number<std::uint64_t>();
    auto contents = unpack_zip(payload, limits);
    if (!contents) return contents.error();
    sandbox::reply out;
    json::array docs, skipped;
    for (auto& d : contents->documents) {
        docs.push_back(json::object{{"name", d.name}, {"media_type", d.media_type}});
        out.frames.push_back(std::move(d.bytes));
    }
    for (const auto& s : contents->skipped) skipped.push_back(json::object{{"name", s.name}, {"reason", s.reason}});
    out.header = {{"documents", std::move(docs)}, {"skipped", std::move(skipped)}};
    return out;
}

std::uint64_t unzip_memory(const zip_limits& limits, std::uint64_t max_upload) {
    return 2 * limits.max_total + max_upload + (512ull << 20);
}

} // namespace docket::intake
