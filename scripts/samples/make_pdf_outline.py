"""Writes a PDF version of a plain-text outline, with our own minimal PDF
writer (Helvetica, one text line per row, indentation kept as an x offset).
Usage: make_pdf_outline.py IN.txt OUT.pdf"""
import sys

src, out = sys.argv[1], sys.argv[2]
lines = [l.rstrip("\n") for l in open(src, encoding="utf-8")]


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


pages, page, y = [], [], 800
for line in lines:
    if y < 60:
        pages.append(page)
        page, y = [], 800
    if line.strip():
        indent = len(line) - len(line.lstrip())
        size = 16 if not page and not pages else 11
        page.append(f"BT /F1 {size} Tf {50 + indent * 6} {y} Td ({esc(line.strip())}) Tj ET")
    y -= 18
pages.append(page)

objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
kids = []
for p in pages:
    content = "\n".join(p).encode("cp1252", "replace")
    objects.append(f"<< /Length {len(content)} >>\nstream\n".encode("latin-1") + content + b"\nendstream")
    content_id = len(objects)
    objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>")
    kids.append(len(objects))
objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"

body = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offsets = []
for i, obj in enumerate(objects, start=1):
    offsets.append(len(body))
    data = obj if isinstance(obj, bytes) else obj.encode("latin-1")
    body += f"{i} 0 obj\n".encode() + data + b"\nendobj\n"
xref = len(body)
body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
for off in offsets:
    body += f"{off:010d} 00000 n \n".encode()
body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
open(out, "wb").write(bytes(body))
print("made", out)
