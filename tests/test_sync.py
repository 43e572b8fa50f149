"""Two machines (two data folders) in step through one sync folder, driven through the
installed command as a user or a script would: notes, tags, read marks, positions and saved
searches travel; concurrent edits keep both texts; what sync tools do to files is expected."""

import json
import shutil
import sqlite3
import time

import pytest
from conftest import SAMPLE, Cli

DRILLS = "world/japan-us-drills-near-russia.md"


class Machine:
    def __init__(self, tmp_path, name, folder):
        self.library = tmp_path / f"library-{name}"  # the library's path differs between machines
        shutil.copytree(SAMPLE, self.library)
        data, home = tmp_path / f"data-{name}", tmp_path / f"home-{name}"
        data.mkdir()
        home.mkdir()
        self.cli = Cli(data, home)
        self.data = data
        self.folder = folder

    def __call__(self, *args, **kwargs):
        return self.cli("--library", self.library, *args, **kwargs)

    def json(self, *args, **kwargs):
        return self.cli.json("--library", self.library, *args, **kwargs)

    def sync(self):
        return self.json("sync", "--json")

    def notes(self, *args):
        return self.json("notes", "list", *args, "--json")


@pytest.fixture
def pair(tmp_path):
    folder = tmp_path / "Sync"
    folder.mkdir()
    one, two = Machine(tmp_path, "one", folder), Machine(tmp_path, "two", folder)
    for machine in (one, two):
        report = machine.json("sync", "--folder", folder, "--json")
        assert set(report) == {"folder", "sent", "received", "conflicts", "seconds"}
    return one, two


def exchange(*machines):
    for _ in range(2):
        for machine in machines:
            machine.sync()


def test_notes_tags_read_marks_and_searches_travel(pair):
    one, two = pair
    one("notes", "add", DRILLS, "Check the hotline story.")
    one("notes", "add", DRILLS, "--quote", "Keen Sword", "--color", "green")
    one("tags", DRILLS, "--add", "to-cite", "--remove", "defence")
    one("mark", DRILLS, "--read")
    one("searches", "add", "Cite", "tag:to-cite")
    sent = one.sync()
    assert sent["sent"] >= 5 and sent["received"] == 0
    got = two.sync()
    assert got["received"] >= 5
    assert [(n["text"], n["color"]) for n in two.notes(DRILLS)] == [("Check the hotline story.", None), ("", "green")]
    assert two.notes(DRILLS)[1]["anchor"]["state"] == "exact"
    shown = two.json("show", DRILLS, "--json")
    assert "to-cite" in shown["tags"] and "defence" not in shown["tags"] and shown["read"] is True
    assert [h["id"] for h in two.json("search", "note:hotline", "--json")["hits"]] == [DRILLS]  # searchable at once
    assert any(s["name"] == "Cite" for s in two.json("searches", "list", "--json"))
    two("mark", DRILLS, "--unread")
    exchange(two, one)
    assert one.json("show", DRILLS, "--json")["read"] is False


def test_both_machines_show_the_same_notes_in_the_same_order(pair):
    one, two = pair
    for n in range(3):
        one("notes", "add", DRILLS, f"one {n}")
        two("notes", "add", DRILLS, f"two {n}")
    exchange(one, two)
    first, second = one.notes(), two.notes()
    assert [n["text"] for n in first] == [n["text"] for n in second]
    assert len(first) == 6


def test_an_edit_on_each_machine_keeps_the_later_text_and_the_other_as_an_earlier_version(pair):
    one, two = pair
    one("notes", "add", DRILLS, "The first text.")
    exchange(one, two)
    [mine], [theirs] = one.notes(DRILLS), two.notes(DRILLS)
    one("notes", "edit", str(mine["id"]), "Edited on one.")
    two("notes", "edit", str(theirs["id"]), "Edited on two, later.")
    reports = [one.sync(), two.sync(), one.sync()]
    assert sum(r["conflicts"] for r in reports) >= 1
    assert one.notes(DRILLS)[0]["text"] == two.notes(DRILLS)[0]["text"] == "Edited on two, later."
    for machine in (one, two):
        versions = machine.json("notes", "versions", str(machine.notes(DRILLS)[0]["id"]), "--json")
        assert [v["text"] for v in versions] == ["Edited on one."]


def test_an_edit_and_a_deletion_keep_the_note_in_the_trash_with_the_edit(pair):
    one, two = pair
    one("notes", "add", DRILLS, "Keep me.")
    exchange(one, two)
    one("notes", "delete", str(one.notes(DRILLS)[0]["id"]))
    two("notes", "edit", str(two.notes(DRILLS)[0]["id"]), "Keep me, edited.")
    exchange(one, two)
    for machine in (one, two):
        assert machine.notes(DRILLS) == []
        assert [n["text"] for n in machine.json("notes", "list", "--trash", "--json")] == ["Keep me, edited."]


