"""Notes: a durable store that follows its article, searchable at once, via the CLI."""

import json
import os
import shutil
import sqlite3

import pytest

from reader.notes.store import MIGRATIONS, NotesError, NotesStore

DRILLS = "world/japan-us-drills-near-russia.md"


def add(cli, lib, article, text, **kw):
    return int(cli("--library", lib, "notes", "add", article, text, **kw).stdout.strip())


def notes_json(cli, lib, *args):
    return cli.json("--library", lib, "notes", "list", *args, "--json")


def search_ids(cli, lib, query):
    return [h["id"] for h in cli.json("--library", lib, "search", query, "--json")["hits"]]


def test_add_list_edit_delete_restore(cli, sample_copy):
    first = add(cli, sample_copy, DRILLS, "Check the hotline story.")
    second = add(cli, sample_copy, DRILLS, "-", input="Line one\nline **two**\n")
    assert second == first + 1
    listed = notes_json(cli, sample_copy, DRILLS)
    assert [n["id"] for n in listed] == [first, second]
    assert set(listed[0]) == {"id", "article", "title", "text", "created", "updated", "orphaned", "quote", "anchor",
                              "color"}
    assert (listed[0]["quote"], listed[0]["anchor"], listed[0]["color"]) == (None, None, None)
    assert listed[1]["text"] == "Line one\nline **two**" and listed[0]["orphaned"] is False
    assert listed[0]["title"] == "Japan-US Drills Near Russia Draw a Diplomatic Protest"
    assert listed[0]["created"].endswith("Z")

    cli("--library", sample_copy, "notes", "edit", str(first), "Hotline story checked.")
    edited = notes_json(cli, sample_copy, DRILLS)[0]
    assert edited["text"] == "Hotline story checked." and edited["updated"] >= edited["created"]

    cli("--library", sample_copy, "notes", "delete", str(first))
    assert [n["id"] for n in notes_json(cli, sample_copy)] == [second]
    assert [n["id"] for n in notes_json(cli, sample_copy, "--trash")] == [first]
    cli("--library", sample_copy, "notes", "restore", str(first))
    assert [n["id"] for n in notes_json(cli, sample_copy)] == [first, second]
    assert "#%d" % first in cli("--library", sample_copy, "notes", "list").stdout


@pytest.mark.parametrize("args, message", [
    (["add", DRILLS, "   "], "a note cannot be empty"),
    (["add", "no/such-article.md", "text"], "no article 'no/such-article.md'"),
    (["edit", "999", "text"], "no note with id 999"),
    (["delete", "999"], "no note with id 999"),
    (["restore", "999"], "no note with id 999"),
])
def test_refusals_are_exit_1_with_one_line_and_write_nothing(cli, sample_copy, data, args, message):
    proc = cli("--library", sample_copy, "notes", *args, check=1)
    assert message in proc.stderr and proc.stderr.count("\n") == 1
    assert notes_json(cli, sample_copy, "--trash") == [] and notes_json(cli, sample_copy) == []


def test_an_empty_note_from_stdin_is_refused(cli, sample_copy):
    cli("--library", sample_copy, "notes", "add", DRILLS, "-", input="\n\n", check=1)
    assert notes_json(cli, sample_copy) == []


def test_a_note_only_word_finds_its_article_at_once_and_leaves_with_it(cli, sample_copy):
    note = add(cli, sample_copy, DRILLS, "Remember the quokka angle.")
    result = cli.json("--library", sample_copy, "search", "quokka", "--json")
    assert [h["id"] for h in result["hits"]] == [DRILLS]
    assert result["hits"][0]["matched_in"] == ["notes"] and "quokka" in result["hits"][0]["snippet"]
    assert search_ids(cli, sample_copy, "note:quokka") == [DRILLS]
    assert search_ids(cli, sample_copy, "note:drills") == []  # the article's own words are not notes
    cli("--library", sample_copy, "notes", "edit", str(note), "Remember the wombat angle.")
    assert search_ids(cli, sample_copy, "quokka") == [] and search_ids(cli, sample_copy, "wombat") == [DRILLS]
    cli("--library", sample_copy, "notes", "delete", str(note))
    assert search_ids(cli, sample_copy, "wombat") == []
    cli("--library", sample_copy, "notes", "restore", str(note))
    assert search_ids(cli, sample_copy, "wombat") == [DRILLS]


