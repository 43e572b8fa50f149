"""The layering the architecture promises: a Qt-free engine in packages named for the
product's parts, importing one way only, with no circle anywhere; a GUI that only calls it."""

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "reader"

# Lowest first. A module may import its own part (package, or top-level module) and any
# part of a lower layer, nothing above: ui -> service -> notes -> search -> index ->
# library -> text, with the data folder's places and atomic writes under everything.
LAYERS = [
    {"storage"}, {"locations"}, {"text"}, {"library"}, {"index"}, {"search"}, {"notes"}, {"render"}, {"sync"}, {"service"},
    {"exchange"}, {"ui"}, {"app"}, {"cli"}, {"__main__"},
]
RANK = {part: n for n, parts in enumerate(LAYERS) for part in parts}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def product_imports(path: Path, modules: set[str]) -> set[str]:
    """The product's modules a file imports, anywhere in it (inside functions and
    TYPE_CHECKING blocks too: each is an edge that can close a circle)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from reader.index import writing` imports the module reader.index.writing
            targets = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                       for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in modules)
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: product_imports(path, set(files)) - {name} for name, path in files.items()}


def part_of(module: str) -> str:
    return module.split(".")[1] if "." in module else "reader"


def test_the_engine_never_imports_qt():
    engine = [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts and p.name != "app.py"]
    assert len(engine) > 10
    offenders = [p.name for p in engine if "PySide6" in imported_modules(p)]
    assert offenders == []


def test_the_gui_never_touches_whoosh_or_sqlite():
    gui = list((PACKAGE / "ui").rglob("*.py")) + [PACKAGE / "app.py"]
    offenders = [p.name for p in gui if imported_modules(p) & {"whoosh", "sqlite3"}]
    assert offenders == []


def test_every_part_has_its_layer_and_every_package_says_what_it_owns():
    parts = {part_of(m) for m in graph()} - {"reader"}
    assert parts == set(RANK), "a new package or top-level module needs its place in LAYERS"
    for package in (p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()):
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and "import" in docstring, f"{package.name}/__init__.py: what it owns and may import"


def test_imports_run_one_way_between_the_parts():
    upward = sorted(f"{a} -> {b}" for a, targets in graph().items() for b in targets
                    if part_of(a) != part_of(b) and part_of(b) != "reader" and RANK[part_of(b)] >= RANK[part_of(a)])
    assert upward == []


def test_no_module_imports_itself_round_in_a_circle():
    edges = graph()
    circles, done = [], set()

    def visit(node, path, on_path):
        for target in sorted(edges.get(node, ())):
            if target in on_path:
                circles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in done:
                visit(target, path + [target], on_path | {target})
        done.add(node)

    for start in sorted(edges):
        if start not in done:
            visit(start, [start], {start})
    assert circles == []


def test_no_module_holds_two_concepts():
    """One concept per module, engine and GUI alike: none grows much past 400 lines."""
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert len(sizes) > 40
    assert {name: n for name, n in sizes.items() if n > 420} == {}


def test_every_package_ships_in_a_plain_install():
    """pip install . (README's first command) puts in the wheel only the packages pyproject lists:
    the tests run on an editable install, which finds any, so a new package left out passes them."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    packages = {".".join(p.parent.relative_to(REPO).parts) for p in PACKAGE.rglob("__init__.py")}
    assert packages - listed == set()
