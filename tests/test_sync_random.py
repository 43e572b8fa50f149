"""Seeded random runs of two or three machines making, editing, deleting and restoring notes
(and tagging and reading) while a simulated sync tool delivers their files late, cut short,
duplicated as conflict copies, out of order, or as an older copy, and passes compaction's
deletions on before the file that replaces them: after a full exchange every machine shows the
same notes in the same order, and no note any machine made is missing."""

import random
import shutil
from pathlib import Path

import pytest

from reader.notes.anchoring import Quote
from reader.notes.reading import ReadingState
from reader.notes.store import NotesStore
from reader.search.saved_searches import SavedSearches
from reader.sync.syncing import Syncer

ARTICLES = ["a.md", "news/b.md", "news/c.md"]


class Machine:
    def __init__(self, base: Path, name: str):
        self.name = name
        self.data = base / f"data-{name}"
        self.view = base / f"folder-{name}"  # the sync folder as this machine's disk has it
        self.view.mkdir(parents=True)
        self.library = f"/home/{name}/Library"  # the library's path differs between machines
        self.store = NotesStore.open(self.data)
        self.syncer = Syncer(self.store, self.library, ReadingState(self.data / "reading.json"),
                             SavedSearches(self.data))
        self.syncer.set_folder(self.view)
        self.made: set[str] = set()

    def notes(self):
        return [(n.uid, n.article, n.text, n.deleted, n.color, n.quote.exact if n.quote else None)
                for n in self.store.notes(self.library) + self.store.notes(self.library, trash=True)
                if n.deleted is None] + [(n.uid, n.deleted) for n in self.store.notes(self.library, trash=True)]

    def act(self, rng: random.Random) -> None:
        mine = self.store.notes(self.library) + self.store.notes(self.library, trash=True)
        roll = rng.random()
        if roll < 0.35 or not mine:
            article = rng.choice(ARTICLES)
            if rng.random() < 0.3:
                note = self.store.add(self.library, article, "h", article, rng.choice(["", "why?"]),
                                      Quote(f"passage {rng.randint(1, 3)}"))
            else:
                note = self.store.add(self.library, article, "h", article, f"{self.name} says {rng.random():.6f}")
            self.made.add(note.uid)
        elif roll < 0.65:
            self.store.edit(rng.choice(mine).id, f"{self.name} edits {rng.random():.6f}")
        elif roll < 0.75:
            note = rng.choice(mine)
            (self.store.restore if note.deleted else self.store.delete)(note.id)
        elif roll < 0.85:
            highlights = [n for n in mine if n.quote]
            if highlights:
                self.store.set_color(rng.choice(highlights).id, rng.choice(["green", "blue", "pink"]))
        else:
            reading = self.syncer.reading
            (reading.read.add if rng.random() < 0.7 else reading.read.discard)(rng.choice(ARTICLES))
            reading.save()


class SyncTool:
    """Moves each machine's files between the machines' views of the folder, badly."""

    def __init__(self, machines, rng):
        self.machines, self.rng = machines, rng

    def deliver(self, complete: bool = False) -> None:
        for source in self.machines:
            own = source.view / source.syncer.machine
            files = sorted(own.glob("*.jsonl")) if own.is_dir() else []
            for target in self.machines:
                if target is source:
                    continue
                there = target.view / source.syncer.machine
                there.mkdir(exist_ok=True)
                for path in there.glob("*.jsonl"):  # compaction's deletions, passed on (maybe first)
                    if not (own / path.name).exists() and ".sync-conflict-" not in path.name and (
                            complete or self.rng.random() < 0.5):
                        path.unlink()
                for path in self.rng.sample(files, len(files)):  # in any order
                    self._copy(path, there / path.name, complete)

    def _copy(self, source: Path, target: Path, complete: bool) -> None:
        data = source.read_bytes()
        if complete:
            if not target.exists() or target.read_bytes() != data:
                target.write_bytes(data)
            return
        roll = self.rng.random()
        if roll < 0.3:
            return  # late
        if roll < 0.45:
            target.write_bytes(data[: self.rng.randint(0, len(data))])  # cut short, mid-line perhaps
        elif roll < 0.55 and target.exists():
            old = target.read_bytes()
            target.write_bytes(old[: len(old) // 2])  # replaced by an older copy
        else:
            target.write_bytes(data)
            if roll > 0.9:  # and a conflict copy of it beside
                shutil.copyfile(source, target.with_name(f"{target.stem}.sync-conflict-20260101-000000-X.jsonl"))


@pytest.mark.parametrize("seed", range(12))
def test_machines_agree_after_a_full_exchange_and_nothing_is_lost(tmp_path, seed):
    rng = random.Random(seed)
    machines = [Machine(tmp_path, name) for name in ("one", "two", "three")[: 2 + seed % 2]]
    tool = SyncTool(machines, rng)
    for _ in range(70):
        machine = rng.choice(machines)
        machine.act(rng)
        if rng.random() < 0.4:
            rng.choice(machines).syncer.sync()
        if rng.random() < 0.4:
            tool.deliver()
    for _ in range(3):  # a full exchange: every machine syncs, every file arrives whole
        for machine in machines:
            machine.syncer.sync()
        tool.deliver(complete=True)
    for machine in machines:
        machine.syncer.sync()
    shown = [m.notes() for m in machines]
    assert all(s == shown[0] for s in shown), "machines disagree"
    made = set().union(*(m.made for m in machines))
    assert {n[0] for n in shown[0]} >= made and made
    reads = [sorted(m.syncer.reading.read) for m in machines]
    assert all(r == reads[0] for r in reads)
    for machine in machines:
        machine.store.close()
