"""The reader's own tags: added and removed from the command line, kept in the data folder
(never the file), tags like any other everywhere, following a renamed article, carried by
the notes exports and brought back by their import."""

import json
import shutil

from conftest import write

from reader.library.tagging import TagEdits, tags_with

ARTICLE = """\
---
title: Harbour Dredging Resumes
date: 2025-02-03
tags: [port, Local News]
---
Dredging of the inner harbour resumed on Monday after a winter pause.
"""


def tags(cli, lib, article, *args):
    return cli.json("--library", lib, "tags", article, *args, "--json")


def search_ids(cli, lib, query):
    return [h["id"] for h in cli.json("--library", lib, "search", query, "--json")["hits"]]


def test_tags_with_hides_and_adds_each_tag_once():
    assert tags_with(("port", "Local News"), TagEdits(("local-news", "Boats", "boats"), frozenset({"port"}))) == \
        ("Local News", "Boats")


def test_tags_added_and_removed_are_yours_and_the_file_is_never_changed(cli, library):
    path = write(library, "news/dredging.md", ARTICLE)
    before = path.read_bytes()
    assert tags(cli, library, "news/dredging.md") == {"id": "news/dredging.md", "tags": ["port", "Local News"]}
    answer = tags(cli, library, "news/dredging.md", "--add", "To Read", "--add", "boats", "--remove", "port")
    assert answer["tags"] == ["Local News", "To Read", "boats"]
    assert path.read_bytes() == before
    assert cli("--library", library, "tags", "news/dredging.md").stdout.splitlines() == ["Local News", "To Read", "boats"]
    # tags like any other: search, show, the list
    assert search_ids(cli, library, 'tag:"to read"') == ["news/dredging.md"]
    assert search_ids(cli, library, "tag:port") == []
    assert cli.json("--library", library, "show", "news/dredging.md", "--json")["tags"] == ["Local News", "To Read", "boats"]
    hit = cli.json("--library", library, "search", "dredging", "--json")["hits"][0]
    assert hit["tags"] == ["Local News", "To Read", "boats"]
    # a file's tag removed, then added again, is the file's again (not a second copy)
    assert tags(cli, library, "news/dredging.md", "--add", "PORT", "--remove", "to read")["tags"] == \
        ["port", "Local News", "boats"]
    assert search_ids(cli, library, "tag:port") == ["news/dredging.md"]


def test_tags_follow_a_renamed_article_and_survive_a_rebuilt_index(cli, library, data):
    write(library, "news/dredging.md", ARTICLE)
    tags(cli, library, "news/dredging.md", "--add", "boats", "--remove", "port")
    (library / "archive").mkdir()
    (library / "news/dredging.md").rename(library / "archive/dredging-2025.md")
    cli("--library", library, "index")
    assert tags(cli, library, "archive/dredging-2025.md")["tags"] == ["Local News", "boats"]
    assert search_ids(cli, library, "tag:boats") == ["archive/dredging-2025.md"]
    for state in data.glob("libraries/*/index"):
        shutil.rmtree(state)
    cli("--library", library, "index")
    assert search_ids(cli, library, "tag:boats") == ["archive/dredging-2025.md"]
    assert search_ids(cli, library, "tag:port") == []


def test_bad_tag_requests_say_so_in_one_line(cli, library):
    write(library, "news/dredging.md", ARTICLE)
    empty = cli("--library", library, "tags", "news/dredging.md", "--add", " # ", check=1)
    assert empty.stderr.count("\n") == 1 and "not a tag" in empty.stderr
    missing = cli("--library", library, "tags", "news/nothing.md", check=1)
    assert "no article" in missing.stderr
    cli("--library", library, "tags", check=2)


def test_notes_exports_carry_your_tags_and_the_import_brings_them_back(cli, library, tmp_path):
    write(library, "news/dredging.md", ARTICLE)
    tags(cli, library, "news/dredging.md", "--add", "boats", "--remove", "port")
    cli("--library", library, "notes", "add", "news/dredging.md", "Ask the harbour master.")
    exported = json.loads(cli("--library", library, "notes", "export", "--format", "json").stdout)
    assert {(t["tag"], t["hidden"]) for t in exported["tags"]} == {("boats", False), ("port", True)}
    markdown = cli("--library", library, "notes", "export", "--format", "md").stdout
    assert "Tags: #Local-News, #boats" in markdown
    vault = tmp_path / "vault"
    cli("--library", library, "notes", "export", "--format", "obsidian", vault)
    assert "boats" in next(vault.rglob("*.md")).read_text(encoding="utf-8")

    other = tmp_path / "other-data"
    other.mkdir()
    (tmp_path / "export.json").write_text(json.dumps(exported), encoding="utf-8")
    cli.env["ARTICLE_READER_DATA"] = str(other)
    cli("--library", library, "index")
    done = cli("--library", library, "notes", "import", tmp_path / "export.json")
    assert done.stdout.strip() == "imported 1 new note and 2 tags"
    assert tags(cli, library, "news/dredging.md")["tags"] == ["Local News", "boats"]
    assert search_ids(cli, library, "tag:boats") == ["news/dredging.md"]
    again = cli("--library", library, "notes", "import", tmp_path / "export.json")
    assert again.stdout.strip() == "imported 0 new notes"


def test_all_notes_filters_by_your_tags(library, data):
    """The All notes pane asks the engine with the query language: tag: sees your tags."""
    from reader.service import ReaderService

    write(library, "news/dredging.md", ARTICLE)
    write(library, "news/ferry.md", "---\ntitle: Ferry Timetable\n---\nThe ferry runs hourly.\n")
    svc = ReaderService(library, data)
    try:
        svc.update()
        for article in ("news/dredging.md", "news/ferry.md"):
            svc.add_note(article, f"A note on {article}.")
        assert svc.change_tags("news/ferry.md", ["boats"], []) == ("boats",)
        assert [n.article for n in svc.notes_matching("tag:boats").notes] == ["news/ferry.md"]
        svc.change_tags("news/dredging.md", [], ["port"])
        assert svc.notes_matching("tag:port").notes == []
        assert [i.tags for i in svc.articles() if i.id == "news/dredging.md"] == [("Local News",)]
    finally:
        svc.close()
