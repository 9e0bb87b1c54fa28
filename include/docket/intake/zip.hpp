#pragma once
// ZIP uploads: the supported documents inside, with every limit checked on the bytes actually
// decompressed (never on the sizes the archive declares). Names are only names: nothing is ever
// written to the file system.

#include <docket/core/batch.hpp>
#include <docket/core/error.hpp>
#include <docket/sandbox/child.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace docket::intake {

struct zip_limits {
    std::size_t max_entries = 1000;          //!< entries of any kind in the archive
    std::uint64_t max_total = 1ull << 30;    //!< decompressed bytes of all entries together
    std::uint64_t max_ratio = 100;           //!< decompressed/compressed above which an entry is a bomb
    std::uint64_t max_entry = 50ull << 20;   //!< one document (the upload limit)
};

struct zip_document {
    std::string name;
    std::string bytes;
    std::string media_type;
};

struct zip_contents {
    std::vector<zip_document> documents;
    std::vector<skipped_entry> skipped; //!< directories, links, hidden/system files, other types
};

//! Opens a ZIP held in memory. Errors: INVALID_DOCUMENT (not a readable ZIP, or nothing
//! supported inside), LIMIT_EXCEEDED (entries, total size, compression ratio).
outcome<zip_contents> unpack_zip(std::string_view bytes, const zip_limits& limits);

//! unpack_zip in a `docket worker` child, so a hostile archive that crashes or exhausts libzip
//! costs one request (422 EXTRACTION_CRASHED / RESOURCE_LIMIT / EXTRACTION_TIMEOUT).
outcome<zip_contents> unpack_zip_in(sandbox::child& c, std::string_view bytes, const zip_limits& limits);

//! The child's side of an unzip request.
outcome<sandbox::reply> serve_unzip(const boost::json::object& header, std::string& payload);

//! Address space an unzipping child needs: everything unpacked, a copy on its way out, the upload.
std::uint64_t unzip_memory(const zip_limits& limits, std::uint64_t max_upload);

} // namespace docket::intake
