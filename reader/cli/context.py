"""What every `article-reader` command shares: the chosen library and data folder,
the engine opened on them, and the one kind of failure a command reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader.locations import LibraryError, choose_library, data_dir, library_root

# The engine is imported when a command opens it: `sync` shares this module's PROG and fail
# and must not pay for the index (reader.cli.syncing).
if TYPE_CHECKING:
    from reader.index.writing import IndexReport
    from reader.notes.store import NotesStore
    from reader.search.searching import LibraryIndex

PROG = "article-reader"


class CommandError(Exception):
    """A failure to report as one line on stderr, exit status 1."""


def positive_int(text: str) -> int:
    """An argparse type: a whole number from 1 up."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class Context:
    """The chosen library and data directory, and the engine opened on them."""

    def __init__(self, args: argparse.Namespace):
        self.data = data_dir(args.data_dir)
        chosen = choose_library(getattr(args, "gui_library", None) or args.library, self.data)
        try:
            self.root = library_root(chosen)
        except LibraryError as exc:
            raise CommandError(str(exc)) from None
        from reader.service import ReaderService

        self.service = ReaderService(self.root, self.data)
        self._told_damage = False

    @property
    def notes(self) -> NotesStore:
        notes = self.service.notes
        if notes.damage_message() and not self._told_damage:
            self._told_damage = True
            print(f"{PROG}: {notes.damage_message()}", file=sys.stderr)
        return notes

    def index(self) -> LibraryIndex:
        return self.service.index

    def update(self, rebuild: bool = False, progress=None) -> IndexReport:
        from reader.index.index import IndexBusy

        self.notes  # noqa: B018 - opens the store first, so damage is reported before indexing
        try:
            return self.service.update(rebuild=rebuild, progress=progress)
        except IndexBusy as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"cannot write the index in {self.data}: {exc.strerror or exc}") from None

    def article_id(self, given: str) -> str:
        """The id of an article given by its id or by a path to its file (relative or
        absolute) inside the library."""
        candidate = Path(given).expanduser()
        if candidate.is_absolute() or candidate.exists():
            try:
                return candidate.resolve().relative_to(self.root).as_posix()
            except ValueError:
                pass
        return given.strip("/").removeprefix("./")

    def known_article(self, given: str) -> str:
        """The id of an article that is in the library now (the index brought up to date)."""
        self.update()
        article_id = self.article_id(given)
        if self.service.article(article_id) is None:
            raise CommandError(f"no article {given!r} in the library {self.root}")
        return article_id

    def close(self) -> None:
        self.service.close()


def fail(message: str) -> int:
    """Say why a command failed, in one line on stderr; its exit status (1)."""
    print(f"{PROG}: {' '.join(message.split())}", file=sys.stderr)
    return 1
