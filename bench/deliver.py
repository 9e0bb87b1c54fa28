#!/usr/bin/env python3
"""Webhook deliveries per second from a real docket to a local keep-alive sink.

Phase 1 (end to end): N text documents are submitted with a registered endpoint; the rate is
N over the time from the first to the last webhook received. Phase 2 (dispatcher alone): the
endpoint's N deliveries are replayed at once; the rate is N over the time the sink took to get
them all. Usage: bench/deliver.py [N=5000]   (run scripts/setup first)
"""
import http.client, json, os, subprocess, sys, tempfile, threading, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCKET = os.path.join(ROOT, "build", "docket")
SINK = os.path.join(ROOT, "build", "bench", "webhook_sink")

def main():
    work = tempfile.mkdtemp(prefix="docket-deliver-bench-")
    data = os.path.join(work, "data")
    key = subprocess.run([DOCKET, "keys", "create", "--data-dir", data], capture_output=True, text=True, check=True).stdout.strip()
    sink = subprocess.Popen([SINK, "1", str(N), str(N + 1), str(2 * N)], stdout=subprocess.PIPE, text=True)
    sink_port = int(sink.stdout.readline().split()[1])
    server = subprocess.Popen([DOCKET, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--webhook-allow-http", "true",
                               "--webhook-allow-cidrs", "127.0.0.0/8", "--max-queue-depth", "10000000", "--log-level", "warn"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    port = int(line.rsplit(":", 1)[1])
    auth = {"Authorization": "Bearer " + key}

    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", "/v1/webhooks", json.dumps({"url": f"http://127.0.0.1:{sink_port}/hook"}),
              {**auth, "Content-Type": "application/json"})
    endpoint = json.loads(c.getresponse().read())["id"]

    boundary = "bench-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n"
            f"webhook bench document\r\n--{boundary}--\r\n").encode()
    headers = {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    def submit(count):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for _ in range(count):
            conn.request("POST", "/v1/jobs", body, headers)
            r = conn.getresponse(); r.read()
            assert r.status == 202, r.status
    threads = [threading.Thread(target=submit, args=(N // 8 + (1 if i < N % 8 else 0),)) for i in range(8)]
    for t in threads: t.start()
    for t in threads: t.join()

    marks = {}
    while len(marks) < 2:
        parts = sink.stdout.readline().split()
        marks[int(parts[1])] = int(parts[2])
    e2e = N / ((marks[N] - marks[1]) / 1e9)
    time.sleep(0.5)  # let the last deliveries be recorded as delivered before replaying them
    c.request("POST", f"/v1/webhooks/{endpoint}/replay?since=0", headers=auth)
    replayed = json.loads(c.getresponse().read())["replayed"]
    t0 = time.monotonic_ns()
    while len(marks) < 4:
        parts = sink.stdout.readline().split()
        marks[int(parts[1])] = int(parts[2])
    dispatch = replayed / ((marks[2 * N] - marks[N + 1]) / 1e9)
    print(f"end-to-end (submit -> extract -> signed webhook): {N} deliveries, {e2e:,.0f}/s")
    print(f"dispatcher alone (replay of {replayed}): {dispatch:,.0f} deliveries/s")
    server.terminate(); server.wait(); sink.wait()

if __name__ == "__main__":
    main()
