"""House rules checked on the source tree: no import cycles, no long files, no dead references.

* No import cycle among the ``fairdash`` modules (module-level imports, and all imports);
* no tracked ``.py``, ``.md``, ``.toml`` or ``.txt`` file over 400 lines, except the allow-list;
* no tracked file cites the team's notes outside the repository (the algorithm, design and style
  documents next to the checkout); the methods reference is ``docs/methods.md``.

Import graph
------------
Every ``.py`` file under ``fairdash/`` is a node (``pkg/__init__.py`` is ``pkg``). Its
``import fairdash...`` and ``from ... import ...`` statements, absolute or relative, are read
with ``ast`` (no module is imported) and give the edges: ``from P import name`` is an edge to the
submodule ``P.name`` when that is a file, else to ``P``; ``import P.Q`` is an edge to ``P.Q``.
The parent packages that Python initialises before a submodule are not edges: every package's
``__init__`` re-exports its private modules, and counting those would make every package a cycle.

Two graphs are checked, each must have no strongly connected component of more than one module:

* module level: the imports that run when the module is imported (top level, also under
  ``if``/``try``, but not under ``if TYPE_CHECKING:``). A cycle here makes the result depend on
  which module is imported first, and is a failure whatever else holds;
* all imports: the module-level ones plus those inside functions and methods and under
  ``TYPE_CHECKING``. An import moved into a function only postpones a cycle, it does not remove
  the dependency both ways; the house rule is "no import cycles", so these fail too. A lazy
  import that closes no cycle (the CLI loading a subpackage only for the command that needs
  it) is fine.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "fairdash"

#: Longest file, in lines, of the kinds checked.
MAX_LINES = 400
#: Extensions of the files whose length is checked.
CHECKED_SUFFIXES = (".py", ".md", ".toml", ".txt")
#: Generated outputs (git-ignored; listed in case one is ever added by force). Data files
#: (.csv, .gz, .png) are not among the checked suffixes.
GENERATED_PREFIXES = ("bench/results/", "test-results/")
#: Tracked files allowed over MAX_LINES, and why.
LONG_FILES_ALLOWED = {
    "docs/methods.md": "the methods reference: the code cites its sections by number "
                       "(docs/methods.md §N), so it stays one document",
}

#: Citations of the team's notes kept outside the repository: a document name with ".md", or
#: followed by a section number (bare, or after "section" or "§"), or a path into the sibling
#: folder that holds them. Spelled in pieces so that this file does not match itself.
NOTES = "|".join(("ALGORITHMS", "DESIGN", "STYLE"))
OUTSIDE_REFERENCE = re.compile(
    rf"\b(?:{NOTES})(?:\.md\b| +(?:section +|§ *)?\d)|\.\./" + "shared")


# --------------------------------------------------------------------------------------------
# import graph
# --------------------------------------------------------------------------------------------


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the package."""
    modules = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module):
    """``(node, module_level)`` for every import statement of a module."""
    found = []

    def visit(nodes, module_level):
        for node in nodes:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append((node, module_level))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(node.body, False)
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.body, False)
                visit(node.orelse, module_level)
            else:  # class bodies and if/try/with blocks run when the module is imported
                visit(ast.iter_child_nodes(node), module_level)

    visit(tree.body, True)
    return found