def test_a_renamed_or_moved_article_takes_its_notes(cli, sample_copy):
    note = add(cli, sample_copy, DRILLS, "Follows the file: pangolin.")
    (sample_copy / "archive").mkdir()
    os.rename(sample_copy / DRILLS, sample_copy / "archive" / "drills-renamed.md")
    cli("--library", sample_copy, "index")
    moved = notes_json(cli, sample_copy)
    assert [(n["id"], n["article"], n["orphaned"]) for n in moved] == [(note, "archive/drills-renamed.md", False)]
    assert search_ids(cli, sample_copy, "pangolin") == ["archive/drills-renamed.md"]


def test_an_article_edited_in_place_keeps_its_notes_and_can_then_be_renamed(cli, sample_copy):
    note = add(cli, sample_copy, DRILLS, "Still here after an edit.")
    path = sample_copy / DRILLS
    path.write_text(path.read_text(encoding="utf-8") + "\nA correction was appended.\n", encoding="utf-8")
    cli("--library", sample_copy, "index")
    assert [(n["id"], n["article"]) for n in notes_json(cli, sample_copy)] == [(note, DRILLS)]
    os.rename(path, sample_copy / "world" / "edited-then-moved.md")  # follows the new content
    cli("--library", sample_copy, "index")
    assert notes_json(cli, sample_copy)[0]["article"] == "world/edited-then-moved.md"


def test_a_deleted_article_orphans_its_notes_and_its_return_reattaches_them(cli, sample_copy, tmp_path):
    note = add(cli, sample_copy, DRILLS, "Orphan me: axolotl.")
    kept = tmp_path / "kept.md"
    shutil.move(sample_copy / DRILLS, kept)
    cli("--library", sample_copy, "index")
    orphaned = notes_json(cli, sample_copy, "--orphaned")
    assert [(n["id"], n["orphaned"], n["article"]) for n in orphaned] == [(note, True, DRILLS)]
    assert "orphaned" in cli("--library", sample_copy, "notes", "list").stdout
    assert search_ids(cli, sample_copy, "axolotl") == []  # no article to show…
    found = cli.json("--library", sample_copy, "notes", "search", "axolotl", "--json")
    assert [n["id"] for n in found] == [note]  # …but the note itself is found
    exported = cli.json("--library", sample_copy, "notes", "export", "--format", "json")
    assert [n["text"] for n in exported["notes"]] == ["Orphan me: axolotl."]
    shutil.move(kept, sample_copy / "world" / "back-under-a-new-name.md")  # a renamed copy returns
    cli("--library", sample_copy, "index")
    back = notes_json(cli, sample_copy)
    assert [(n["id"], n["orphaned"], n["article"]) for n in back] == [(note, False, "world/back-under-a-new-name.md")]
    assert search_ids(cli, sample_copy, "axolotl") == ["world/back-under-a-new-name.md"]


def test_export_markdown_groups_notes_under_their_article(cli, sample_copy, tmp_path):
    add(cli, sample_copy, DRILLS, "First thought.")
    add(cli, sample_copy, DRILLS, "Second thought.")
    add(cli, sample_copy, "food/seville-orange-marmalade.md", "Try with muscovado.")
    target = tmp_path / "notes.md"
    cli("--library", sample_copy, "notes", "export", "-o", target)
    text = target.read_text(encoding="utf-8")
    assert "## Japan-US Drills Near Russia Draw a Diplomatic Protest" in text
    assert f"2025-09-26 · `{DRILLS}`" in text
    sections = text.split("\n## ")[1:]  # one per article, in path order
    assert [s.splitlines()[0] for s in sections] == [
        "The Short Season of Seville Orange Marmalade", "Japan-US Drills Near Russia Draw a Diplomatic Protest"]
    assert sections[1].index("First thought.") < sections[1].index("Second thought.")
    assert text.count("### ") == 3


def test_export_refuses_to_overwrite_without_force(cli, sample_copy, tmp_path):
    add(cli, sample_copy, DRILLS, "Keep me.")
    target = tmp_path / "out.json"
    target.write_text("precious")
    proc = cli("--library", sample_copy, "notes", "export", "--format", "json", "-o", target, check=1)
    assert "already exists" in proc.stderr and target.read_text() == "precious"
    cli("--library", sample_copy, "notes", "export", "--format", "json", "-o", target, "--force")
    assert json.loads(target.read_text())["notes"][0]["text"] == "Keep me."
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.json")] == []  # no temp left