def test_the_same_passage_highlighted_on_both_stays_two_highlights(pair):
    one, two = pair
    one("notes", "add", DRILLS, "--quote", "Keen Sword")
    two("notes", "add", DRILLS, "--quote", "Keen Sword", "--color", "blue")
    exchange(one, two)
    assert sorted(n["color"] for n in one.notes(DRILLS)) == sorted(n["color"] for n in two.notes(DRILLS)) == \
        ["blue", "yellow"]


def test_what_sync_tools_do_to_files_loses_and_duplicates_nothing(pair):
    one, two = pair
    one("notes", "add", DRILLS, "Through a conflict copy.")
    one("notes", "add", DRILLS, "And a second one.")
    one.sync()
    [own] = [p for p in one.folder.iterdir() if p.is_dir() and p.name in {q.name for q in one.folder.iterdir()}
             and any(p.iterdir())]
    [written] = list(own.glob("*.jsonl"))
    data = written.read_bytes()
    shutil.copyfile(written, written.with_name(written.stem + ".sync-conflict-20260101-120000-ABCDEFG.jsonl"))
    shutil.copyfile(written, written.with_name(written.stem + " (conflicted copy 2026-01-01).jsonl"))
    written.write_bytes(data[: data.index(b"\n") + 5])  # cut short mid-line, as a transfer in progress
    first = two.sync()
    assert first["received"] >= 1  # the whole copies delivered everything already
    written.write_bytes(data)
    two.sync()
    assert [n["text"] for n in two.notes(DRILLS)] == ["Through a conflict copy.", "And a second one."]
    (own / "garbage.jsonl").write_bytes(b"\x00\xffnot json\n{\"hlc\": 1}\n")
    assert two.sync()["received"] == 0
    assert len(two.notes(DRILLS)) == 2


def test_a_missing_folder_is_said_never_made_and_everything_else_goes_on(tmp_path):
    folder = tmp_path / "USB" / "Sync"
    folder.mkdir(parents=True)
    one = Machine(tmp_path, "one", folder)
    one("sync", "--folder", folder)
    shutil.rmtree(tmp_path / "USB")  # the drive is unmounted
    one("notes", "add", DRILLS, "Written while the drive is away.")
    failed = one("sync", check=1)
    assert "is not there" in failed.stderr and failed.stderr.count("\n") == 1
    assert not (tmp_path / "USB").exists()
    folder.mkdir(parents=True)  # mounted again
    assert one.sync()["sent"] >= 2
    one("sync", "--off")
    assert "no sync folder" in one("sync", check=1).stderr
    assert "is not a folder" in one("sync", "--folder", tmp_path / "nowhere", check=1).stderr


def test_a_sync_with_nothing_new_reads_nothing_again(pair):
    one, two = pair
    one("notes", "add", DRILLS, "Once.")
    exchange(one, two)
    assert two.sync() | {"seconds": 0} == {"folder": str(two.folder), "sent": 0, "received": 0, "conflicts": 0,
                                            "seconds": 0}
    assert json.loads(two("sync", "--json").stdout)["received"] == 0


def test_a_sync_killed_at_any_moment_is_finished_by_the_next(pair, tmp_path):
    import os
    import random
    import signal
    import subprocess
    import uuid

    one, two = pair
    now = "2026-01-01T00:00:00.000Z"
    export = {"format": "article-reader-notes", "version": 5, "exported": now, "notes": [
        {"uid": uuid.uuid4().hex, "library": str(one.library), "article": DRILLS, "article_hash": "",
         "article_title": "", "text": f"Bulk note {i}", "created": now, "updated": now, "deleted": None,
         "quote": None} for i in range(1500)]}
    (tmp_path / "bulk.json").write_text(json.dumps(export), encoding="utf-8")
    one("notes", "import", tmp_path / "bulk.json")
    rng = random.Random(3)
    for machine in (one, two, one, two, two, one):
        proc = subprocess.Popen([machine.cli.exe, "--library", str(machine.library), "sync"], env=machine.cli.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.02, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    exchange(one, two)
    texts = [[n["text"] for n in m.notes(DRILLS)] for m in (one, two)]
    assert texts[0] == texts[1] and len(texts[0]) == 1500
    for machine in (one, two):
        with sqlite3.connect(machine.data / "notes.sqlite") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
