"""The sync folder as this machine sees it: a folder of its own per machine
(`<folder>/<machine id>/`), which only that machine writes, holding change files — JSON
Lines, one change a line, each file written whole under a temporary name and renamed, never
appended to or rewritten. Reading another machine's files expects what sync tools do: files
late, out of order, cut short (a last line without its end is left for next time),
duplicated (`*.sync-conflict-*`, `* (conflicted copy …)`, `*~`: read like any other, since
every change is known by its time and applied once), or replaced by an older copy (what was
applied stays applied)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from reader.storage import write_atomically

SUFFIX = ".jsonl"
MACHINE_ID = re.compile(r"^[0-9a-f]{16}$")
MAX_FILE_BYTES = 256 * 2**20


class FolderMissing(Exception):
    """The sync folder is not there (an unmounted drive, a sync tool not yet set up)."""


@dataclass(frozen=True)
class Change:
    hlc: str  # when, by the hybrid logical clock; also the change's identity
    key: str  # what: note:<uid>, text:<uid>, trash:<uid>, color:<uid>, tag:<article>\t<key>, …
    value: object  # its new value (JSON)

    def line(self) -> str:
        return json.dumps({"hlc": self.hlc, "key": self.key, "value": self.value}, ensure_ascii=False,
                          sort_keys=True, separators=(",", ":")) + "\n"


@dataclass(frozen=True)
class FileSeen:
    path: str  # relative to the sync folder
    size: int
    mtime_ns: int


class SyncFolder:
    def __init__(self, path: Path, machine: str):
        self.path = Path(path)
        self.machine = machine

    def check(self) -> None:
        if not self.path.is_dir():
            raise FolderMissing(f"the sync folder {self.path} is not there (an unmounted drive?); "
                                "notes are kept here and sent when it is back")

    @property
    def own(self) -> Path:
        return self.path / self.machine

    def write(self, name: str, changes: list[Change]) -> FileSeen:
        """A new change file of this machine's, written whole (never over another)."""
        self.own.mkdir(exist_ok=True)  # inside a folder that exists: never the folder itself
        target = self.own / name
        write_atomically(target, "".join(c.line() for c in changes).encode("utf-8"))
        st = target.stat()
        return FileSeen(f"{self.machine}/{name}", st.st_size, st.st_mtime_ns)

    def own_files(self) -> dict[str, FileSeen]:
        return {f.path: f for f in self._files(self.own)}

    def remove_own(self, paths: list[str]) -> None:
        for path in paths:
            try:
                (self.path / path).unlink()
            except OSError:
                pass  # gone already, or the sync tool holds it: it only repeats changes

    def others(self) -> list[FileSeen]:
        """Every change file of the other machines, in a stable order."""
        found = []
        for entry in sorted(self._dirs()):
            if entry.name != self.machine:
                found.extend(self._files(entry))
        return found

    def _dirs(self):
        try:
            return [e for e in self.path.iterdir() if MACHINE_ID.match(e.name) and e.is_dir()]
        except OSError:
            return []

    def _files(self, folder: Path) -> list[FileSeen]:
        found = []
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return []
        for entry in entries:
            if entry.name.startswith(".") or SUFFIX not in entry.name:
                continue  # a file being written under its temporary name, or not ours
            try:
                st = entry.stat()
            except OSError:
                continue
            if entry.is_file() and st.st_size <= MAX_FILE_BYTES:
                found.append(FileSeen(f"{folder.name}/{entry.name}", st.st_size, st.st_mtime_ns))
        return found

    def read(self, seen: FileSeen) -> tuple[list[Change], bool]:
        """The changes of a file, and whether it was read whole (a last line cut short, or a
        line that is not a change, leaves it to be read again when it changes)."""
        try:
            data = (self.path / seen.path).read_bytes()
        except OSError:
            return [], False
        changes, whole = [], True
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                changes.append(Change(str(item["hlc"]), str(item["key"]), item.get("value")))
            except (ValueError, TypeError, KeyError):
                whole = False
        return changes, whole and data.endswith(b"\n")
