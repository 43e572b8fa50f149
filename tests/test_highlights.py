"""Highlights: passages quoted from an article, kept on their passage as the file changes,
through the engine (real files in tmp_path) and the command line (a subprocess)."""

import json
import sqlite3

import pytest
from conftest import FLOOD_STORY as STORY, write

from reader.notes.store import NotesStore
from reader.service import ReaderService

DRILLS = "world/japan-us-drills-near-russia.md"


def show(cli, lib, article):
    return cli.json("--library", lib, "show", article, "--json")


def notes_json(cli, lib, *args):
    return cli.json("--library", lib, "notes", "list", *args, "--json")


def quote(cli, lib, article, passage, *extra, check=0):
    proc = cli("--library", lib, "notes", "add", article, *extra, "--quote", passage, check=check)
    return int(proc.stdout) if check == 0 else proc


# ---------------------------------------------------------------- the command line contract

def test_show_prints_the_article_as_the_reader_sees_it(cli, sample_copy):
    shown = show(cli, sample_copy, DRILLS)
    assert set(shown) == {"id", "title", "authors", "date", "tags", "source", "summary", "text", "notes", "url",
                          "lang", "format", "read"}
    assert shown["read"] is False
    assert shown["lang"] == "en"  # detected: the sample article declares no language
    assert shown["id"] == DRILLS and shown["date"] == "2025-09-26" and shown["authors"] == ["Mariko Sato"]
    assert shown["text"].startswith("Japan's embassy in Moscow received a formal protest")
    assert "\n\nKeen Sword-25\n\n" in shown["text"]  # a heading is a paragraph of its own
    assert "**" not in shown["text"] and "|" not in shown["text"] and shown["notes"] == []
    text = cli("--library", sample_copy, "show", DRILLS).stdout
    assert text.startswith("Japan-US Drills Near Russia Draw a Diplomatic Protest\n") and shown["text"] in text


def test_show_refuses_an_unknown_article_in_one_line(cli, sample_copy):
    proc = cli("--library", sample_copy, "show", "no/such.md", check=1)
    assert "no article 'no/such.md'" in proc.stderr and proc.stderr.count("\n") == 1


def test_a_quoted_passage_becomes_a_highlight_anchored_in_show_text(cli, sample_copy):
    text = show(cli, sample_copy, DRILLS)["text"]
    note = quote(cli, sample_copy, DRILLS, "about 45,000   personnel from the\nSelf-Defense Forces", "Check the number")
    bare = quote(cli, sample_copy, DRILLS, "defensive")
    listed = {n["id"]: n for n in notes_json(cli, sample_copy, DRILLS)}
    first = listed[note]
    assert first["text"] == "Check the number" and first["color"] == "yellow"
    assert first["quote"]["exact"] == "about 45,000 personnel from the Self-Defense Forces"
    assert first["quote"]["prefix"].endswith("involves ") and len(first["quote"]["prefix"]) == 32
    assert first["quote"]["suffix"].startswith(" alongside American units") and len(first["quote"]["suffix"]) == 32
    anchor = first["anchor"]
    assert anchor["state"] == "exact" and text[anchor["start"]:anchor["end"]] == anchor["text"] == first["quote"]["exact"]
    assert listed[bare]["text"] == "" and text[listed[bare]["anchor"]["start"]:].startswith("defensive")
    assert show(cli, sample_copy, DRILLS)["notes"] == notes_json(cli, sample_copy, DRILLS)


def test_a_passage_that_occurs_again_takes_the_first_unless_told(cli, sample_copy):
    text = show(cli, sample_copy, DRILLS)["text"]
    first = quote(cli, sample_copy, DRILLS, "Keen Sword-25")
    second = quote(cli, sample_copy, DRILLS, "Keen Sword-25", "--occurrence", "2")
    starts = {n["id"]: n["anchor"]["start"] for n in notes_json(cli, sample_copy, DRILLS)}
    assert starts[first] == text.index("Keen Sword-25") and starts[second] == text.index("Keen Sword-25", starts[first] + 1)
    proc = quote(cli, sample_copy, DRILLS, "Keen Sword-25", "--occurrence", "9", check=1)
    assert "2 times, not 9" in proc.stderr and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("passage, message", [
    ("a passage that is nowhere in this article", "the passage is not in"),
    ("   ", "the passage to highlight is empty"),
])
def test_a_passage_not_in_the_article_is_refused_and_nothing_saved(cli, sample_copy, passage, message):
    proc = quote(cli, sample_copy, DRILLS, passage, "a comment", check=1)
    assert message in proc.stderr and proc.stderr.count("\n") == 1
    assert notes_json(cli, sample_copy) == []


def test_notes_add_without_text_or_quote_is_a_usage_error(cli, sample_copy):
    assert "needs TEXT" in cli("--library", sample_copy, "notes", "add", DRILLS, check=2).stderr


