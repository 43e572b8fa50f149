import os

# Before any QApplication exists: pytest-qt creates it lazily in the qapp fixture.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "library"
CORPORA = REPO.parent / "shared" / "corpora"

# A short article to highlight, then edit: one sentence to keep, one to reword, one to delete.
FLOOD_STORY = """---
title: The Flood Barrier
date: 2025-03-01
---
The council met on Tuesday to discuss the new flood barrier. Residents asked for details.

The barrier will be built along the eastern quay and should be finished by 2027. It will cost
about forty million euros, most of it from the national government.

Critics say the money would be better spent on drainage. The mayor disagreed strongly.
"""


def write(root: Path, rel: str, text: str | bytes, dedent: bool = True) -> Path:
    """Write one article file below root; str is dedented and UTF-8 encoded."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = (textwrap.dedent(text).lstrip("\n") if dedent else text).encode("utf-8")
    path.write_bytes(text)
    return path


@pytest.fixture
def library(tmp_path) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    return root


@pytest.fixture
def data(tmp_path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A writable copy of the bundled sample library."""
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture
def window(qtbot, sample_copy, data):
    """The real window on a copy of the sample library, its list filled and indexed."""
    from qt_helpers import SAMPLE_ROWS, open_window

    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    yield w
    w.close()


def _entry_point() -> str:
    candidate = Path(sys.executable).parent / "article-reader"
    found = str(candidate) if candidate.exists() else shutil.which("article-reader")
    if not found:
        pytest.fail("the article-reader entry point is not installed (pip install -e '.[test]')")
    return found


class Cli:
    """Runs the installed `article-reader` in a subprocess, as a user or script would."""

    def __init__(self, data: Path, home: Path):
        self.exe = _entry_point()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLE_READER")}
        self.env.update(ARTICLE_READER_DATA=str(data), HOME=str(home), NO_COLOR="1", PYTHONWARNINGS="error::DeprecationWarning:reader")

    def __call__(self, *args: str, input: str | None = None, check: int | None = 0, timeout: float = 180):
        proc = subprocess.run([self.exe, *map(str, args)], input=input, capture_output=True, text=True,
                              env=self.env, timeout=timeout)
        assert "Traceback" not in proc.stderr, proc.stderr
        if check is not None:
            assert proc.returncode == check, f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
        return proc

    def json(self, *args: str, **kwargs):
        return json.loads(self(*args, **kwargs).stdout)


@pytest.fixture
def cli(data, tmp_path) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    return Cli(data, home)


class SmallDisk:
    """A real, tiny file system (tmpfs) that tests fill up or make read-only, so a save
    meets the same ENOSPC / EROFS the kernel gives on a full or read-only disk."""

    def __init__(self, path: Path):
        self.path = path
        self.filler = path / "filler"

    def fill(self) -> None:
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (1 << 20, 1 << 12, 1):
                while True:
                    try:
                        os.write(fd, b"\0" * size)
                    except OSError:
                        break
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink()

    def read_only(self) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)

    def writable(self) -> None:
        subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0755", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:  # needs root (CI runs as root); say so rather than pass
        pytest.skip(f"cannot mount a small file system here: {made.stderr.strip()}")
    yield SmallDisk(mount)
    subprocess.run(["umount", "-l", str(mount)], check=False)
