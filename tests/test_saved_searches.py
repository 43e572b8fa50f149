"""Saved searches: the store on real files, and the command line in a subprocess."""

import pytest
from conftest import write

from reader.search.saved_searches import BUILT_IN, FILE_NAME, SavedSearch, SavedSearchError, SavedSearches


def test_a_new_data_folder_starts_with_the_built_in_searches(data):
    store = SavedSearches(data)
    assert [s.name for s in store.items] == ["Unread", "Annotated", "Edited since annotated"]
    assert not (data / FILE_NAME).exists()  # nothing written until the reader changes something


def test_add_rename_move_delete_persist_in_order(data):
    store = SavedSearches(data)
    store.add("Rust news", "tag:rust is:unread")
    store.rename("annotated", "With notes")
    store.move("Rust news", 0)
    store.delete("Edited since annotated")
    again = SavedSearches(data)
    assert again.items == [SavedSearch("Rust news", "tag:rust is:unread"), SavedSearch("Unread", "is:unread"),
                           SavedSearch("With notes", "has:notes")]
    again.add("rust NEWS", "tag:rust")  # the same name, any case: the new query replaces the old
    assert SavedSearches(data).find("Rust-News") == SavedSearch("Rust news", "tag:rust")
    with pytest.raises(SavedSearchError, match="already"):
        again.rename("Unread", "with notes")
    with pytest.raises(SavedSearchError, match="no saved search"):
        again.delete("nothing like it")
    with pytest.raises(SavedSearchError):
        again.add("  ", "x")


def test_at_names_expand_to_their_queries(data):
    store = SavedSearches(data)
    store.add("Long reads", "minutes:>20")
    assert store.expanded("@long-reads") == "minutes:>20"
    assert store.expanded("@Edited since annotated") == "is:edited"
    assert store.expanded("@unread tag:rust") == "(is:unread) tag:rust"
    assert store.expanded("mail@example.com @nobody") == "mail@example.com @nobody"


def test_another_writer_is_seen_and_a_damaged_file_is_set_aside(data):
    first, second = SavedSearches(data), SavedSearches(data)
    first.add("Mine", "harbour")
    second.reload_if_changed()
    assert second.find("mine") is not None
    (data / FILE_NAME).write_text('{"searches": [{"name": "half', encoding="utf-8")
    damaged = SavedSearches(data)
    assert damaged.items == list(BUILT_IN) and "set aside" in damaged.problem
    aside = list(data.glob("saved-searches.damaged-*.json"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8").startswith('{"searches"')
    assert not (data / FILE_NAME).exists()


def test_a_read_only_data_folder_refuses_with_a_reason(small_disk):
    store = SavedSearches(small_disk.path)
    small_disk.read_only()
    try:
        with pytest.raises(SavedSearchError, match="cannot save"):
            store.add("x", "y")
        assert store.items == list(BUILT_IN)
    finally:
        small_disk.writable()


@pytest.fixture
def small_library(library):
    for n in range(12):
        write(library, f"n{n:02d}.md", f"---\ntitle: Note {n}\ndate: 2024-01-{n + 1:02d}\ntags: [{'rust' if n % 3 == 0 else 'misc'}]\n---\n"
                                      + "word " * (50 + 300 * n) + "\n")
    return library


def test_the_command_line_lists_adds_runs_and_deletes(cli, small_library, data):
    lib = ["--library", str(small_library)]
    listed = cli.json(*lib, "searches", "list", "--json")
    assert [(s["name"], s["count"]) for s in listed] == [("Unread", 12), ("Annotated", 0), ("Edited since annotated", 0)]
    assert "saved 'Rust'" in cli(*lib, "searches", "add", "Rust", "tag:rust").stdout
    found = cli.json(*lib, "search", "@rust", "--json")
    assert found["query"] == "@rust" and found["total"] == 4
    assert {h["id"] for h in found["hits"]} == {"n00.md", "n03.md", "n06.md", "n09.md"}
    # Combinable with the rest of the language, and minutes are in the hits.
    long = cli.json(*lib, "search", "@rust minutes:>5", "--json")
    assert {h["id"] for h in long["hits"]} == {"n06.md", "n09.md"} and all(h["minutes"] > 5 for h in long["hits"])
    cli(*lib, "notes", "add", "n03.md", "A thought.")
    assert cli.json(*lib, "search", "@annotated", "--json")["total"] == 1
    gone = cli(*lib, "search", "@nothing", check=1)
    assert gone.stderr.strip() == "article-reader: no saved search named 'nothing' (see: article-reader searches list)"
    assert "deleted 'Rust'" in cli(*lib, "searches", "delete", "rust").stdout
    assert cli(*lib, "searches", "delete", "rust", check=1).stderr.count("\n") == 1
    cli(*lib, "searches", check=2)


def test_the_command_line_says_a_damaged_file_was_set_aside(cli, small_library, data):
    (data / FILE_NAME).write_bytes(b"\xff\xfe not json")
    run = cli("--library", str(small_library), "searches", "list")
    assert "set aside" in run.stderr and "Unread" in run.stdout
    assert [p.read_bytes() for p in data.glob("saved-searches.damaged-*.json")] == [b"\xff\xfe not json"]
