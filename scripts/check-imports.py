#!/usr/bin/env python3
"""Fails when source files of a crate import each other in a circle.

Each crate's files are its modules (src/a.rs and src/a/mod.rs are `a`,
src/a/b.rs is `a::b`). A file depends on another when it names a path into
it: `crate::a::b::X`, `super::X`, `self::b::X`, or `b::X` where `b` is a
module the file declares. `mod b;` itself is a declaration, not a
dependency, and `pub use` re-exports are followed to the file that defines
the name (so `crate::Error`, re-exported by lib.rs, points at error.rs).
A test module inside a file (`#[cfg(test)] mod tests { … }`) belongs to
that file and adds no edges of its own.

Usage: scripts/check-imports.py [crate dir …]   (default: every workspace crate)
Prints each circle as the files in it and exits 1 when there is one.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip(src):
    """Source without comments, strings, chars and #[cfg(test)] blocks."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', src[i:i + 10]) and not re.match(r"[A-Za-z0-9_]", src[i - 1] if i else " "):
            m = re.match(r'r(#*)"', src[i:])
            end = '"' + m.group(1)
            j = src.find(end, i + len(m.group(0)))
            i = n if j < 0 else j + len(end)
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'", src[i:i + 12]):
            m = re.match(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'", src[i:i + 12])
            i += len(m.group(0))
            out.append("' '")
        else:
            out.append(c)
            i += 1
    text = "".join(out)
    return drop_test_blocks(text)


def drop_test_blocks(text):
    """Removes `#[cfg(test)] mod name { … }` bodies (brace matched)."""
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+" + IDENT + r"\s*\{", text)
        if not m:
            return text
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        text = text[:m.start()] + text[i:]


def use_paths(tree, prefix=""):
    """Expands a use tree (`a::{b, c::{d as e}}`) into full paths."""
    tree = tree.strip()
    if not tree:
        return []
    # split top level on commas
    parts, depth, cur = [], 0, ""
    for ch in tree:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    paths = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        brace = part.find("{")
        if brace >= 0:
            head = part[:brace].rstrip(":").strip()
            inner = part[brace + 1:part.rfind("}")]
            paths += use_paths(inner, join(prefix, head))
        else:
            path = re.sub(r"\s+as\s+" + IDENT + r"$", "", part).strip()
            paths.append(join(prefix, path))
    return paths


def join(a, b):
    if not a:
        return b
    if not b:
        return a
    return a + "::" + b


class Crate:
    def __init__(self, src_dir):
        self.src = src_dir
        self.files = {}  # module path (tuple) -> file
        for dirpath, _, names in os.walk(src_dir):
            for name in names:
                if not name.endswith(".rs"):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, src_dir)[:-3].split(os.sep)
                if rel[-1] in ("lib", "main") and len(rel) == 1:
                    rel = []
                elif rel[-1] == "mod":
                    rel = rel[:-1]
                elif rel[0] == "bin":
                    continue
                self.files[tuple(rel)] = path
        self.text = {}
        self.macros = {}  # exported macro name -> module defining it
        self.reexports = {}  # module -> {name: absolute path tuple}
        self.children = {}
        for mod, path in self.files.items():
            with open(path, encoding="utf-8") as f:
                text = strip(f.read())
            self.text[mod] = text
            for name in re.findall(r"\bmacro_rules!\s*(" + IDENT + ")", text):
                self.macros[name] = mod
            self.children[mod] = set(re.findall(r"\bmod\s+(" + IDENT + r")\s*;", text))
        for mod, text in self.text.items():
            rex = {}
            for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", text):
                for p in use_paths(m.group(1)):
                    segs = p.split("::")
                    alias = re.search(r"\s+as\s+(" + IDENT + r")\s*$", p)
                    name = alias.group(1) if alias else segs[-1]
                    absolute = self.absolute(mod, segs)
                    if absolute is not None and name != "*":
                        rex[name] = absolute
            self.reexports[mod] = rex

    def absolute(self, mod, segs):
        """A path as seen from `mod`, made absolute (None when external)."""
        segs = [s.strip() for s in segs if s.strip()]
        if not segs:
            return None
        base = list(mod)
        if segs[0] == "crate":
            return tuple(segs[1:])
        if segs[0] == "self":
            return tuple(base + segs[1:])
        if segs[0] == "super":
            while segs and segs[0] == "super":
                base = base[:-1]
                segs = segs[1:]
            return tuple(base + segs)
        if segs[0] in self.children.get(mod, ()):
            return tuple(base + segs)
        return None

    def resolve(self, path, seen=0):
        """The file (module key) an absolute path leads into."""
        best = ()
        for k in range(len(path), -1, -1):
            if tuple(path[:k]) in self.files:
                best = tuple(path[:k])
                break
        rest = path[len(best):]
        if rest and seen < 8:
            target = self.reexports.get(best, {}).get(rest[0])
            if target is not None and tuple(target) != tuple(path):
                return self.resolve(tuple(target) + tuple(rest[1:]), seen + 1)
        return best

    def edges(self):
        graph = {mod: set() for mod in self.files}
        for mod, text in self.text.items():
            targets = []
            for m in re.finditer(r"\buse\s+([^;]+);", text):
                for p in use_paths(m.group(1)):
                    targets.append(p.split("::"))
            for m in re.finditer(r"(?<![A-Za-z0-9_:])((?:" + IDENT + r"\s*::\s*)+" + IDENT + r"|(?:" + IDENT + r"\s*::\s*)+\*)(\s*!)?", text):
                segs = re.sub(r"\s+", "", m.group(1)).split("::")
                if m.group(2) and segs[0] == "crate" and segs[-1] in self.macros:
                    # an exported macro lives at the crate root in name only
                    target = self.macros[segs[-1]]
                    if target != mod:
                        graph[mod].add(target)
                    continue
                targets.append(segs)
            for segs in targets:
                segs = [re.sub(r"\s+as\s+" + IDENT + "$", "", s) for s in segs]
                absolute = self.absolute(mod, segs)
                if absolute is None:
                    continue
                target = self.resolve(absolute)
                if target != mod and target in graph:
                    graph[mod].add(target)
        return graph


def cycles(graph):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    dirs = sys.argv[1:] or [
        os.path.join(ROOT, d) for d in sorted(os.listdir(ROOT))
        if os.path.isfile(os.path.join(ROOT, d, "Cargo.toml")) and os.path.isdir(os.path.join(ROOT, d, "src"))
    ]
    failed, files = False, 0
    for d in dirs:
        crate = Crate(os.path.join(d, "src"))
        graph = crate.edges()
        files += len(graph)
        for comp in cycles(graph):
            failed = True
            names = sorted(os.path.relpath(crate.files[m], ROOT) for m in comp)
            print(f"import circle in {os.path.basename(d)}: " + " ↔ ".join(names))
            for m in sorted(comp):
                inside = sorted(os.path.relpath(crate.files[t], ROOT) for t in graph[m] if t in comp)
                print(f"    {os.path.relpath(crate.files[m], ROOT)} → {', '.join(inside)}")
    if failed:
        sys.exit(1)
    print(f"no import circles ({files} files in {len(dirs)} crates)")


if __name__ == "__main__":
    main()