def test_after_index_the_anchors_follow_the_edited_file(cli, library):
    path = write(library, "news/flood.md", STORY)
    kept = quote(cli, library, "news/flood.md", "should be finished by 2027")
    reworded = quote(cli, library, "news/flood.md", "It will cost about forty million euros, most of it from the national government.")
    gone = quote(cli, library, "news/flood.md", "Residents asked for details.", "ask them")
    moved = quote(cli, library, "news/flood.md", "Critics say the money would be better spent on drainage.")
    edited = STORY.replace("Residents asked for details.", "Several neighbours wanted to know more.")
    edited = edited.replace("It will cost\nabout forty million euros, most of it from the national government.",
                            "It will cost around forty-two million euros, most of it paid by the state.")
    edited = edited.replace("Critics say the money would be better spent on drainage. The mayor disagreed strongly.\n",
                            "The mayor disagreed strongly.\n\nA late addition. Critics say the money would be better "
                            "spent on drainage.\n")
    path.write_text(edited, encoding="utf-8")
    cli("--library", library, "index")
    text = show(cli, library, "news/flood.md")["text"]
    anchors = {n["id"]: n["anchor"] for n in notes_json(cli, library)}
    assert anchors[kept]["state"] == "exact" and text[anchors[kept]["start"]:anchors[kept]["end"]] == "should be finished by 2027"
    assert anchors[reworded]["state"] == "changed"
    assert anchors[reworded]["text"] == "It will cost around forty-two million euros, most of it paid by the state."
    assert anchors[gone] == {"state": "detached", "text": None, "start": None, "end": None}
    assert anchors[moved]["state"] == "moved" and text[anchors[moved]["start"]:anchors[moved]["end"]] == anchors[moved]["text"]
    gone_note = next(n for n in notes_json(cli, library) if n["id"] == gone)
    assert gone_note["quote"]["exact"] == "Residents asked for details." and gone_note["text"] == "ask them"  # kept


def test_search_finds_a_highlighted_passage_and_its_comment_as_notes(cli, library):
    write(library, "news/flood.md", STORY)
    write(library, "news/other.md", "# Other\n\nNothing about that here.")
    quote(cli, library, "news/flood.md", "eastern quay", "ask about the gondola ferry")
    for query in ("note:gondola", "note:quay", "gondola"):
        hits = cli.json("--library", library, "search", query, "--json")["hits"]
        assert [h["id"] for h in hits] == ["news/flood.md"] and "notes" in hits[0]["matched_in"], query
    assert [n["text"] for n in cli.json("--library", library, "notes", "search", "quay", "--json")] == [
        "ask about the gondola ferry"]


def test_export_and_import_carry_highlights_and_anchor_them_on_the_files_here(cli, library, tmp_path, data):
    path = write(library, "news/flood.md", STORY)
    quote(cli, library, "news/flood.md", "should be finished by 2027", "the date", "--color", "green")
    cli("--library", library, "notes", "add", "news/flood.md", "about the whole piece")
    quote(cli, library, "news/flood.md", "Residents asked for details.")
    exported = tmp_path / "notes.json"
    cli("--library", library, "notes", "export", "--format", "json", "-o", exported)
    payload = json.loads(exported.read_text())
    highlight = next(n for n in payload["notes"] if n["text"] == "the date")
    assert highlight["quote"]["exact"] == "should be finished by 2027" and highlight["color"] == "green"

    markdown = cli("--library", library, "notes", "export").stdout
    section = markdown[markdown.index("## The Flood Barrier"):]
    # the comment on the whole article first, then the passages in the order of the article
    assert section.index("about the whole piece") < section.index("> Residents asked") < section.index("> should be")
    assert section.index("> should be finished by 2027\n\nthe date") > 0

    path.write_text("A new opening line.\n\n" + STORY.split("---\n", 2)[2], encoding="utf-8")
    (data / "notes.sqlite").unlink()
    for side in ("notes.sqlite-wal", "notes.sqlite-shm"):
        (data / side).unlink(missing_ok=True)
    assert "imported 3 new notes" in cli("--library", library, "notes", "import", exported).stdout
    text = show(cli, library, "news/flood.md")["text"]
    restored = {n["text"]: n for n in notes_json(cli, library)}
    anchor = restored["the date"]["anchor"]
    assert anchor["state"] == "exact" and text[anchor["start"]:anchor["end"]] == "should be finished by 2027"
    assert restored["the date"]["color"] == "green" and restored["about the whole piece"]["quote"] is None
    assert "imported 0 new notes" in cli("--library", library, "notes", "import", exported).stdout


