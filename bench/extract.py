#!/usr/bin/env python3
"""Extraction speed of docket against the command-line tools on the same files, in one run.

Text layer: D PDFs of P pages through docket (2 workers) vs `pdftotext` on the same files, two
at a time. OCR: 300-dpi page images (rendered by pdftoppm) through docket vs `tesseract`, two
processes at a time with OMP_THREAD_LIMIT=1. docket's time runs from the first submission to
the last job finished, so it includes intake, the durable queue and the worker processes.
Scanned document: the same pages as ONE image-only PDF, one job on an idle server (its pages
are spread over both worker processes) vs one `tesseract` process reading them in turn.
Usage: bench/extract.py [pdfs=20] [pages=50] [ocr_pages=6]   (run scripts/setup first)
"""
import glob, http.client, json, os, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_pdf import make_text_pdf, make_scanned_pdf

DOCS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
PAGES = int(sys.argv[2]) if len(sys.argv) > 2 else 50
OCR_PAGES = int(sys.argv[3]) if len(sys.argv) > 3 else 6
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCKET = os.path.join(ROOT, "build", "docket")
LINES = ["Invoice 2024-%03d from Northwind Traders to Contoso Limited" % i for i in range(40)]

def run_parallel(commands, env=None):
    t0 = time.monotonic()
    procs = []
    pending = list(commands)
    while pending or procs:
        while pending and len(procs) < 2:
            procs.append(subprocess.Popen(pending.pop(0), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        procs[0].wait()
        procs.pop(0)
    return time.monotonic() - t0

def docket_time(port, key, files):
    auth = {"Authorization": "Bearer " + key}
    ids = []
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port)
    for f in files:
        data = open(f, "rb").read()
        body = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n" + data + b"\r\n--b--\r\n")
        c.request("POST", "/v1/jobs", body, {**auth, "Content-Type": "multipart/form-data; boundary=b"})
        r = c.getresponse()
        ids.append(json.loads(r.read())["id"])
    for i in ids:
        while True:
            c.request("GET", "/v1/jobs/" + i, headers=auth)
            j = json.loads(c.getresponse().read())
            if j["status"] in ("succeeded", "failed"):
                assert j["status"] == "succeeded", j
                break
            time.sleep(0.01)
    return time.monotonic() - t0

def main():
    work = tempfile.mkdtemp(prefix="docket-extract-bench-")
    pdfs = []
    for d in range(DOCS):
        path = os.path.join(work, "doc%03d.pdf" % d)
        open(path, "wb").write(make_text_pdf(LINES, PAGES))
        pdfs.append(path)
    scan_src = os.path.join(work, "scan.pdf")
    open(scan_src, "wb").write(make_text_pdf(LINES[:30], OCR_PAGES))
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", scan_src, os.path.join(work, "page")], check=True)
    images = sorted(glob.glob(os.path.join(work, "page*.png")))
    subprocess.run(["pdftoppm", "-r", "300", "-gray", scan_src, os.path.join(work, "gray")], check=True)
    scanned = os.path.join(work, "scanned.pdf")
    open(scanned, "wb").write(make_scanned_pdf(sorted(glob.glob(os.path.join(work, "gray*.pgm")))))

    data = os.path.join(work, "data")
    key = subprocess.run([DOCKET, "keys", "create", "--data-dir", data], capture_output=True, text=True, check=True).stdout.strip()
    server = subprocess.Popen([DOCKET, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--workers", "2",
                               "--log-level", "warn"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(server.stdout.readline().rsplit(":", 1)[1])
    docket_time(port, key, pdfs[:2] + images[:2])  # warm the worker processes and their OCR engines

    total_pages = DOCS * PAGES
    t_docket = docket_time(port, key, pdfs)
    t_pdftotext = run_parallel([["pdftotext", f, "-"] for f in pdfs])
    t_docket_ocr = docket_time(port, key, images)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    t_tesseract = run_parallel([["tesseract", f, "-"] for f in images], env)
    t_docket_scan = docket_time(port, key, [scanned])
    t0 = time.monotonic()
    for f in images:
        subprocess.run(["tesseract", f, "-"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    t_tesseract_one = time.monotonic() - t0
    server.terminate(); server.wait()

    text_docket, text_tool = total_pages / t_docket, total_pages / t_pdftotext
    ocr_docket, ocr_tool = len(images) / t_docket_ocr, len(images) / t_tesseract
    print(f"text layer: docket {text_docket:,.0f} pages/s, pdftotext x2 {text_tool:,.0f} pages/s, ratio {text_docket / text_tool:.2f} ({total_pages} pages)")
    print(f"one {len(images)}-page scanned PDF: docket {t_docket_scan:.2f} s, one tesseract process {t_tesseract_one:.2f} s, "
          f"speed-up {t_tesseract_one / t_docket_scan:.2f}")
    print(f"OCR 300 dpi: docket {ocr_docket:.2f} pages/s, tesseract x2 {ocr_tool:.2f} pages/s, ratio {ocr_docket / ocr_tool:.2f} ({len(images)} pages)")

if __name__ == "__main__":
    main()
