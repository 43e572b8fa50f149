"""A place in the desktop: the freedesktop menu entry and the icon, for this user only.

`article-reader install-desktop` writes the entry to $XDG_DATA_HOME/applications (default
~/.local/share/applications) and the icon to the hicolor theme there, where desktop menus
look for them, with Exec pointing at the command that is running now (the installed
`article-reader`, wherever its virtual environment is). `--uninstall` removes both.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from reader.cli.context import fail
from reader.locations import resource
from reader.storage import write_atomically

NAME = "article-reader"
ENTRY = """[Desktop Entry]
Type=Application
Name=Article Reader
GenericName=Article Reader
Comment=Read, search and annotate your library of articles, offline
TryExec={try_exec}
Exec={exec} open %u
Icon={name}
Terminal=false
Categories=Office;Viewer;
Keywords=articles;markdown;reader;search;notes;
MimeType=x-scheme-handler/article-reader;
"""
SCHEME = "x-scheme-handler/article-reader"  # links a notes export writes: article-reader://open?…
DEFAULTS = "[Default Applications]"


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share (the freedesktop base directory spec)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def entry_paths(home: Path | None = None) -> tuple[Path, Path]:
    """Where the menu entry and the icon go."""
    home = home or data_home()
    return (home / "applications" / f"{NAME}.desktop",
            home / "icons" / "hicolor" / "scalable" / "apps" / f"{NAME}.svg")


def command() -> str:
    """The installed command beside this Python (a virtual environment's bin), else on PATH."""
    beside = Path(sys.executable).parent / NAME
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(NAME)
    if found:
        return str(Path(found).resolve())
    raise FileNotFoundError(f"the {NAME} command is not installed beside {sys.executable} nor on PATH")


def exec_quoted(path: str) -> str:
    """A program path as the desktop entry spec wants it in Exec: quoted when it must be."""
    if not any(c in path for c in ' \t\n"\'\\><~|&;$*?#()`='):
        return path
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in path)
    # In a .desktop value a backslash is itself escaped once more.
    return '"' + escaped.replace("\\", "\\\\") + '"'


def icon_source() -> Path:
    found = resource(f"{NAME}.svg")
    if found is None:
        raise FileNotFoundError(f"the icon {NAME}.svg is missing from this installation")
    return found


def mimeapps_path() -> Path:
    """$XDG_CONFIG_HOME/mimeapps.list, else ~/.config/mimeapps.list: where a user's default
    application for each link scheme is chosen (what `xdg-mime default` writes)."""
    value = os.environ.get("XDG_CONFIG_HOME", "")
    return (Path(value) if os.path.isabs(value) else Path.home() / ".config") / "mimeapps.list"


def with_scheme(text: str, register: bool) -> str:
    """mimeapps.list with our scheme's default set (or taken away), every other line kept."""
    lines = [line for line in text.splitlines() if not line.startswith(f"{SCHEME}=")]
    if register:
        if DEFAULTS not in lines:
            lines += ([""] if lines and lines[-1].strip() else []) + [DEFAULTS]
        lines.insert(lines.index(DEFAULTS) + 1, f"{SCHEME}={NAME}.desktop")
    return "\n".join(lines) + "\n" if lines else ""


def install(home: Path | None = None) -> list[Path]:
    """Write the entry and the icon (atomically) and make the entry open article-reader://
    links; returns what was written."""
    entry, icon = entry_paths(home)
    program = command()
    text = ENTRY.format(try_exec=program, exec=exec_quoted(program), name=NAME)
    defaults = mimeapps_path()
    current = defaults.read_text(encoding="utf-8", errors="replace") if defaults.is_file() else ""
    for path, data in ((icon, icon_source().read_bytes()), (entry, text.encode("utf-8")),
                       (defaults, with_scheme(current, True).encode("utf-8"))):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
    return [entry, icon, defaults]


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove the entry and the icon; returns what was there."""
    removed = []
    for path in entry_paths(home):
        if path.exists():
            path.unlink()
            removed.append(path)
    defaults = mimeapps_path()
    if defaults.is_file():
        current = defaults.read_text(encoding="utf-8", errors="replace")
        if f"{SCHEME}=" in current:
            write_atomically(defaults, with_scheme(current, False).encode("utf-8"))
    return removed


def run_install_desktop(args) -> int:
    """The install-desktop command (--uninstall: take it away again)."""
    try:
        if args.uninstall:
            removed = uninstall()
            for path in removed:
                print(f"removed {path}")
            if not removed:
                print("nothing to remove: the menu entry was not installed")
            return 0
        for path in install():
            print(f"wrote {path}")
        return 0
    except OSError as exc:
        return fail(f"cannot {'remove' if args.uninstall else 'install'} the menu entry: {exc}")
