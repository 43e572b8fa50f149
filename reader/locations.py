"""Where things live: the data directory, the chosen library, the bundled sample.

Only the data directory is ever written to; the library is the user's.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import platformdirs

from reader.storage import write_atomically

APP_NAME = "article-reader"
DATA_ENV = "ARTICLE_READER_DATA"
LIBRARY_ENV = "ARTICLE_READER_LIBRARY"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--data-dir, else $ARTICLE_READER_DATA, else the platform's user data dir."""
    chosen = explicit or os.environ.get(DATA_ENV) or platformdirs.user_data_dir(APP_NAME, appauthor=False)
    return Path(chosen).expanduser().absolute()


def sample_library() -> Path:
    """The bundled sample: reader/sample_library when installed, library/ in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "sample_library"
    return installed if installed.is_dir() else here.parent / "library"


def resource(name: str) -> Path | None:
    """A file of resources/ (the icon, the style sheet): inside the installed package, or
    beside it in a checkout; None when this installation lacks it."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources" / name, here.parent / "resources" / name):
        if candidate.is_file():
            return candidate
    return None


def _settings_path(data: Path) -> Path:
    return data / "settings.json"


def load_settings(data: Path) -> dict:
    try:
        value = json.loads(_settings_path(data).read_text(encoding="utf-8"))
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}


def save_settings(data: Path, settings: dict) -> None:
    data.mkdir(parents=True, exist_ok=True)
    write_atomically(_settings_path(data), json.dumps(settings, indent=2, ensure_ascii=False).encode("utf-8"))


def choose_library(explicit: str | os.PathLike | None, data: Path) -> Path:
    """--library, else $ARTICLE_READER_LIBRARY, else the last one used, else the sample."""
    chosen = explicit or os.environ.get(LIBRARY_ENV) or load_settings(data).get("last_library")
    if chosen and (explicit or os.environ.get(LIBRARY_ENV) or Path(chosen).is_dir()):
        return Path(chosen).expanduser().absolute()
    return sample_library()


def remember_library(data: Path, root: Path) -> None:
    settings = load_settings(data)
    if settings.get("last_library") != str(root):
        settings["last_library"] = str(root)
        try:
            save_settings(data, settings)
        except OSError:
            pass  # remembering is a convenience; a read-only data dir must not stop a search


def library_key(root: Path) -> str:
    return hashlib.sha1(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]


class LibraryError(Exception):
    """The library as a whole cannot be used (missing, not a folder, unreadable)."""


def library_root(path: str | os.PathLike) -> Path:
    """The library's resolved root; raises LibraryError if it cannot be used."""
    root = Path(path).expanduser()
    try:
        resolved = root.resolve(strict=True)
    except (OSError, RuntimeError):
        raise LibraryError(f"library not found: {root}") from None
    if not resolved.is_dir():
        raise LibraryError(f"library is not a folder: {root}")
    if not os.access(resolved, os.R_OK | os.X_OK):
        raise LibraryError(f"library is not readable: {root}")
    return resolved


def library_state_dir(data: Path, root: Path) -> Path:
    """The per-library cache folder, so several libraries share one data dir unmixed."""
    return data / "libraries" / library_key(root)
