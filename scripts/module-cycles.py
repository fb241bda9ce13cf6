#!/usr/bin/env python3
"""Finds import circles between the modules of each crate of the workspace.

A module is a source file (`lib.rs` is the crate root, `a/mod.rs` and `a.rs`
are `a`). Every `crate::…` and `super::…` path in a file (outside its
`#[cfg(test)]` module) is an edge to the deepest module that path names.
Edges between a module and its own ancestors or descendants are left out
(a parent re-exporting its children is not a circle). Any strongly connected
group of two or more modules is printed, and the exit status is 1.

Usage: scripts/module-cycles.py [CRATE_DIR ...]   (default: every workspace crate)
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = ["app", "contract", "model", "store", "traffic", "sensor", "server", "frontend", "analysis", "maplayout"]
PATH = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
GROUP = re.compile(r"\b(crate|super)::\{([^}]*)\}")


def modules_of(src):
    mods = {}
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), src)[:-3].split(os.sep)
            if rel[-1] == "mod" or (len(rel) == 1 and rel[0] in ("lib", "main")):
                rel = rel[:-1]
            if rel and rel[0] in ("bin",):
                continue
            mods[tuple(rel)] = os.path.join(dirpath, f)
    return mods


def code_of(path):
    text = open(path, encoding="utf-8").read()
    cut = re.search(r"#\[cfg\(test\)\]\s*mod tests", text)
    text = text[: cut.start()] if cut else text
    # Comments name paths without importing them.
    return re.sub(r"//[^\n]*", "", text)


def deepest(mods, parts):
    for n in range(len(parts), -1, -1):
        if tuple(parts[:n]) in mods:
            return tuple(parts[:n])
    return ()


def edges_of(mods, me, code):
    out = set()
    targets = []
    for kind, body in GROUP.findall(code):
        for item in body.split(","):
            item = item.strip().split(" as ")[0].split("::")
            targets.append((kind, [p for p in item if p and p not in ("self", "*")]))
    for kind, rest in PATH.findall(code):
        targets.append((kind, [p for p in rest.split("::") if p]))
    for kind, parts in targets:
        if kind == "super":
            base = list(me[:-1])
            while parts and parts[0] == "super":
                base = base[:-1]
                parts = parts[1:]
            parts = base + parts
        target = deepest(mods, parts)
        related = target[: len(me)] == me or me[: len(target)] == target
        if not related:
            out.add(target)
    return out


def circles(graph):
    index, low, stack, on, result = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                result.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return result


def main():
    crates = sys.argv[1:] or CRATES
    failed = False
    for crate in crates:
        src = os.path.join(ROOT, crate, "src")
        if not os.path.isdir(src):
            continue
        mods = modules_of(src)
        graph = {m: edges_of(mods, m, code_of(p)) for m, p in mods.items()}
        for group in circles(graph):
            failed = True
            names = ", ".join("::".join(m) or "(root)" for m in group)
            print(f"{crate}: import circle between {names}")
            for m in group:
                into = sorted("::".join(t) or "(root)" for t in graph[m] if t in group)
                print(f"  {'::'.join(m) or '(root)'} uses {', '.join(into)}")
    if not failed:
        print(f"no import circles in {', '.join(crates)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
