"""One sync: this machine's changes since the last one become a change file of its own in
the folder; the other machines' change files are read and merged, register by register, the
latest by the hybrid logical clock winning; the winners are applied to the local stores.

The local notes database stays the truth: the registers, this machine's sent changes (an
outbox) and which files were read live in it too, so applying what arrived and recording it
are one transaction, and a sync killed at any moment is finished by the next. A note's text
edited on two machines that had not seen each other's edit keeps the later text as the note
and the other as an earlier version (`note_versions`); each edit says which version it
replaced (`prev`), which is how concurrent edits are told from successive ones."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from reader.notes.reading import ReadingState
from reader.notes.store import NotesStore
from reader.search.saved_searches import SavedSearches
from reader.sync import registers as regs
from reader.sync.clock import Clock
from reader.sync.folder import Change, FileSeen, SyncFolder

COMPACT_AFTER_FILES = 16  # this machine's change files before they are folded into one
_NOTE_KEYS = ("note:", "text:", "trash:", "color:")


@dataclass
class SyncReport:
    folder: str
    sent: int = 0
    received: int = 0
    conflicts: int = 0
    seconds: float = 0.0
    articles: set[str] = field(default_factory=set)  # whose notes or tags changed here (to re-index)
    reading: bool = False  # read marks or positions changed here
    searches: bool = False

    def json(self) -> dict:
        return {"folder": self.folder, "sent": self.sent, "received": self.received, "conflicts": self.conflicts,
                "seconds": round(self.seconds, 3)}


class Syncer:
    def __init__(self, store: NotesStore, library: str, reading: ReadingState, searches: SavedSearches):
        self.store = store
        self.db = store.db
        self.library = library
        self.reading = reading
        self.searches = searches

    # ------------------------------------------------------------ settings

    def meta(self, name: str, library: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM sync_meta WHERE library=? AND name=?",
                              (self.library if library is None else library, name)).fetchone()
        return row[0] if row else None

    def _set_meta(self, name: str, value: str | None, library: str | None = None) -> None:
        lib = self.library if library is None else library
        if value is None:
            self.db.execute("DELETE FROM sync_meta WHERE library=? AND name=?", (lib, name))
        else:
            self.db.execute("INSERT OR REPLACE INTO sync_meta VALUES (?,?,?)", (lib, name, value))

    @property
    def machine(self) -> str:
        """This data folder's machine id, made once."""
        found = self.meta("machine", library="")
        if found is None:
            with self.store._writing():
                self._set_meta("machine", secrets.token_hex(8), library="")
            found = self.meta("machine", library="")
        return found

    @property
    def folder(self) -> Path | None:
        found = self.meta("folder")
        return Path(found) if found else None

    def set_folder(self, folder: Path | None) -> None:
        with self.store._writing():
            self._set_meta("folder", str(folder) if folder else None)

    # ------------------------------------------------------------ one sync

    def sync(self) -> SyncReport:
        started = time.perf_counter()
        folder = SyncFolder(self.folder, self.machine)
        folder.check()
        report = SyncReport(str(folder.path))
        local = self._local_stamp()
        if local == self.meta("local") and self._nothing_arrived(folder):
            report.seconds = time.perf_counter() - started
            return report  # nothing changed here since the last sync, nothing new there
        clock = Clock(folder.machine, self.meta("clock") or "")
        registered = self._registers()
        outgoing = self._outgoing(registered, clock)
        incoming, read_files = self._incoming(folder)
        winners, versions = self._merge(registered, outgoing, incoming, clock, report)
        self._apply_files(winners, report)
        with self.store._writing():
            self._record(outgoing, winners, versions, read_files, clock)
            report.articles |= self._apply_db(winners, registered)
            # What was compared is what is here now only if nothing was applied and nobody wrote
            # meanwhile; else the next sync compares again (and then remembers).
            quiet = not (report.received or report.reading or report.searches or report.articles)
            self._set_meta("local", local if quiet and self._local_stamp() == local else None)
        report.sent = len(outgoing)
        self._write_outbox(folder)
        report.seconds = time.perf_counter() - started
        return report

    def _local_stamp(self) -> str:
        """What says whether anything syncable changed here: the notes database's change count
        (triggers on notes and tags), and the reading state's and saved searches' files."""
        count = self.db.execute("SELECT n FROM sync_changes").fetchone()[0]
        files = []
        for path in (self.reading.path, self.searches.path):
            try:
                st = path.stat()
                files.append(f"{st.st_mtime_ns}:{st.st_size}")
            except OSError:
                files.append("-")
        return "|".join([str(count), *files])

    def _nothing_arrived(self, folder: SyncFolder) -> bool:
        """No other machine's file is new or changed, this machine's are as written, and none of
        its changes waits to be written."""
        done = self._files_read()
        if any(not _as_read(f, done) for f in folder.others()):
            return False
        own, recorded = folder.own_files(), self._own_recorded(folder, done)
        if set(own) != set(recorded) or _damaged(own, recorded):
            return False
        return self.db.execute("SELECT 1 FROM sync_outbox WHERE library=? AND file IS NULL LIMIT 1",
                               (self.library,)).fetchone() is None

    def _files_read(self) -> dict[str, tuple[int, int]]:
        """The folder's files read whole (this machine's: written), by path: (size, mtime)."""
        return {path: (size, mtime) for path, size, mtime in self.db.execute(
            "SELECT path, size, mtime_ns FROM sync_files WHERE library=?", (self.library,))}

    @staticmethod
    def _own_recorded(folder: SyncFolder, done: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        return {p: seen for p, seen in done.items() if p.startswith(f"{folder.machine}/")}

    def _registers(self) -> dict[str, tuple[object, str]]:
        return {key: (json.loads(value), hlc) for key, value, hlc in self.db.execute(
            "SELECT key, value, hlc FROM sync_registers WHERE library=?", (self.library,))}

    def _outgoing(self, registered: dict, clock: Clock) -> list[Change]:
        """This machine's changes since the last sync, each timed by when it was made where the
        stores say (a note's edit, deletion, a tag), and after what was registered for its key."""
        with self.store._writing():  # notes made before sync was set up get their origin
            self.db.execute("UPDATE notes SET origin=?, origin_seq=id WHERE library=? AND origin=''",
                            (clock.machine, self.library))
        local = regs.local_values(self.store, self.library, self.reading, self.searches)
        changes = []
        for key, value in local.items():
            before = registered.get(key)
            if key.startswith("note:"):
                if before is None:
                    changes.append((key, value, value["created"], ""))
                continue
            if before is not None and regs.same(key, value, before[0]):
                continue
            if key == "searches" and before is None and not self.searches.path.exists():
                continue  # the built-in list, never chosen here: not a change to send
            if key.startswith("text:"):
                value = dict(value, prev=before[1] if before else "")
            changes.append((key, value, self._made_at(key, value), before[1] if before else ""))
        for key, (value, hlc) in registered.items():
            if key not in local and not key.startswith(_NOTE_KEYS) and key != "searches":
                gone = regs.absent_value(key)
                if gone is not ... and not regs.same(key, gone, value):
                    changes.append((key, gone, "", hlc))
        return [Change(_stamp(clock, when, after), key, value) for key, value, when, after in changes]

    def _made_at(self, key: str, value) -> str:
        """When a change was made, where the stores keep it: a note's edit or deletion, a tag;
        the saved searches' and the reading state's files by when they were written."""
        if key.startswith("text:"):
            return str(value.get("updated") or "")
        if key.startswith("trash:"):
            return str(value or "")
        if key.startswith("tag:") and isinstance(value, dict):
            return str(value.get("created") or "")
        path = self.searches.path if key == "searches" else self.reading.path
        try:
            return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).isoformat()
        except OSError:
            return ""

    def _incoming(self, folder: SyncFolder) -> tuple[list[Change], list[FileSeen]]:
        done = self._files_read()
        incoming, read_whole = [], []
        for seen in folder.others():
            if _as_read(seen, done):
                continue
            changes, whole = folder.read(seen)
            incoming.extend(changes)
            if whole:
                read_whole.append(seen)
        return incoming, read_whole

    def _merge(self, registered: dict, outgoing: list[Change], incoming: list[Change], clock: Clock,
               report: SyncReport) -> tuple[dict[str, tuple[object, str]], list[tuple[str, str, str]]]:
        """The registers that change (this machine's changes, then what arrived, in time
        order), and the texts kept as earlier versions."""
        current = dict(registered)
        winners: dict[str, tuple[object, str]] = {}
        for change in outgoing:
            current[change.key] = winners[change.key] = (change.value, change.hlc)
        versions = []
        for change in sorted(incoming, key=lambda c: c.hlc):
            clock.saw(change.hlc)
            before = current.get(change.key)
            if before is not None and change.hlc <= before[1]:
                if (change.hlc < before[1] and change.key.startswith("text:")
                        and _concurrent(change.value, change.hlc, before[0])):
                    versions.append(_version(change.key, change.value))
                    report.conflicts += 1
                continue
            if before is not None and change.key.startswith("text:") and _concurrent(*before, change.value):
                versions.append(_version(change.key, before[0]))
                report.conflicts += 1
            current[change.key] = winners[change.key] = (change.value, change.hlc)
            report.received += 1
        return winners, [v for v in versions if v is not None]

    def _apply_files(self, winners: dict, report: SyncReport) -> None:
        """Read marks, positions and saved searches that arrived, written before the registers
        are: a sync killed between the two sends them back once, the same values."""
        reading = {k: v for k, (v, _) in winners.items() if k.startswith(("read:", "pos:"))}
        reading = {k: v for k, v in reading.items() if not _is_own(k, v, self.reading)}
        if reading:
            regs.apply_reading(self.reading, reading)
            report.reading = True
        if "searches" in winners:
            value = winners["searches"][0]
            if regs.canonical(value) != regs.canonical(regs.searches_value(self.searches)):
                regs.apply_searches(self.searches, value)
                report.searches = True

    def _record(self, outgoing: list[Change], winners: dict, versions: list, read_files: list[FileSeen],
                clock: Clock) -> None:
        self.db.executemany("INSERT OR REPLACE INTO sync_registers VALUES (?,?,?,?)",
                            [(self.library, key, regs.canonical(value), hlc) for key, (value, hlc) in winners.items()])
        self.db.executemany("INSERT OR IGNORE INTO sync_outbox VALUES (?,?,?,?,NULL)",
                            [(self.library, c.hlc, c.key, regs.canonical(c.value)) for c in outgoing])
        self.db.executemany("INSERT OR IGNORE INTO note_versions VALUES (?,?,?)", versions)
        self.db.executemany("INSERT OR REPLACE INTO sync_files VALUES (?,?,?,?)",
                            [(self.library, f.path, f.size, f.mtime_ns) for f in read_files])
        self._set_meta("clock", clock.stamp())

    def _apply_db(self, winners: dict, registered: dict) -> set[str]:
        current = dict(registered)
        current.update(winners)
        uids = {k.split(":", 1)[1] for k in winners if k.startswith(_NOTE_KEYS)}
        # A note registered but not here (a database restored from an older backup): back it comes.
        here = {uid for (uid,) in self.db.execute("SELECT uid FROM notes")}
        uids |= {k[len("note:"):] for k in registered if k.startswith("note:")} - here
        changed = regs.apply_notes(self.store, self.library, uids, current)
        tags = {k: v for k, (v, _) in winners.items() if k.startswith("tag:")}
        return changed | regs.apply_tags(self.store, self.library, tags)

    # ------------------------------------------------------------ this machine's files

    def _write_outbox(self, folder: SyncFolder) -> None:
        """Write the changes not yet in a file; fold this machine's files into one when there
        are many, or when one was lost or replaced by an older copy (the outbox has them all)."""
        on_disk = folder.own_files()
        damaged = _damaged(on_disk, self._own_recorded(folder, self._files_read()))
        pending = self._outbox("file IS NULL")
        if damaged or len(on_disk) + bool(pending) > COMPACT_AFTER_FILES:
            self._compact(folder, on_disk)
        elif pending:
            self._write(folder, pending, self._new_name(folder, "jsonl"))

    def _new_name(self, folder: SyncFolder, suffix: str) -> str:
        """A file name this machine has never used: the clock's next time (it only goes forward,
        and past every file already there)."""
        clock = Clock(folder.machine, self.meta("clock") or "")
        for path in folder.own_files():
            clock.saw(path.split("/", 1)[1])  # '<time>.<machine>.jsonl': its time is read, the rest ignored
        name = f"{clock.now()}.{suffix}"
        with self.store._writing():
            self._set_meta("clock", clock.stamp())
        return name

    def _outbox(self, where: str) -> list[Change]:
        return [Change(hlc, key, json.loads(value)) for hlc, key, value in self.db.execute(
            f"SELECT hlc, key, value FROM sync_outbox WHERE library=? AND {where} ORDER BY hlc, key", (self.library,))]

    def _write(self, folder: SyncFolder, changes: list[Change], name: str) -> None:
        seen = folder.write(name, changes)
        with self.store._writing():
            self.db.executemany("UPDATE sync_outbox SET file=? WHERE library=? AND hlc=? AND key=?",
                                [(name, self.library, c.hlc, c.key) for c in changes])
            self.db.execute("INSERT OR REPLACE INTO sync_files VALUES (?,?,?,?)",
                            (self.library, seen.path, seen.size, seen.mtime_ns))

    def _compact(self, folder: SyncFolder, on_disk: dict[str, FileSeen]) -> None:
        """One file with this machine's latest change of every key (what a machine that has
        read none of the others needs), written before the older ones are removed: a machine
        reading meanwhile finds every change in one or the other."""
        with self.store._writing():
            self.db.execute("DELETE FROM sync_outbox WHERE library=? AND (key, hlc) NOT IN "
                            "(SELECT key, max(hlc) FROM sync_outbox WHERE library=? GROUP BY key)",
                            (self.library, self.library))
        latest = self._outbox("1=1")
        if not latest:
            return
        name = self._new_name(folder, "all.jsonl")
        self._write(folder, latest, name)
        old = [p for p in on_disk if p != f"{folder.machine}/{name}"]
        folder.remove_own(old)
        with self.store._writing():
            self.db.executemany("DELETE FROM sync_files WHERE library=? AND path=?", [(self.library, p) for p in old])


