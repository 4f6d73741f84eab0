"""The shape of the code, as a new engineer meets it: lines per technique folder, the longest functions
in ``studio/``, imports inside functions, import circles between the studio's modules, the core names the
GAN and cGAN tabs import, the lines of the class core that name a technique's poll, and the flat modules
of ``studio/`` and ``studio/ui/`` (issue 52's measures).

    python benchmarks/code_shape.py [--longest 10]

Reads the source as text (``ast``); imports nothing of the studio. Import circles are the strongly
connected groups of the graph of ``studio`` modules importing each other, at module level or inside a
function (both close a circle when they run). Duplicates are counted by the ``duplicates`` tool, not
here.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "studio"


def module_name(path: Path) -> str:
    """``studio/techniques/gan/tab.py`` -> ``studio.techniques.gan.tab`` (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, tuple[Path, ast.Module]]:
    """Every module of ``studio/``, parsed."""
    return {module_name(p): (p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(PACKAGE.rglob("*.py"))}


def functions(tree: ast.Module):
    """(qualified name, first line, lines) of every function and method, nested ones included."""
    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield f"{prefix}{child.name}", child.lineno, child.end_lineno - child.lineno + 1
                yield from walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)
    yield from walk(tree, "")


def imported_modules(tree: ast.Module, name: str, known: set[str]):
    """(module imported, inside a function?) for every import of a studio module in ``tree``."""
    package = name if (PACKAGE / Path(*name.split(".")[1:]) / "__init__.py").exists() else name.rpartition(".")[0]

    def walk(node, inside):
        for child in ast.iter_child_nodes(node):
            nested = inside or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, inside
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in child.names:  # ``from studio.media import plots`` imports the module studio.media.plots
                    yield (f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base), inside
            yield from walk(child, nested)
    yield from walk(tree, False)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def core_names_imported(tree: ast.Module, own_package: str) -> set[str]:
    """The names a module imports from ``studio`` modules outside its own technique's folder."""
    return {f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and node.module and node.module.startswith("studio") and not node.module.startswith(own_package)
            for alias in node.names}


def core_modules_of(names: set[str], known: set[str]) -> set[str]:
    """The modules behind ``core_names_imported``: a name that is itself a module (``studio.ui.kit.exports``)
    is that module, any other is the module it is imported from."""
    return {name if name in known else name.rsplit(".", 1)[0] for name in names}


def poll_naming_lines(modules: dict) -> list[str]:
    """``path:line`` of every line in ``studio/classroom`` and ``studio/ui`` that names a declared class poll
    (as a string), other than the poll's own declaration (``ClassPoll("NAME", ...)``)."""
    declared = {node.args[0].value for _, tree in modules.values() for node in ast.walk(tree)
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ClassPoll"
                and node.args and isinstance(node.args[0], ast.Constant)}
    found = []
    for name, (path, tree) in modules.items():
        if not name.startswith(("studio.classroom", "studio.ui")):
            continue
        declarations = {node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
                        and getattr(node.func, "id", None) == "ClassPoll"}
        found += [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and node.value in declared and node.lineno not in declarations]
    return sorted(set(found))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--longest", type=int, default=10)
    args = parser.parse_args(argv)
    modules = sources()
    known = set(modules)

    print("lines per technique folder (Python and texts):")
    folders = sorted(p for p in (PACKAGE / "techniques").iterdir() if p.is_dir() and p.name != "__pycache__")
    for folder in folders:
        files = [f for f in folder.rglob("*") if f.suffix in (".py", ".toml")]
        print(f"  {folder.name:12} {sum(len(f.read_text(encoding='utf-8').splitlines()) for f in files):5d} "
              f"lines in {len(files)} files")

    every = [(lines, f"{module}:{name}", line) for module, (path, tree) in modules.items()
             for name, line, lines in functions(tree)]
    every.sort(reverse=True)
    print(f"the {args.longest} longest functions in studio/:")
    for lines, name, line in every[: args.longest]:
        print(f"  {lines:4d} lines  {name} (line {line})")
    tabs = [(lines, name) for lines, name, _ in every if name.endswith(".tab:create_tab")]

    graph: dict[str, set[str]] = {}
    inside = 0
    for name, (_, tree) in modules.items():
        for target, in_function in imported_modules(tree, name, known):
            inside += in_function and target in known
            if target in known and target != name:
                graph.setdefault(name, set()).add(target)
    # Imports of any module inside functions, not only the studio's.
    inside_all = len({id(node) for _, tree in modules.values()
                      for function in ast.walk(tree) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
                      for node in ast.walk(function) if isinstance(node, (ast.Import, ast.ImportFrom))})
    found = circles(graph)
    print(f"imports inside functions: {inside_all} (of them, names from studio's own modules: {inside})")
    print(f"import circles: {len(found)}")
    for group in found:
        print("  " + " <-> ".join(group))
    longest_tab = max(tabs)[0] if tabs else 0
    imported = {tab: core_names_imported(modules[f"studio.techniques.{tab}.tab"][1], f"studio.techniques.{tab}")
                for tab in ("gan", "cgan")}
    core_names = {tab: len(names) for tab, names in imported.items()}
    core_modules = {tab: len(core_modules_of(names, known)) for tab, names in imported.items()}
    print(f"core names imported by the GAN tab: {core_names['gan']}, by the cGAN tab: {core_names['cgan']} "
          f"(from {core_modules['gan']} and {core_modules['cgan']} core modules)")
    for tab, names in imported.items():
        print(f"  {tab}: " + ", ".join(sorted(name.removeprefix("studio.") for name in names)))
    naming = poll_naming_lines(modules)
    print(f"lines in studio/classroom and studio/ui that name a poll: {len(naming)}")
    for where in naming:
        print("  " + where)
    flat = {folder: len(list((PACKAGE / folder).glob("*.py"))) for folder in ("", "ui")}
    print(f"flat modules: {flat['']} in studio/, {flat['ui']} in studio/ui/")
    print(f"summary: longest_function={every[0][0]} functions_over_80={sum(1 for l, _, _ in every if l > 80)} "
          f"longest_create_tab={longest_tab} imports_inside_functions={inside_all} import_circles={len(found)} "
          f"gan_tab_core_names={core_names['gan']} cgan_tab_core_names={core_names['cgan']} "
          f"gan_tab_core_modules={core_modules['gan']} cgan_tab_core_modules={core_modules['cgan']} "
          f"poll_naming_lines={len(naming)} flat_studio={flat['']} flat_ui={flat['ui']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