def _targets(node, name: str, is_package: bool, modules) -> set[str]:
    """The package modules one import statement of module ``name`` depends on."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    if node.level:  # relative: from the module's own package, one level up per extra dot
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[:len(base) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    if source != PACKAGE and not source.startswith(PACKAGE + "."):
        return set()
    out = set()
    for alias in node.names:
        sub = f"{source}.{alias.name}"
        if sub in modules:
            out.add(sub)
        elif source in modules:
            out.add(source)
    return out


def import_graph(module_level_only: bool):
    """``{module: {imported module: [line, ...]}}`` over the package."""
    modules = module_files()
    graph = {name: defaultdict(list) for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node, module_level in _imports(tree):
            if module_level_only and not module_level:
                continue
            for target in _targets(node, name, is_package, modules) - {name}:
                graph[name][target].append(node.lineno)
    return graph


def cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted(found)


def describe(graph, component, module_level=None) -> str:
    """The imports inside one cycle, as ``a -> b (line 3, 10)`` lines; with the module-level
    graph, the imports found only inside functions are marked."""
    members = set(component)
    lines = []
    for a in component:
        for b in sorted(set(graph[a]) & members):
            lazy = module_level is not None and b not in module_level[a]
            lines.append(f"  {a} -> {b} (line {', '.join(map(str, graph[a][b]))}"
                         f"{', inside a function' if lazy else ''})")
    return f"cycle of {len(component)} modules:\n" + "\n".join(lines)


@pytest.mark.parametrize("module_level_only", [True, False], ids=["module-level", "all-imports"])
def test_no_import_cycle(module_level_only):
    graph = import_graph(module_level_only)
    module_level = None if module_level_only else import_graph(module_level_only=True)
    found = cycles(graph)
    if found:
        pytest.fail("\n".join(describe(graph, c, module_level) for c in found), pytrace=False)


def test_the_graph_sees_relative_absolute_and_function_level_imports():
    """The graph is not vacuous: known imports of each kind are edges."""
    graph = import_graph(module_level_only=False)
    module_level = import_graph(module_level_only=True)
    # from ._sinkhorn import ... (relative) and from fairdash.metrics._distribution (absolute)
    assert "fairdash.mitigation.inprocessing._sinkhorn" in \
        graph["fairdash.mitigation.inprocessing._divergences"]
    assert "fairdash.metrics._distribution" in module_level["fairdash.metrics._regression"]
    # a package __init__ depends on the private modules it re-exports
    assert any(target.startswith("fairdash.metrics.") for target in graph["fairdash.metrics"])
    lazy = {(a, b) for a in graph for b in graph[a] if b not in module_level[a]}
    assert lazy, "no import inside a function was found"


def test_imports_resolve_relative_to_their_package():
    modules = {"fairdash", "fairdash.a", "fairdash.a.b", "fairdash.a.c", "fairdash.d"}

    def targets(code, name, is_package=False):
        return _targets(ast.parse(code).body[0], name, is_package, modules)

    assert targets("from . import c", "fairdash.a.b") == {"fairdash.a.c"}
    assert targets("from .c import x", "fairdash.a.b") == {"fairdash.a.c"}
    assert targets("from .. import d", "fairdash.a.b") == {"fairdash.d"}
    assert targets("from .b import x", "fairdash.a", is_package=True) == {"fairdash.a.b"}
    assert targets("from fairdash.a import x, c", "fairdash.d") == {"fairdash.a", "fairdash.a.c"}
    assert targets("import fairdash.a.c as m", "fairdash.d") == {"fairdash.a.c"}
    assert targets("from numpy import x", "fairdash.d") == set()


def test_cycles_finds_a_cycle_and_nothing_else():
    graph = {"a": {"b": [1]}, "b": {"c": [1]}, "c": {"a": [1]}, "d": {"a": [1]}, "e": {}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert "b -> c (line 1)" in describe(graph, ["a", "b", "c"])
    module_level = {**graph, "c": {}}
    assert "c -> a (line 1, inside a function)" in describe(graph, ["a", "b", "c"], module_level)


# --------------------------------------------------------------------------------------------
# tracked files
# --------------------------------------------------------------------------------------------


def tracked_files() -> list[str]:
    """Paths git tracks that exist in the working tree (a deletion not yet committed is gone)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [p for p in out.decode().split("\0") if p and (ROOT / p).is_file()]


def test_no_long_files():
    long = {}
    for path in tracked_files():
        if not path.endswith(CHECKED_SUFFIXES) or path.startswith(GENERATED_PREFIXES):
            continue
        with open(ROOT / path, encoding="utf-8", errors="replace") as f:
            n = sum(1 for _ in f)
        if n > MAX_LINES and path not in LONG_FILES_ALLOWED:
            long[path] = n
    if long:
        pytest.fail(f"over {MAX_LINES} lines (split them, or allow one in LONG_FILES_ALLOWED "
                    "with the reason):\n"
                    + "\n".join(f"  {p}: {n}" for p, n in sorted(long.items())), pytrace=False)


def test_allowed_long_files_exist_and_are_long():
    """An allow-list entry that no longer applies is removed, not kept."""
    files = set(tracked_files())
    for path in LONG_FILES_ALLOWED:
        assert path in files, f"{path} is allowed to be long but is not tracked"
        with open(ROOT / path, encoding="utf-8") as f:
            assert sum(1 for _ in f) > MAX_LINES, f"{path} is no longer long: remove it"


def test_no_reference_to_notes_outside_the_repository():
    hits = []
    for path in tracked_files():
        data = (ROOT / path).read_bytes()
        if b"\0" in data:
            continue  # binary
        text = data.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE_REFERENCE.search(line):
                hits.append(f"  {path}:{number}: {line.strip()[:100]}")
    if hits:
        pytest.fail(f"{len(hits)} lines cite notes outside the repository (cite "
                    "docs/methods.md or docs/architecture.md instead):\n" + "\n".join(hits),
                    pytrace=False)


def test_reference_pattern():
    algorithms, design, style = NOTES.split("|")
    cited = [f"{algorithms}.md 3.3", f"({algorithms} 9.5)", f"{design} 7",
             f"{design}.md section 6", f"{style}.md", "see ../" + "shared/x"]
    assert all(OUTSIDE_REFERENCE.search(text) for text in cited)
    not_cited = [f'"{algorithms}" not in paper', "docs/methods.md §9.5", f"{style} = {{}}",
                 "shared/data"]
    assert not any(OUTSIDE_REFERENCE.search(text) for text in not_cited)
