"""The peer: python-pptx builds the same 300 slides (it cannot clone slides
from another deck, so the 30 bank slides are left out). Usage:
python_pptx_peer.py TEMPLATE IMAGE OUT.pptx"""
import sys

from pptx import Presentation
from pptx.util import Inches

template, image, out = sys.argv[1:4]
prs = Presentation(template)
bullets_layout, picture_layout = prs.slide_layouts[1], prs.slide_layouts[8]
for i in range(300):
    if i % 10 == 9:
        s = prs.slides.add_slide(picture_layout)
        s.shapes.title.text = f"Picture slide {i + 1}"
        s.placeholders[1].insert_picture(image)
        s.placeholders[2].text = "A caption"
    else:
        s = prs.slides.add_slide(bullets_layout)
        s.shapes.title.text = f"Slide {i + 1}: a title of ordinary length"
        tf = s.placeholders[1].text_frame
        tf.text = f"Point 1 of slide {i + 1} with a few more words"
        for j in range(1, 5):
            tf.add_paragraph().text = f"Point {j + 1} of slide {i + 1} with a few more words"
    s.notes_slide.notes_text_frame.text = f"Speaker notes for slide {i + 1}: explain the points and ask one question."
prs.save(out)
