-- wrk script: POST /v1/jobs with one multipart PDF, the same body every time.
-- Environment: DOCKET_KEY (API key), DOCKET_BENCH_FILE (the document).
local f = assert(io.open(os.getenv("DOCKET_BENCH_FILE"), "rb"))
local doc = f:read("*a")
f:close()
local boundary = "----docket-bench-7f3a"
wrk.method = "POST"
wrk.path = "/v1/jobs"
wrk.body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.pdf\"\r\n" ..
           "Content-Type: application/pdf\r\n\r\n" .. doc .. "\r\n--" .. boundary .. "--\r\n"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DOCKET_KEY")

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status, errors))
end
