"""What the browser downloads to show each page, from a built target/site/pkg.

scripts/build-wasm splits the bundle: courseware_bg.wasm (the framework,
the layout and what every page shares) loads first, and each page is a
chunk that __wasm_split.js fetches with the chunks it needs the first time
the page is shown. This script reads the loader to find each page's
chunks and prints, gzipped as the server sends them (the .gz copies), the main
part and, per page, everything a first visit to that page fetches.

Usage: python3 scripts/bundle-sizes.py target/site/pkg
"""

import gzip
import re
import sys
from pathlib import Path


def gz(path: Path) -> int:
    """Bytes on the wire: the served .gz copy build-wasm made, else gzip -9."""
    served = path.with_name(path.name + ".gz")
    if served.is_file():
        return served.stat().st_size
    return len(gzip.compress(path.read_bytes(), 9))


def main(pkg: Path) -> None:
    loader = (pkg / "__wasm_split.js").read_text()
    # Each loader entry: `const __chunk_N = makeLoad(...fetch("./file.wasm")..., [deps])`
    # or `export const __wasm_split_load_<page> = wrapAsyncCb(makeLoad(..., [deps]))`.
    entry = re.compile(
        r'(?:const|export const) (\w+) = (?:wrapAsyncCb\()?makeLoad\(\(\) => \{\s*'
        r'const src = fetch\(new URL\("\./([^"]+\.wasm)".*?\n\}\n, \[([^\]]*)\]',
        re.S,
    )
    parts = {}
    for name, file, deps in entry.findall(loader):
        parts[name] = (file, [d.strip() for d in deps.split(",") if d.strip()])
    if not parts:
        sys.exit("bundle-sizes: no chunks found in __wasm_split.js (format changed?)")

    def needs(name, seen):
        for dep in parts[name][1]:
            if dep not in seen:
                seen.add(dep)
                needs(dep, seen)
        return seen

    main_wasm = gz(pkg / "courseware_bg.wasm")
    glue = gz(pkg / "courseware.js") + gz(pkg / "__wasm_split.js")
    print(f"main: {main_wasm // 1024} KiB wasm + {glue // 1024} KiB JS (gzipped)")
    pages = []
    for name, (file, _) in parts.items():
        m = re.match(r"__wasm_split_load___(\w+?)_(?:page_)?view_\d+$", name)
        if not m:
            continue
        chunks = needs(name, set())
        own = gz(pkg / file)
        shared = sum(gz(pkg / parts[c][0]) for c in chunks)
        pages.append((m.group(1), own, shared, len(chunks) + 1))
    for page, own, shared, files in sorted(pages, key=lambda p: -(p[1] + p[2])):
        first = main_wasm + own + shared
        print(
            f"  {page:<12} first visit {first // 1024:>4} KiB wasm "
            f"(main + page {own // 1024} KiB + {files - 1} shared chunks {shared // 1024} KiB)"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "target/site/pkg"))
