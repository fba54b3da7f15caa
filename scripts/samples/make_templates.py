"""Makes the two shipped sample templates in server/samples/templates from
python-pptx's bundled default template (MIT licence, see LICENSES.md there):

* Ocean.pptx   — blue accents, Calibri throughout
* Forest.pptx  — green accents, Cambria headings over Calibri text

Only the theme's colours and fonts change, so both keep the default
template's eleven layouts. Run: target/pytools/bin/python scripts/samples/make_templates.py
"""
import os
import re
import zipfile

import pptx

src = os.path.join(os.path.dirname(pptx.__file__), "templates", "default.pptx")
out = os.path.join("server", "samples", "templates")
os.makedirs(out, exist_ok=True)

THEMES = {
    "Ocean.pptx": {"major": "Calibri", "minor": "Calibri", "dk2": "0B3C5D", "accent1": "1D70B8", "accent2": "328CC1", "accent3": "D9B310"},
    "Forest.pptx": {"major": "Cambria", "minor": "Calibri", "dk2": "1E3D2F", "accent1": "2E7D32", "accent2": "7CB342", "accent3": "F9A825"},
}

for name, t in THEMES.items():
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(os.path.join(out, name), "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "ppt/theme/theme1.xml":
                s = data.decode("utf-8")
                s = re.sub(r'(<a:majorFont><a:latin typeface=")[^"]*', r"\g<1>" + t["major"], s)
                s = re.sub(r'(<a:minorFont><a:latin typeface=")[^"]*', r"\g<1>" + t["minor"], s)
                for slot in ("dk2", "accent1", "accent2", "accent3"):
                    s = re.sub(rf'(<a:{slot}><a:srgbClr val=")[0-9A-F]{{6}}', r"\g<1>" + t[slot], s)
                s = s.replace('<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme">',
                              f'<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="{name[:-5]}">')
                data = s.encode("utf-8")
            zout.writestr(item, data)
    print("made", os.path.join(out, name))
