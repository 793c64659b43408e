#!/usr/bin/env python3
"""The longest functions of the workspace, as clippy's `too_many_lines` counts them (lines of
the body that hold code: blank and comment-only lines do not count).

    python3 scripts/long_fns.py [N]      # the N longest (default 10)

A reviewing aid beside the lint (clippy.toml sets the limit that fails CI); tests are left out.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FN = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(\w+)")


def strip(line: str) -> str:
    """The line without string contents and // comments (good enough for brace counting)."""
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(?:\\.|[^'\\])'", "''", line)
    return line.split("//", 1)[0]


def functions(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FN.match(lines[i])
        if not m or "#[test]" in (lines[i - 1] if i else ""):
            i += 1
            continue
        depth, started, code = 0, False, 0
        j = i
        while j < len(lines):
            s = strip(lines[j])
            if not started and ";" in s and "{" not in s:
                break  # a declaration without a body
            if s.strip() and started:
                code += 1
            depth += s.count("{") - s.count("}")
            if "{" in s:
                started = True
            if started and depth <= 0:
                yield m.group(1), i + 1, max(code - 1, 0)
                break
            j += 1
        i += 1


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    rows = []
    for crate in ("core", "native", "app"):
        for p in sorted((ROOT / crate / "src").rglob("*.rs")):
            if p.name == "tests.rs" or "tests" in p.parts:
                continue
            for name, line, count in functions(p):
                rows.append((count, f"{p.relative_to(ROOT)}:{line}", name))
    rows.sort(reverse=True)
    for count, where, name in rows[:n]:
        print(f"{count:5d}  {name:<28} {where}")


if __name__ == "__main__":
    main()
