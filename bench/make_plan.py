"""Writes the benchmark plan: 300 slides (title + bullets + notes, a picture
every tenth slide) and 30 slides cloned from the bank, as JSON for
`courseware deck build`. Usage: make_plan.py OUT.json FIXTURES_DIR"""
import json
import os
import sys

out, fixtures = sys.argv[1], sys.argv[2]
rel = os.path.relpath(fixtures, os.path.dirname(os.path.abspath(out)))
slides = []
for i in range(300):
    notes = f"Speaker notes for slide {i + 1}: explain the points and ask one question."
    if i % 10 == 9:
        slides.append({"kind": "picture", "title": f"Picture slide {i + 1}", "image": f"{rel}/wide.png",
                       "caption": "A caption", "alt": "A generated picture", "notes": notes})
    else:
        slides.append({"kind": "bullets", "title": f"Slide {i + 1}: a title of ordinary length",
                       "bullets": [f"Point {j + 1} of slide {i + 1} with a few more words" for j in range(5)],
                       "notes": notes})
for k in range(30):
    slides.append({"kind": "clone", "deck": f"{rel}/bank.pptx", "slide": 1 + k % 3,
                   "replace": {"{{topic}}": f"Topic {k + 1}"}})
json.dump({"title": "Benchmark deck", "slides": slides}, open(out, "w"))
