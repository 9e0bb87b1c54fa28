#include "../support/process.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace docket::test;

namespace {

// Runs `docket bench` briefly and returns its JSON report.
boost::json::value bench_report(const std::vector<std::string>& args, const temp_dir& dir, bool chart = true) {
    std::vector<std::string> argv{docket_binary(), "bench"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto json_path = (dir.path() / "report.json").string();
    const auto svg_path = (dir.path() / "chart.svg").string();
    for (const auto& a : {std::string("--json"), json_path}) argv.push_back(a);
    if (chart) for (const auto& a : {std::string("--chart"), svg_path}) argv.push_back(a);
    auto r = run(argv, {}, std::chrono::seconds(300));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    if (chart) {
        std::ifstream svg(svg_path);
        std::string drawn((std::istreambuf_iterator<char>(svg)), {});
        CHECK(drawn.find("<polyline") != std::string::npos);
    }
    std::ifstream in(json_path);
    std::stringstream ss;
    ss << in.rdbuf();
    return boost::json::parse(ss.str());
}

} // namespace

TEST_CASE("docket bench intake runs the baseline, docket with and without fsync, and an open loop", "[e2e][bench]") {
    temp_dir dir;
    auto v = bench_report({"intake", "--duration", "1s", "--connections", "8"}, dir);
    const auto& runs = v.at("runs").as_array();
    REQUIRE(runs.size() == 4);
    for (const auto& run : runs) {
        INFO(boost::json::serialize(run));
        CHECK(run.at("ok").to_number<std::int64_t>() > 0);
        CHECK(run.at("errors").to_number<std::int64_t>() == 0);
        CHECK(run.at("latency_us").at("p99").to_number<std::int64_t>() > 0);
        CHECK(run.at("server").at("peak_rss_kib").to_number<std::int64_t>() > 0);
    }
    CHECK(runs.at(3).at("mode").as_string() == "open");
    CHECK(v.at("figures").at("docket / baseline throughput").to_number<double>() > 0);
    CHECK(v.at("figures").at("docket / docket --fsync=false throughput").to_number<double>() > 0);
}

TEST_CASE("docket bench e2e gets every webhook exactly once with a valid signature", "[e2e][bench]") {
    temp_dir dir;
    auto v = bench_report({"e2e", "--duration", "2s", "--rate", "100", "--connections", "4"}, dir);
    const auto& runs = v.at("runs").as_array();
    REQUIRE(runs.size() == 2);
    const auto submitted = runs.at(0).at("ok").to_number<std::int64_t>();
    CHECK(submitted == 200);
    CHECK(runs.at(1).at("ok").to_number<std::int64_t>() == submitted);
    const auto& f = v.at("figures");
    CHECK(f.at("webhooks missing").to_number<double>() == 0);
    CHECK(f.at("webhooks duplicated").to_number<double>() == 0);
    CHECK(f.at("bad signatures").to_number<double>() == 0);
    CHECK(f.at("submit -> webhook p99 ms").to_number<double>() > 0);
}

TEST_CASE("docket bench refuses unknown scenarios and bad options with exit code 2", "[e2e][bench]") {
    CHECK(run({docket_binary(), "bench", "nonsense"}).exit_code == 2);
    CHECK(run({docket_binary(), "bench", "intake", "--duration", "soon"}).exit_code == 2);
    CHECK(run({docket_binary(), "bench", "intake", "--colour", "blue"}).exit_code == 2);
    auto help = run({docket_binary(), "bench", "help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("e2e") != std::string::npos);
}

TEST_CASE("docket bench deliver replays every delivery to the sink and runs the raw POST baseline", "[e2e][bench]") {
    temp_dir dir;
    auto v = bench_report({"deliver", "--requests", "200"}, dir);
    const auto& runs = v.at("runs").as_array();
    REQUIRE(runs.size() == 3);
    CHECK(runs.at(0).at("ok").to_number<std::int64_t>() == 200); // submissions
    CHECK(runs.at(1).at("sent").to_number<std::int64_t>() == 200); // replayed
    CHECK(runs.at(1).at("ok").to_number<std::int64_t>() == 200);   // arrived
    CHECK(runs.at(2).at("ok").to_number<std::int64_t>() == 200);
    CHECK(v.at("figures").at("docket / raw POST rate").to_number<double>() > 0);
    CHECK(v.at("notes").as_array().empty());
}

TEST_CASE("docket bench queue picks up every durable job and runs both RocksDB baselines", "[e2e][bench]") {
    temp_dir dir;
    auto v = bench_report({"queue", "--duration", "1s", "--connections", "8"}, dir);
    const auto& runs = v.at("runs").as_array();
    REQUIRE(runs.size() == 4);
    const auto committed = runs.at(0).at("ok").to_number<std::int64_t>();
    CHECK(committed > 0);
    CHECK(runs.at(1).at("ok").to_number<std::int64_t>() == committed);
    CHECK(runs.at(2).at("ok").to_number<std::int64_t>() > 0);
    CHECK(runs.at(3).at("ok").to_number<std::int64_t>() > 0);
    CHECK(v.at("figures").at("pickup p99 ms").to_number<double>() >= 0);
}

TEST_CASE("docket bench extract times docket, pdftotext and tesseract on the same files", "[e2e][bench][ocr]") {
    temp_dir dir;
    auto v = bench_report({"extract", "--docs", "2", "--pages", "3", "--ocr-pages", "1"}, dir);
    const auto& runs = v.at("runs").as_array();
    REQUIRE(runs.size() == 4);
    CHECK(runs.at(0).at("ok").to_number<std::int64_t>() == 6);
    CHECK(runs.at(2).at("ok").to_number<std::int64_t>() == 1);
    for (const char* f : {"text: docket / pdftotext", "OCR: docket / tesseract"}) CHECK(v.at("figures").at(f).to_number<double>() > 0);
}

TEST_CASE("docket bench memory holds idle connections and samples RSS over a run of jobs", "[e2e][bench]") {
    temp_dir dir;
    auto v = bench_report({"memory", "--idle-connections", "300", "--requests", "300", "--rate", "200"}, dir);
    const auto& f = v.at("figures");
    INFO(boost::json::serialize(v.at("figures")));
    CHECK(f.at("idle RSS MiB (server process)").to_number<double>() > 1);
    CHECK(f.at("idle keep-alive connections opened").to_number<double>() == 300);
    // Held means the server still has them open a second later (its open files), not just opened.
    CHECK(f.at("idle keep-alive connections held by the server").to_number<double>() >= 300);
    CHECK(f.at("jobs accepted").to_number<double>() == 300);
    CHECK(f.at("RSS MiB at the end").to_number<double>() > 1);
    const auto& runs = v.at("runs").as_array();
    REQUIRE(runs.size() == 1);
    CHECK(runs.at(0).at("errors").to_number<std::int64_t>() == 0);
    const auto& rss = v.at("series").at("server RSS MiB").as_array();
    CHECK(rss.size() >= 2);
    CHECK(v.at("notes").as_array().empty());
}

TEST_CASE("docket bench scale measures intake and restart with jobs waiting in the store", "[e2e][bench]") {
    temp_dir dir;
    auto v = bench_report({"scale", "--queued", "3000", "--duration", "1s", "--connections", "8"}, dir);
    const auto& runs = v.at("runs").as_array();
    REQUIRE(runs.size() == 2);
    for (const auto& run : runs) {
        CHECK(run.at("ok").to_number<std::int64_t>() > 0);
        CHECK(run.at("errors").to_number<std::int64_t>() == 0);
    }
    const auto& f = v.at("figures");
    INFO(boost::json::serialize(f));
    // The workers may take a few jobs between "ready" and the probe; the rest must be queued.
    CHECK(f.at("queue depth when first ready").to_number<double>() >= 2900);
    CHECK(f.at("queue depth after the restart").to_number<double>() > 0);
    CHECK(f.at("seconds from restart to ready (after SIGTERM)").to_number<double>() > 0);
    CHECK(f.at("intake deep queue / empty queue").to_number<double>() > 0);
    CHECK(v.at("notes").as_array().empty());
}

TEST_CASE("kill -9 at random moments under submissions with webhooks: every acknowledged job ends once, delivered", "[e2e][bench][crash]") {
    temp_dir dir;
    auto v = bench_report({"crash", "--cycles", "3"}, dir, false);
    const auto& f = v.at("figures");
    INFO(boost::json::serialize(f));
    CHECK(f.at("kill -9 cycles").to_number<double>() == 3);
    CHECK(f.at("jobs acknowledged (202)").to_number<double>() > 100);
    CHECK(f.at("jobs not terminal").to_number<double>() == 0);
    CHECK(f.at("webhooks missing").to_number<double>() == 0);
    CHECK(f.at("events under two webhook-ids").to_number<double>() == 0);
    CHECK(f.at("bad signatures").to_number<double>() == 0);
    CHECK(v.at("notes").as_array().empty());
}