def test_colour_and_edit_of_a_highlight(cli, sample_copy):
    note = quote(cli, sample_copy, DRILLS, "defensive")
    cli("--library", sample_copy, "notes", "color", str(note), "blue")
    cli("--library", sample_copy, "notes", "edit", str(note), "now with a comment")
    cli("--library", sample_copy, "notes", "edit", str(note), "   ")  # back to a bare highlight: allowed
    listed = notes_json(cli, sample_copy)[0]
    assert listed["color"] == "blue" and listed["text"] == "" and listed["quote"]["exact"] == "defensive"
    comment = int(cli("--library", sample_copy, "notes", "add", DRILLS, "a comment").stdout)
    assert "a note cannot be empty" in cli("--library", sample_copy, "notes", "edit", str(comment), " ", check=1).stderr
    assert "not a highlight" in cli("--library", sample_copy, "notes", "color", str(comment), "blue", check=1).stderr


# ---------------------------------------------------------------- the engine

def test_a_renamed_and_edited_article_is_recognised_by_its_passages(library, data):
    write(library, "news/flood.md", STORY)
    service = ReaderService(library, data)
    service.update()
    for passage in ("should be finished by 2027", "Critics say the money would be better spent on drainage.",
                    "The council met on Tuesday"):
        service.add_quoted("news/flood.md", passage)
    service.add_note("news/flood.md", "a comment on the whole")
    (library / "news" / "flood.md").unlink()
    write(library, "archive/2025/flood-barrier.md", STORY.replace("Residents asked for details.", "Nobody asked."))
    report = service.update()
    assert [(f.old, f.new, f.found, f.of) for f in report.followed] == [
        ("news/flood.md", "archive/2025/flood-barrier.md", 3, 3)]
    notes = service.notes_on("archive/2025/flood-barrier.md")
    assert len(notes) == 4 and not any(n.orphaned for n in notes)
    assert all(n.anchor.state == "exact" for n in notes if n.quote)
    service.close()


def test_a_lookalike_is_not_taken_for_a_renamed_article(library, data):
    write(library, "news/flood.md", STORY)
    service = ReaderService(library, data)
    service.update()
    service.add_quoted("news/flood.md", "should be finished by 2027")
    service.add_quoted("news/flood.md", "Residents asked for details.")
    (library / "news" / "flood.md").unlink()
    write(library, "copy-one.md", STORY.replace("Tuesday", "Monday"))
    write(library, "copy-two.md", STORY.replace("Tuesday", "Friday"))  # two candidates: no guess
    report = service.update()
    assert report.followed == [] and all(n.orphaned for n in service.all_notes())
    service.close()


def test_highlights_open_quickly_after_an_edit_made_while_nobody_looked(library, data):
    path = write(library, "news/flood.md", STORY)
    service = ReaderService(library, data)
    service.update()
    service.add_quoted("news/flood.md", "should be finished by 2027")
    path.write_text(STORY.replace("The council met", "An opening.\n\nThe council met"), encoding="utf-8")
    note = service.notes_on("news/flood.md")[0]  # no index update in between: anchored on the file now
    assert note.anchor.state == "exact"
    assert service.show("news/flood.md").shown.text[note.anchor.start:note.anchor.end] == "should be finished by 2027"
    service.close()


def test_a_store_of_the_first_version_migrates_keeping_every_note_and_id(data):
    db = sqlite3.connect(data / "notes.sqlite")
    db.executescript("""
        CREATE TABLE schema_version(version INTEGER NOT NULL);
        INSERT INTO schema_version VALUES (1);
        CREATE TABLE notes(id INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE, library TEXT NOT NULL,
            article TEXT NOT NULL, article_hash TEXT NOT NULL, article_title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL CHECK (length(trim(text)) > 0), quote TEXT, created TEXT NOT NULL,
            updated TEXT NOT NULL, orphaned INTEGER NOT NULL DEFAULT 0, deleted TEXT);
        CREATE INDEX notes_by_article ON notes(library, article);
        INSERT INTO notes(uid, library, article, article_hash, text, created, updated)
            VALUES ('u1', '/lib', 'a.md', 'h1', 'first', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
                   ('u2', '/lib', 'a.md', 'h1', 'second', '2025-01-02T00:00:00Z', '2025-01-02T00:00:00Z'),
                   ('u3', '/lib', 'b.md', 'h2', 'third', '2025-01-03T00:00:00Z', '2025-01-03T00:00:00Z');
        DELETE FROM notes WHERE uid = 'u3';
    """)
    db.close()
    store = NotesStore.open(data)
    assert [(n.id, n.text, n.made_on, n.quote) for n in store.all_notes()] == [(1, "first", "h1", None),
                                                                             (2, "second", "h1", None)]
    assert store.add("/lib", "a.md", "h1", "A", "new").id == 4  # id 3 was used once: never again
    store.close()
