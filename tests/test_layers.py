"""The layering the architecture promises: a Qt-free engine, a GUI that only calls it."""

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "reader"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_engine_never_imports_qt():
    engine = [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts and p.name != "app.py"]
    assert len(engine) > 10
    offenders = [p.name for p in engine if "PySide6" in imported_modules(p)]
    assert offenders == []


def test_the_gui_never_touches_whoosh_or_sqlite():
    gui = list((PACKAGE / "ui").rglob("*.py")) + [PACKAGE / "app.py"]
    offenders = [p.name for p in gui if imported_modules(p) & {"whoosh", "sqlite3"}]
    assert offenders == []


def test_no_module_holds_two_concepts():
    """One concept per module, engine and GUI alike: none grows much past 400 lines."""
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert len(sizes) > 40
    assert {name: n for name, n in sizes.items() if n > 420} == {}
