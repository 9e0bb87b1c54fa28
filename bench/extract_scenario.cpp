// `docket bench extract`: extraction speed through the whole service (submit, durable queue,
// worker processes, result) against the command-line tools on the same files, two at a time.

#include "scenarios.hpp"

#include "corpus.hpp"
#include "server_process.hpp"
#include "../tests/support/http_client.hpp"
#include "../tests/support/process.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace docket::bench {

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

struct timed_pages {
    double seconds = 0;
    std::int64_t pages = 0; //!< as the finished jobs report them
};

// Time for docket to take every file and finish every job (polling, as a client would).
timed_pages docket_pages(test::http_client& c, const std::string& key, const std::vector<fs::path>& files) {
    const std::vector<std::pair<std::string, std::string>> auth{{"Authorization", "Bearer " + key}};
    const auto t0 = steady::now();
    std::vector<std::string> ids;
    for (const auto& f : files) {
        auto [type, body] = test::multipart({}, f.filename().string(), read_all(f));
        auto headers = auth;
        headers.emplace_back("Content-Type", type);
        auto r = c.request("POST", "/v1/jobs", headers, body);
        if (r.status != 202) throw std::runtime_error("submission refused: " + r.body);
        ids.push_back(std::string(boost::json::parse(r.body).at("id").as_string()));
    }
    std::int64_t pages = 0;
    for (const auto& id : ids) {
        for (;;) {
            auto r = c.request("GET", "/v1/jobs/" + id, auth);
            const auto job = boost::json::parse(r.body);
            const auto status = std::string(job.at("status").as_string());
            if (status == "succeeded") {
                pages += job.at("document").at("pages").to_number<std::int64_t>();
                break;
            }
            if (status == "failed" || status == "canceled") throw std::runtime_error("job " + id + " " + status + ": " + r.body);
            std::this_thread::sleep_for(5ms);
        }
    }
    return {std::chrono::duration<double>(steady::now() - t0).count(), pages};
}

// Seconds for `make(file)` commands over the files, two processes at a time.
template <class Make>
double tool_seconds(const std::vector<fs::path>& files, Make make) {
    const auto t0 = steady::now();
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> lanes;
    for (int lane = 0; lane < 2; ++lane)
        lanes.emplace_back([&] {
            for (std::size_t i; (i = next++) < files.size();)
                if (test::run(make(files[i]), {{"OMP_THREAD_LIMIT", "1"}}, std::chrono::seconds(300)).exit_code != 0) failed = true;
        });
    for (auto& t : lanes) t.join();
    if (failed) throw std::runtime_error("a baseline tool failed (are poppler-utils and tesseract-ocr installed?)");
    return std::chrono::duration<double>(steady::now() - t0).count();
}

run_report pages_run(const std::string& name, double pages, double seconds) {
    run_report r{name, "batch", 2, 0, {}, std::nullopt};
    r.load.sent = r.load.ok = static_cast<std::uint64_t>(pages);
    r.load.seconds = seconds;
    r.load.timeline = {{static_cast<std::uint64_t>(pages / std::max(seconds, 1e-9)), 0, 0, 0, 0}};
    return r;
}

} // namespace

report extract_scenario(const bench_options& o) {
    report rep{"extract", {}, {}, {}};
    test::temp_dir dir;
    std::vector<std::string> lines;
    for (int i = 0; i < 40; ++i) lines.push_back("Invoice 2024-" + std::to_string(100 + i) + " from Northwind Traders to Contoso Limited");
    std::vector<fs::path> pdfs, images;
    for (unsigned d = 0; d < o.docs; ++d) {
        pdfs.push_back(dir.path() / ("doc" + std::to_string(d) + ".pdf"));
        std::ofstream(pdfs.back(), std::ios::binary) << text_pdf(lines, static_cast<int>(o.pages));
    }
    const auto scan = dir.path() / "scan.pdf";
    std::ofstream(scan, std::ios::binary) << text_pdf(std::vector<std::string>(lines.begin(), lines.begin() + 30), static_cast<int>(o.ocr_pages));
    if (test::run({"/usr/bin/pdftoppm", "-r", "300", "-gray", "-png", scan.string(), (dir.path() / "page").string()}).exit_code != 0)
        throw std::runtime_error("pdftoppm failed (is poppler-utils installed?)");
    for (const auto& e : fs::directory_iterator(dir.path()))
        if (e.path().filename().string().rfind("page", 0) == 0) images.push_back(e.path());
    std::sort(images.begin(), images.end());

    // docket on its defaults (one worker process per core), warmed up on one file of each kind,
    // and stopped before the tools run.
    timed_pages docket_text, docket_ocr;
    process_usage usage;
    {
        auto s = server::docket(o, {"--max-pages", "100000"});
        test::http_client c("127.0.0.1", s.port(), 120s);
        docket_pages(c, s.key(), {pdfs.front(), images.front()});
        docket_text = docket_pages(c, s.key(), pdfs);
        docket_ocr = docket_pages(c, s.key(), images);
        usage = s.usage();
    }
    const double text_pages = static_cast<double>(o.docs * o.pages);
    const double t_pdftotext = tool_seconds(pdfs, [](const fs::path& f) { return std::vector<std::string>{"/usr/bin/pdftotext", f.string(), "/dev/null"}; });
    const double t_tesseract = tool_seconds(images, [&](const fs::path& f) {
        return std::vector<std::string>{"/usr/bin/tesseract", f.string(), (f.parent_path() / (f.stem().string() + "-out")).string()};
    });

    rep.runs.push_back(pages_run("docket text layer", static_cast<double>(docket_text.pages), docket_text.seconds));
    rep.runs.back().server = usage;
    rep.runs.push_back(pages_run("pdftotext x2", text_pages, t_pdftotext));
    rep.runs.push_back(pages_run("docket OCR", static_cast<double>(docket_ocr.pages), docket_ocr.seconds));
    rep.runs.push_back(pages_run("tesseract x2", static_cast<double>(images.size()), t_tesseract));
    auto rate = [&](std::size_t i) { return rep.runs[i].load.throughput(); };
    rep.figures = {{"docket text pages/s", rate(0)},       {"pdftotext x2 pages/s", rate(1)},
                   {"text: docket / pdftotext", rate(0) / rate(1)}, {"docket OCR pages/s", rate(2)},
                   {"tesseract x2 pages/s", rate(3)},      {"OCR: docket / tesseract", rate(2) / rate(3)}};
    return rep;
}

} // namespace docket::bench
