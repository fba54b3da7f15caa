#!/usr/bin/env bash
# Makes the sample outlines that are not plain text: a Word version of the
# Markdown sample (pandoc maps headings to Heading 1–3 styles and lists to
# numbered paragraphs). Run from the repository root.
set -euo pipefail
dir=server/samples/outlines
pandoc "$dir/workplace-fire-safety.md" -o "$dir/workplace-fire-safety.docx"
echo "made $dir/workplace-fire-safety.docx"
python3 scripts/samples/make_pdf_outline.py "$dir/onboarding-new-starters.txt" "$dir/onboarding-new-starters.pdf"
