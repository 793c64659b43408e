#!/usr/bin/env python3
"""Module dependency cycles in the workspace's crates, from their `use` paths.

    scripts/module_cycles.py [--depth N] [--edges]

For each crate (core, native, app) every `.rs` file under `src/` is a module; a path that
names another module of the same crate (`crate::a::b`, `super::x`, `self::y`, or the crate's
own name from the binary, e.g. `galmass::dataset`) is an edge between the two modules,
truncated to DEPTH path segments (`measure::frame` → `observe::maps` at depth 2); without
--depth, depths 1, 2 and 3 are checked in turn. A module and its own descendants are one node
at that depth, so `mod.rs` re-exports are not cycles.
Prints every strongly connected component of more than one node (a cycle) with the edges that
form it and the file and line of each, then exits 1 if any exist, 0 if none.

Only `use` declarations and fully qualified paths in code are read (comments and string
literals are stripped first); macros that build paths are not seen.
"""

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CRATES = {  # crate dir -> names by which its own modules are reached
    "core": ["crate", "galmass_core"],
    "native": ["crate", "galmass"],
    "app": ["crate"],
}


def module_of(src: pathlib.Path, f: pathlib.Path) -> list[str]:
    """Module path of file `f` (`src/a/b.rs` → [a, b]; `src/a/mod.rs` → [a])."""
    parts = list(f.relative_to(src).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    if parts and parts[0] in ("lib", "main"):
        parts = parts[1:]
    if parts and parts[0] == "bin":
        parts = []
    return parts


def strip(code: str) -> str:
    """Code without comments and string literals (line structure kept)."""
    code = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), code, flags=re.S)
    code = re.sub(r'r#*".*?"#*', '""', code, flags=re.S)
    code = re.sub(r'"(\\.|[^"\\])*"', '""', code)
    return re.sub(r"//[^\n]*", "", code)


def use_paths(code: str):
    """(line, path segments) of every `use` tree leaf and qualified path in `code`."""
    out = []
    for m in re.finditer(r"\buse\s+([^;]+);", code):
        line = code.count("\n", 0, m.start()) + 1
        for p in expand(m.group(1).replace("\n", " ")):
            out.append((line, p))
    for m in re.finditer(r"\b((?:crate|super|self|galmass_core|galmass)(?:::\w+)+)", code):
        line = code.count("\n", 0, m.start()) + 1
        out.append((line, m.group(1).split("::")))
    return out


def expand(tree: str) -> list[list[str]]:
    """`a::{b, c::{d}}` → [[a, b], [a, c, d]] (leaves of a use tree)."""
    tree = tree.strip()
    depth, start = 0, None
    for i, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and start is not None:
                prefix = [s for s in tree[:start].rstrip(":").split("::") if s]
                inner, parts, d, cur = tree[start + 1 : i], [], 0, ""
                for c in inner:
                    if c == "," and d == 0:
                        parts.append(cur)
                        cur = ""
                        continue
                    d += c == "{"
                    d -= c == "}"
                    cur += c
                parts.append(cur)
                return [prefix + sub for p in parts if p.strip() for sub in expand(p)]
    leaf = tree.split(" as ")[0].strip()
    return [[s.strip() for s in leaf.split("::") if s.strip()]]


def resolve(own: list[str], path: list[str], roots: list[str]):
    """Absolute module path of `path` used in module `own`, or None for other crates."""
    if not path:
        return None
    if path[0] in roots:
        return path[1:]
    if path[0] == "self":
        return own + path[1:]
    if path[0] == "super":
        base = list(own)
        while path and path[0] == "super":
            base = base[:-1]
            path = path[1:]
        return base + path
    return None


def sccs(nodes, edges):
    """Tarjan's strongly connected components."""
    index, low, on, stack, out, n = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
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
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--depth", type=int, help="module path segments per node (default: 1, 2, 3)")
    ap.add_argument("--edges", action="store_true", help="print every edge too")
    a = ap.parse_args()
    found = 0
    for depth in [a.depth] if a.depth else [1, 2, 3]:
        found += check(depth, a.edges)
    return 1 if found else 0


def check(depth: int, print_edges: bool) -> int:
    """Prints the cycles at `depth`; returns how many."""
    found = 0
    for crate, roots in CRATES.items():
        src = ROOT / crate / "src"
        modules = {tuple(module_of(src, f)): f for f in src.rglob("*.rs")}
        known = set(modules)

        def node(path):
            # The longest known module prefix of `path`, cut to the depth.
            for k in range(len(path), 0, -1):
                if tuple(path[:k]) in known:
                    return tuple(path[:k])[: depth]
            return None

        edges, where = {}, {}
        for mod_path, f in modules.items():
            here = tuple(mod_path)[: depth]
            if not here:
                continue  # the crate root only declares and re-exports
            for line, p in use_paths(strip(f.read_text())):
                target = resolve(list(mod_path), p, roots)
                if target is None:
                    continue
                t = node(target)
                if not t or t == here or here[: len(t)] == t or t[: len(here)] == here:
                    continue
                edges.setdefault(here, set()).add(t)
                where.setdefault((here, t), f"{f.relative_to(ROOT)}:{line}")
        nodes = set(edges) | {t for ts in edges.values() for t in ts}
        if print_edges:
            for (u, v), w in sorted(where.items()):
                print(f"{crate}: {'::'.join(u)} -> {'::'.join(v)}  ({w})")
        cycles = [c for c in sccs(nodes, edges) if len(c) > 1]
        print(f"{crate}: {len(modules)} files, {len(nodes)} modules at depth {depth}, "
              f"{sum(len(v) for v in edges.values())} edges, {len(cycles)} cycle(s)")
        for c in cycles:
            found += 1
            members = set(c)
            print("  cycle: " + " <-> ".join("::".join(m) for m in sorted(members)))
            for u in sorted(members):
                for v in sorted(edges.get(u, ())):
                    if v in members:
                        print(f"    {'::'.join(u)} -> {'::'.join(v)}  ({where[(u, v)]})")
    return found


if __name__ == "__main__":
    sys.exit(main())
