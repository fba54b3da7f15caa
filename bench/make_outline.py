"""Writes a synthetic outline for a 5-day course: MODULES (default 10)
modules × 5 topics × 5 points (Markdown). Usage: make_outline.py OUT.md [MODULES]"""
import sys

lines = ["# Operations Excellence Programme", ""]
modules = int(sys.argv[2]) if len(sys.argv) > 2 else 10
for m in range(1, modules + 1):
    lines += [f"## Module {m}: Theme number {m} of the programme", ""]
    for t in range(1, 6):
        lines += [f"### Topic {m}.{t}: a practical subject with a realistic title", ""]
        for p in range(1, 6):
            lines.append(f"- Point {p} about topic {m}.{t}, written as a full sentence of ordinary length")
        lines.append("")
open(sys.argv[1], "w").write("\n".join(lines))
