// `docket worker`: the child process the server starts (sandbox/child.hpp) to parse untrusted
// files. Routes each request to the module that defines it.

#include <docket/app/commands.hpp>
#include <docket/extract/isolated.hpp>
#include <docket/extract/ocr.hpp>
#include <docket/sandbox/confine.hpp>
#include <docket/intake/zip.hpp>

#include <boost/json.hpp>

namespace docket::app {

int worker(int fd) {
    // Before any untrusted byte is read; the tessdata directory may be anywhere (TESSDATA_PREFIX).
    const auto confined = sandbox::confine_self({extract::tessdata_dir()});
    return sandbox::serve(fd, [](const boost::json::object& h, std::string& payload, const sandbox::interim_fn& interim)
                                  -> outcome<sandbox::reply> {
        const auto* op = h.if_contains("op");
        if (op && *op == "extract") return extract::serve_extract(h, payload, interim);
        if (op && *op == "fields") return extract::serve_fields(h, payload);
        if (op && *op == "unzip") return intake::serve_unzip(h, payload);
        if (op && *op == "probe_confinement") return sandbox::reply{sandbox::probe_confinement(h), {}};
        return failure(errc::internal, "unknown worker request");
    }, confined);
}

} // namespace docket::app