def test_export_then_import_into_a_fresh_data_dir_gives_the_same_notes(cli, sample_copy, tmp_path):
    add(cli, sample_copy, DRILLS, "One.")
    add(cli, sample_copy, "food/seville-orange-marmalade.md", "Two, with *ocelots*.")
    gone = add(cli, sample_copy, DRILLS, "Deleted but recoverable.")
    cli("--library", sample_copy, "notes", "delete", str(gone))
    export = tmp_path / "export.json"
    cli("--library", sample_copy, "notes", "export", "--format", "json", "-o", export)
    original = notes_json(cli, sample_copy)

    cli.env["ARTICLE_READER_DATA"] = str(tmp_path / "fresh")
    assert cli("--library", sample_copy, "notes", "import", export).stdout.strip() == "imported 3 new notes"
    assert cli("--library", sample_copy, "notes", "import", export).stdout.strip() == "imported 0 new notes"
    assert notes_json(cli, sample_copy) == original
    assert len(notes_json(cli, sample_copy, "--trash")) == 1
    assert search_ids(cli, sample_copy, "recoverable") == []
    assert search_ids(cli, sample_copy, "ocelots") == ["food/seville-orange-marmalade.md"]


def test_importing_something_else_is_refused(cli, sample_copy, tmp_path):
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"hello": 1}')
    assert "not an article-reader notes export" in cli("--library", sample_copy, "notes", "import", bogus, check=1).stderr
    bogus.write_text("not json")
    cli("--library", sample_copy, "notes", "import", bogus, check=1)


def test_a_damaged_database_is_set_aside_never_overwritten(cli, sample_copy, data):
    add(cli, sample_copy, DRILLS, "Before the damage.")
    db = data / "notes.sqlite"
    damaged_bytes = b"this is not a database" * 300
    for side in ("notes.sqlite-wal", "notes.sqlite-shm"):
        (data / side).unlink(missing_ok=True)
    db.write_bytes(damaged_bytes)
    proc = cli("--library", sample_copy, "notes", "list")
    assert "damaged" in proc.stderr and proc.stderr.count("\n") == 1
    aside = next(data.glob("notes.sqlite.damaged-*"))
    assert str(aside) in proc.stderr and aside.read_bytes() == damaged_bytes
    assert add(cli, sample_copy, DRILLS, "After the damage.") == 1  # the app keeps working


def test_the_store_records_its_schema_version_and_refuses_a_newer_one(data):
    store = NotesStore.open(data)
    store.add("/lib", "a.md", "h", "A", "kept")
    store.close()
    with sqlite3.connect(data / "notes.sqlite") as db:
        assert db.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute("UPDATE schema_version SET version=?", (len(MIGRATIONS) + 1,))
    with pytest.raises(NotesError, match="newer version"):
        NotesStore.open(data)


def test_notes_survive_a_library_that_disappears_and_comes_back(cli, sample_copy, tmp_path):
    note = add(cli, sample_copy, DRILLS, "Through an unmount.")
    parked = tmp_path / "parked"
    shutil.move(sample_copy, parked)
    sample_copy.mkdir()  # the folder is there but empty, like an unmounted drive
    cli("--library", sample_copy, "index")
    assert notes_json(cli, sample_copy, "--orphaned")[0]["id"] == note
    shutil.rmtree(sample_copy)
    shutil.move(parked, sample_copy)
    cli("--library", sample_copy, "index")
    assert notes_json(cli, sample_copy)[0]["orphaned"] is False


def test_a_note_with_bytes_that_are_not_utf8_is_saved_readably(cli, sample_copy):
    import subprocess
    proc = subprocess.run([cli.exe.encode(), b"--library", bytes(sample_copy), b"notes", b"add", DRILLS.encode(),
                           b"caf\xe9 and \xff"], capture_output=True, env=cli.env)
    assert proc.returncode == 0, proc.stderr
    assert notes_json(cli, sample_copy)[0]["text"] == "caf\ufffd and \ufffd"


