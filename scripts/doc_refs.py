#!/usr/bin/env python3
"""Checks that what the code and the docs point to exists:

* every `galaxy-model.md N`, `galaxy-model.md §N.M` cited in a source file names a section
  heading of docs/galaxy-model.md;
* every relative Markdown link in README.md, ARCHITECTURE.md and docs/ names a file that is
  there; every `docs/…` path cited in a source file exists.

    python3 scripts/doc_refs.py     # exit 1 and a line per broken reference

The test command runs it.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for d in ("core", "native", "app", "scripts") for p in (ROOT / d).rglob("*")
           if p.suffix in {".rs", ".py", ".sh", ".mjs"} and "target" not in p.parts
           and "node_modules" not in p.parts]
SOURCES += list((ROOT / "tests" / "e2e").glob("*.mjs"))


def sections() -> set[str]:
    heads = set()
    for line in (ROOT / "docs" / "galaxy-model.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s", line)
        if m:
            heads.add(m.group(1))
    return heads


def main() -> int:
    broken = []
    heads = sections()
    cite = re.compile(r"galaxy-model\.md[ ,]*§?\s*(\d+(?:\.\d+)*)")
    path = re.compile(r"\bdocs/[A-Za-z0-9_./-]+\.md\b")
    for p in SOURCES:
        text = p.read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), 1):
            for m in cite.finditer(line):
                sec = m.group(1).rstrip(".")
                if sec not in heads:
                    broken.append(f"{p.relative_to(ROOT)}:{n}: galaxy-model.md has no section {sec}")
            for m in path.finditer(line):
                if not (ROOT / m.group(0)).exists():
                    broken.append(f"{p.relative_to(ROOT)}:{n}: no file {m.group(0)}")
    docs = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *(ROOT / "docs").rglob("*.md")]
    link = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
    for d in docs:
        for n, line in enumerate(d.read_text(encoding="utf-8").splitlines(), 1):
            for m in link.finditer(line):
                target = m.group(1)
                if re.match(r"^[a-z]+:", target):
                    continue
                if not (d.parent / target).exists():
                    broken.append(f"{d.relative_to(ROOT)}:{n}: link to a missing {target}")
    for b in broken:
        print(b)
    n_cites = sum(len(cite.findall(p.read_text(encoding="utf-8", errors="replace"))) for p in SOURCES)
    print(f"{n_cites} citations of galaxy-model.md, {len(docs)} Markdown files: "
          f"{len(broken)} broken reference(s)")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