def _stamp(clock: Clock, when: str, after: str) -> str:
    """A time for a change made at `when` (ISO; '' for now), after `after` (the time
    registered for its key: what this machine had seen of it). A change and its key are
    its identity, so two keys may share a time."""
    wall = _milliseconds(when)
    return clock.at(wall, after) if wall else clock.now()


def _milliseconds(when: str) -> int:
    if not when:
        return 0
    try:
        return int(dt.datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return 0


def _concurrent(older_value, older_hlc: str, newer_value) -> bool:
    """Whether the newer text change was made without having seen the older (its `prev` is
    not the older one's time): two machines edited the note at once."""
    if not isinstance(newer_value, dict) or not isinstance(older_value, dict):
        return False
    return newer_value.get("prev") != older_hlc and newer_value.get("text") != older_value.get("text")


def _as_read(seen: FileSeen, done: dict[str, tuple[int, int]]) -> bool:
    """Whether a file is as it was when it was last read whole (or written)."""
    return done.get(seen.path) == (seen.size, seen.mtime_ns)


def _damaged(on_disk: dict[str, FileSeen], recorded: dict[str, tuple[int, int]]) -> bool:
    """Whether a file this machine wrote is gone or not as it wrote it (an older copy, cut short)."""
    return any(path not in on_disk or not _as_read(on_disk[path], recorded) for path in recorded)


def _version(key: str, value) -> tuple[str, str, str] | None:
    if not isinstance(value, dict) or not str(value.get("text") or "").strip():
        return None
    return (key[len("text:"):], str(value["text"]), str(value.get("updated") or ""))


def _is_own(key: str, value, reading: ReadingState) -> bool:
    article = key.split(":", 1)[1]
    if key.startswith("read:"):
        return (article in reading.read) == bool(value)
    return reading.positions.get(article) == value
