"""The import graph of apps/ and config/, read from the source (no imports run): which module imports
which, at the top of the file or inside a function body."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    in_body: bool
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    out = {}
    for base in ("apps", "config"):
        for path in (ROOT / base).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            out[module_name(path)] = path
    return out


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def edges() -> list[Edge]:
    known = modules()
    out: list[Edge] = []
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                targets = [f"{prefix}.{alias.name}" for alias in node.names] or [prefix]
            else:
                continue
            if _under_type_checking(tree, node):
                continue  # for annotations only: no import at run time
            in_body = id(node) not in top_level
            for target in targets:
                resolved = _resolve(target, known)
                if resolved and resolved != name:
                    out.append(Edge(name, resolved, in_body, node.lineno))
    return out


def _under_type_checking(tree: ast.Module, node: ast.AST) -> bool:
    for top in tree.body:
        if (
            isinstance(top, ast.If)
            and "TYPE_CHECKING" in ast.unparse(top.test)
            and any(child is node for child in ast.walk(top))
        ):
            return True
    return False


def cycles(graph_edges: list[Edge]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    graph: dict[str, set[str]] = {}
    for edge in graph_edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "apps" and len(parts) > 1 else None


if __name__ == "__main__":
    all_edges = edges()
    print("module cycles:", len(cycles(all_edges)))
    for c in cycles(all_edges):
        print("  ", c)
    body = [e for e in all_edges if e.in_body]
    print("in-body imports of our modules:", len(body))
    app_edges = {(app_of(e.source), app_of(e.target)) for e in all_edges if app_of(e.source) and app_of(e.target)}
    app_edges = {(a, b) for a, b in app_edges if a != b}
    print("app edges:", sorted(app_edges))