def test_a_verified_backup_is_made_daily_and_only_the_last_seven_are_kept(data):
    import datetime as dt

    store = NotesStore.open(data)
    assert store.backups() == []  # nothing to back up yet
    store.add("/lib", "a.md", "h", "A", "precious")
    first = store.back_up_if_due()
    assert first is not None and first.name == f"notes-{dt.date.today().isoformat()}.sqlite"
    assert store.back_up_if_due() is None  # once a day
    for days in range(1, 12):
        store.back_up_if_due(dt.date.today() + dt.timedelta(days=days))
    kept = store.backups()
    assert len(kept) == 7 and kept[0].name.endswith(f"{(dt.date.today() + dt.timedelta(days=11)).isoformat()}.sqlite")
    with sqlite3.connect(kept[-1]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT text FROM notes").fetchall() == [("precious",)]
    store.close()


def test_backups_can_be_listed_and_restored_and_are_offered_after_damage(cli, sample_copy, data):
    add(cli, sample_copy, DRILLS, "Saved before the accident.")
    cli("--library", sample_copy, "notes", "list")  # first use today: a backup is made
    listed = cli.json("--library", sample_copy, "notes", "backups", "--json")
    assert len(listed) == 1 and listed[0]["notes"] == 1
    for side in ("notes.sqlite-wal", "notes.sqlite-shm"):
        (data / side).unlink(missing_ok=True)
    (data / "notes.sqlite").write_bytes(b"garbage" * 1000)
    proc = cli("--library", sample_copy, "notes", "list")
    assert f"restore-backup {listed[0]['path']}" in proc.stderr
    assert notes_json(cli, sample_copy) == []
    out = cli("--library", sample_copy, "notes", "restore-backup", listed[0]["path"]).stdout
    assert "restored" in out
    restored = notes_json(cli, sample_copy)
    assert [n["text"] for n in restored] == ["Saved before the accident."] and restored[0]["article"] == DRILLS
    assert search_ids(cli, sample_copy, "accident") == [DRILLS]
    bogus = data / "bogus.sqlite"
    bogus.write_bytes(b"nope")
    assert "not a readable notes backup" in cli("--library", sample_copy, "notes", "restore-backup", bogus, check=1).stderr


# ---------------------------------------------------------------- a full or read-only disk

def stored_texts(path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [row[0] for row in db.execute("SELECT text FROM notes ORDER BY id")]
    finally:
        db.close()


def test_a_full_or_read_only_disk_refuses_a_write_in_words_and_damages_nothing(small_disk):
    data = small_disk.path / "data"
    store = NotesStore.open(data)
    kept = [store.add("/lib", "a.md", "h", "A", f"saved before {n} " * 40) for n in range(30)]
    long_text = "typed while the disk was full " * 400  # 12 KB: more than any space left in the WAL

    small_disk.fill()
    for write_one in (lambda: store.add("/lib", "a.md", "h", "A", long_text),
                      lambda: store.edit(kept[0].id, long_text),
                      lambda: store.delete(kept[2].id)):
        with pytest.raises(NotesError, match="the disk is full, so nothing was changed"):
            write_one()
    small_disk.free()
    assert stored_texts(store.path) == [n.text for n in kept]

    store.close()  # a disk with files open for writing cannot be made read-only

    small_disk.read_only()
    with pytest.raises(NotesError, match="cannot open the notes database .*: the notes folder is read-only"):
        NotesStore.open(data)
    small_disk.writable()
    store = NotesStore.open(data)
    assert store.set_aside is None and [n.text for n in store.all_notes()] == [n.text for n in kept]

    store.add("/lib", "a.md", "h", "A", "after the disk came back")  # the same store goes on working
    store.close()
    assert stored_texts(data / "notes.sqlite")[-1] == "after the disk came back"


def test_the_cli_says_the_disk_is_full_in_one_line(cli, sample_copy, small_disk):
    cli.env["ARTICLE_READER_DATA"] = str(small_disk.path / "data")
    first = add(cli, sample_copy, DRILLS, "Saved before the disk filled up.")
    small_disk.fill()
    proc = cli("--library", sample_copy, "notes", "add", DRILLS, "x" * 20000, check=1)
    assert proc.stderr.count("\n") == 1 and "disk is full" in proc.stderr, proc.stderr
    small_disk.free()
    assert [n["id"] for n in notes_json(cli, sample_copy)] == [first]
    small_disk.read_only()
    proc = cli("--library", sample_copy, "notes", "edit", str(first), "changed", check=1)
    assert proc.stderr.count("\n") == 1 and "read-only" in proc.stderr, proc.stderr
    small_disk.writable()
    assert notes_json(cli, sample_copy)[0]["text"] == "Saved before the disk filled up."


def test_notes_export_as_readwise_csv(cli, library):
    """Readwise's import CSV: its columns, each highlight with its comment, its article's title,
    authors and web address, in the order the passages stand; comments on a whole article are
    left out, and said so."""
    import csv
    import io

    from conftest import write

    write(library, "clip.md", "---\ntitle: The Clip\nauthor: Ann Example\nurl: https://example.com/clip\n---\n"
                              "First passage here. Then a second passage, with a comma.\n")
    cli("--library", library, "index")
    cli("--library", library, "notes", "add", "clip.md", "why, indeed", "--quote", "a second passage, with a comma")
    cli("--library", library, "notes", "add", "clip.md", "--quote", "First passage")
    cli("--library", library, "notes", "add", "clip.md", "a comment on the whole article")
    target = library.parent / "readwise.csv"
    proc = cli("--library", library, "notes", "export", "--format", "readwise", target)
    assert "1 comments on whole articles left out" in proc.stderr
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["Highlight", "Title", "Author", "URL", "Note", "Location", "Date"]
    assert [r[0] for r in rows[1:]] == ["First passage", "a second passage, with a comma"]
    assert rows[2][1:5] == ["The Clip", "Ann Example", "https://example.com/clip", "why, indeed"]
    assert int(rows[1][5]) < int(rows[2][5]) and len(rows[1][6]) == 19 and rows[1][6][10] == " "
    assert cli("--library", library, "notes", "export", "--format", "readwise", target, check=1).stderr.count("\n") == 1
    assert cli("--library", library, "notes", "export", "-o", "a.csv", "b.csv", check=2).returncode == 2


def test_notes_export_to_an_obsidian_folder_updates_its_files_in_place(cli, library, tmp_path):
    """One file per annotated article: front matter Obsidian reads, the whole-article comments,
    then each passage quoted with its comment under it in article order, links back into the
    app; a second export updates the same files (even renamed), and leaves other files be."""
    import yaml
    from conftest import write

    write(library, "clip.md", "---\ntitle: 'The Clip: a test'\nauthor: Ann Example\ndate: 2024-02-03\ntags: [harbour]\n"
                              "url: https://example.com/clip\n---\nFirst passage here. Then a second passage.\n")
    write(library, "other.md", "# Other\nNothing marked in it.\n")
    cli("--library", library, "index")
    cli("--library", library, "notes", "add", "clip.md", "second comment", "--quote", "a second passage")
    cli("--library", library, "notes", "add", "clip.md", "--quote", "First passage")
    cli("--library", library, "notes", "add", "clip.md", "on the whole article")
    vault = tmp_path / "vault"
    write(vault, "mine.md", "# My own note\n")
    cli("--library", library, "notes", "export", "--format", "obsidian", vault)
    files = sorted(p.name for p in vault.iterdir())
    assert files == ["The Clip a test.md", "mine.md"]
    text = (vault / "The Clip a test.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "The Clip: a test" and front["author"] == ["Ann Example"]
    assert front["url"] == "https://example.com/clip" and front["published"] == "2024-02-03" and front["tags"] == ["harbour"]
    body = text.split("---\n", 2)[2]
    assert body.index("on the whole article") < body.index("> First passage") < body.index("> a second passage")
    assert body.index("> a second passage") < body.index("second comment")
    assert body.count("article-reader://open?") == 3 and "[original](https://example.com/clip)" in body
    (vault / "The Clip a test.md").rename(vault / "Renamed by me.md")
    cli("--library", library, "notes", "add", "clip.md", "a later comment")
    proc = cli("--library", library, "notes", "export", "--format", "obsidian", vault)
    assert "0 new files, 1 updated" in proc.stderr
    assert sorted(p.name for p in vault.iterdir()) == ["Renamed by me.md", "mine.md"]
    assert "a later comment" in (vault / "Renamed by me.md").read_text(encoding="utf-8")
    assert (vault / "mine.md").read_text(encoding="utf-8") == "# My own note\n"
    assert cli("--library", library, "notes", "export", "--format", "obsidian", check=1).stderr.count("\n") == 1
