"""A library of trouble: every good file indexed, every bad one skipped with its reason,
nothing hangs, nothing crashes — through the installed command and the renderer."""

import json
import os
import sys
import time

import pytest
from conftest import REPO, write

sys.path.insert(0, str(REPO / "bench"))
from trouble import BAD, GOOD, GOOD_WORDS, make_trouble  # noqa: E402

from reader.library.article import NotAnArticle
from reader.library.scanning import library_root, read_article, scan_library
from reader.render import article_page
from reader.search.searching import LibraryIndex


@pytest.fixture
def trouble(tmp_path):
    library = make_trouble(tmp_path, huge_mb=9, sparse=True)  # bench/trouble.py makes it 50 MB, for real
    (library / "caf\udce9-latin1-name.md").write_bytes(b"text")
    return library


def test_a_library_of_trouble_indexes_what_it_can_and_says_why_not_the_rest(cli, trouble):
    started = time.perf_counter()
    proc = cli("--library", trouble, "index", "--json", timeout=300)
    elapsed = time.perf_counter() - started
    report = json.loads(proc.stdout)
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    for name, (_, reason) in BAD.items():
        assert reason in skipped[name], (name, skipped)
    assert skipped["fifo.md"] == "not a regular file"
    assert skipped["dangling.md"] == "broken symbolic link"
    assert skipped["caf\ufffd-latin1-name.md"] == "file name is not valid UTF-8"
    assert report["added"] == len(GOOD) + 1  # and the file linked from outside
    assert any(w["path"] == "laughs.md" for w in report["warnings"])
    assert any(w["path"] == "unsafe-yaml.md" for w in report["warnings"])
    assert not os.path.exists("/tmp/pwned")
    for word in GOOD_WORDS:
        assert cli.json("--library", trouble, "search", word, "--json")["total"] == 1, word
    assert cli.json("--library", trouble, "search", "alert", "--json")["total"] == 0  # script text is not content
    assert elapsed < 120  # bounded: nothing hangs on a FIFO, a loop or pathological Markdown


def test_every_readable_file_of_the_trouble_library_renders(trouble):
    rendered = 0
    for entry in scan_library(trouble).files:
        try:
            article = read_article(entry).article
        except NotAnArticle:
            continue
        rendered += 1
        started = time.perf_counter()
        html = article_page(article, trouble).html
        assert time.perf_counter() - started < 10, entry.id
        assert "<script" not in html and "<iframe" not in html
    assert rendered == len(GOOD) + 1


def test_a_file_deleted_between_scan_and_read_is_skipped(library, data, monkeypatch):
    write(library, "stays.md", "stays here")
    write(library, "goes.md", "about to vanish")
    import reader.index.index as index_module

    real_scan = index_module.scan_library

    def scan_then_delete(root):
        scan = real_scan(root)
        (root / "goes.md").unlink()  # the race a real library has: gone after listing
        return scan

    monkeypatch.setattr(index_module, "scan_library", scan_then_delete)
    report = LibraryIndex(library_root(library), data).update()
    assert report.added == 1
    assert [(s.path, s.reason) for s in report.skipped] == [("goes.md", "file disappeared while reading")]


def snapshot(root):
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if not p.is_symlink()}


def test_nothing_is_written_outside_the_data_dir_or_the_chosen_export_file(cli, tmp_path, data):
    library = tmp_path / "lib"
    write(library, "dots..and..more/name.md", "# Dots\ntext")
    write(library, "CON.md", "# Reserved name\ntext")
    write(library, "a/" + "x" * 200 + ".md", "# Long name\ntext")
    before = {p: v for p, v in snapshot(tmp_path).items() if data not in p.parents and p != data}
    cli("--library", library, "index")
    for article in ("dots..and..more/name.md", "CON.md"):
        cli("--library", library, "notes", "add", article, "../../../etc/passwd /tmp/x `rm -rf /` $(reboot) <script>")
    cli("--library", library, "search", "../../etc")
    target = tmp_path / "exports" / "notes.md"
    target.parent.mkdir()
    before[target.parent] = (target.parent.stat().st_size, target.parent.stat().st_mtime_ns)
    cli("--library", library, "notes", "export", "-o", target)
    cli("--library", library, "notes", "export", "--format", "json", "-o", target, "--force")
    after = {p: v for p, v in snapshot(tmp_path).items() if data not in p.parents and p not in (data, target)}
    after.pop(target.parent, None)
    before.pop(target.parent, None)
    assert after == before  # the library, the home folder and everything else are untouched
    assert json.loads(target.read_text())["notes"][0]["text"].startswith("../../../etc/passwd")
    assert sorted(p.name for p in target.parent.iterdir()) == ["notes.md"]  # no stray temp files
