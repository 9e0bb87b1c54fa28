#!/usr/bin/env python3
"""Writes a one-page PDF with a text layer, padded to about the requested size (for load tests)."""
import sys

def assemble(objs) -> bytes:
    """A PDF file of the given object bodies (object 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)

def make_pdf(text: str, size: int) -> bytes:
    content = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode()
    # A comment line pads the content stream without changing what the page shows.
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    def padded(pad: int) -> bytes:
        stream = content + b"\n%" + b"x" * pad + b"\n"
        return assemble(objects + [b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream"])
    base = len(padded(0))
    return padded(max(0, size - base))

def make_text_pdf(lines_per_page, pages: int) -> bytes:
    """A PDF of `pages` pages, each with the given lines of Helvetica text (a real text layer)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for p in range(pages):
        ops = ["BT /F1 11 Tf 14 TL 56 780 Td"]
        for line in lines_per_page:
            ops.append("(%s page %d) Tj T*" % (line.replace("(", "").replace(")", ""), p + 1))
        ops.append("ET")
        content = "\n".join(ops).encode()
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % len(objs))
        kids.append(len(objs))
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % pages
    return assemble(objs)

def make_scanned_pdf(pgm_paths) -> bytes:
    """A PDF with no text layer: one A4 page per 8-bit PGM image (as pdftoppm -gray writes them)."""
    import zlib
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None]
    kids = []
    for path in pgm_paths:
        raw = open(path, "rb").read()
        magic, w, h, maxval, pixels = raw.split(maxsplit=4)
        assert magic == b"P5" and maxval == b"255"
        data = zlib.compress(pixels[: int(w) * int(h)])
        objs.append(b"<< /Type /XObject /Subtype /Image /Width %s /Height %s /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (w, h, len(data)) + data + b"\nendstream")
        image = len(objs)
        content = b"q 595 0 0 842 0 0 cm /Im Do Q"
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im %d 0 R >> >> "
                    b"/Contents %d 0 R >>" % (image, len(objs)))
        kids.append(len(objs))
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    return assemble(objs)

if __name__ == "__main__":
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
    sys.stdout.buffer.write(make_pdf(sys.argv[1] if len(sys.argv) > 1 else "docket bench page", size))
