"""Writes a synthetic outline for a 5-day course: 10 modules × 5 topics × 5
points (Markdown). Usage: make_outline.py OUT.md"""
import sys

lines = ["# Operations Excellence Programme", ""]
for m in range(1, 11):
    lines += [f"## Module {m}: Theme number {m} of the programme", ""]
    for t in range(1, 6):
        lines += [f"### Topic {m}.{t}: a practical subject with a realistic title", ""]
        for p in range(1, 6):
            lines.append(f"- Point {p} about topic {m}.{t}, written as a full sentence of ordinary length")
        lines.append("")
open(sys.argv[1], "w").write("\n".join(lines))
