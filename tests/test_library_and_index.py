"""Scanning a library folder, and keeping its index current and healthy."""

import os
import sys
import threading
import time

import pytest
from conftest import write

from reader.library.scanning import LibraryError, library_root, scan_library
from reader.search.searching import LibraryIndex


def ids(scan):
    return [f.id for f in scan.files]


def test_only_article_files_outside_hidden_folders_are_listed(library):
    for rel in ("a.md", "b.markdown", "c.mdown", "d.txt", "sub/e.MD", "photo.png", ".hidden.md", ".git/f.md", "sub/.cache/g.md"):
        write(library, rel, "text")
    assert ids(scan_library(library)) == ["a.md", "b.markdown", "c.mdown", "d.txt", "sub/e.MD"]


def test_symlinks_are_followed_without_looping_and_each_file_counted_once(library, tmp_path):
    write(library, "real/story.md", "text")
    os.symlink(library / "real", library / "alias")  # the same folder by two paths
    os.symlink(library, library / "real" / "loop")  # a loop back to the top
    outside = tmp_path / "elsewhere"
    write(outside, "linked.md", "linked text")
    os.symlink(outside / "linked.md", library / "linked.md")
    os.symlink(library / "missing.md", library / "broken.md")
    scan = scan_library(library)
    assert ids(scan) == ["alias/story.md", "linked.md"]
    assert [(s.path, s.reason) for s in scan.skipped] == [("broken.md", "broken symbolic link")]


def test_special_files_empty_and_oversized_files_are_skipped_with_reasons(library):
    os.mkfifo(library / "pipe.md")
    write(library, "empty.md", "")
    big = library / "big.md"
    with open(big, "wb") as handle:
        handle.truncate(9 * 1024 * 1024)
    write(library, "ok.md", "fine")
    scan = scan_library(library)
    assert ids(scan) == ["ok.md"]
    assert {s.path: s.reason for s in scan.skipped} == {
        "pipe.md": "not a regular file", "empty.md": "empty file", "big.md": "larger than 8 MB"}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_a_non_utf8_file_name_is_skipped_with_a_printable_reason(library):
    os.close(os.open(os.fsencode(library) + b"/caf\xe9.md", os.O_CREAT | os.O_WRONLY))
    (library / "caf\udce9.md").write_bytes(b"text")
    scan = scan_library(library)
    assert ids(scan) == []
    assert scan.skipped[0].reason == "file name is not valid UTF-8" and scan.skipped[0].path == "caf\ufffd.md"


def test_a_missing_library_is_an_error(tmp_path):
    with pytest.raises(LibraryError, match="not found"):
        library_root(tmp_path / "nope")
    write(tmp_path, "file.md", "x")
    with pytest.raises(LibraryError, match="not a folder"):
        library_root(tmp_path / "file.md")


# ---------------------------------------------------------------- incremental index

def report_counts(report):
    return report.added, report.updated, report.removed, report.unchanged, len(report.skipped)


def test_incremental_update_counts_each_kind_of_change(library, data):
    write(library, "one.md", "# One\nalpha")
    write(library, "two.md", "# Two\nbeta")
    write(library, "three.md", "# Three\ngamma")
    index = LibraryIndex(library_root(library), data)
    assert report_counts(index.update()) == (3, 0, 0, 0, 0)
    assert report_counts(index.update()) == (0, 0, 0, 3, 0)

    write(library, "two.md", "# Two\nbeta, revised")  # edited
    (library / "three.md").unlink()  # removed
    write(library, "four.md", "# Four\ndelta")  # added
    write(library, "bad.md", b"\x00\x01binary")  # skipped
    os.utime(library / "one.md", ns=(1, 1))  # touched, same content
    report = index.update()
    assert report_counts(report) == (1, 1, 1, 1, 1)  # one.md: touched but the same
    assert report.skipped[0].path == "bad.md" and "binary" in report.skipped[0].reason
    assert index.search("revised").total == 1 and index.search("gamma").total == 0
    assert index.search("delta").hits[0].id == "four.md"


def recheck(library, data) -> dict:
    """The window's re-check, as it asks it: the installed interpreter, in a child process."""
    import json
    import subprocess

    done = subprocess.run([sys.executable, "-m", "reader.index.recheck", str(library_root(library)), str(data)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_re_check_in_a_child_process_says_whether_an_update_has_work(library, data):
    write(library, "one.md", "# One\nalpha")
    write(library, "two.md", "# Two\nbeta")
    assert recheck(library, data) == {"pending": True, "skipped": 0}  # never indexed
    index = LibraryIndex(library_root(library), data)
    index.update()
    assert recheck(library, data) == {"pending": False, "skipped": 0}
    write(library, "two.md", "# Two\nbeta, revised")
    assert recheck(library, data)["pending"]
    index.update()
    assert not recheck(library, data)["pending"]
    (library / "one.md").unlink()
    assert recheck(library, data)["pending"]
    index.update()
    write(library, "three.md", "# Three\ngamma")
    assert recheck(library, data)["pending"]
    index.update()
    write(library, "huge.md", "x" * (9 * 1024 * 1024))  # past the size limit: skipped by the scan
    assert recheck(library, data) == {"pending": False, "skipped": 1}
    index.close()
    for damaged in index.index_dir.glob("_MAIN_*.toc"):
        damaged.write_bytes(b"garbage")
    assert recheck(library, data)["pending"]  # a damaged index: the update will rebuild it


def test_the_first_searches_of_a_quick_searcher_are_whooshs_and_the_same(library, data):
    """The window's searcher has Whoosh collect its searches until the column scoring is
    imported (on another thread, after launch): the same hits, scores and totals."""
    import subprocess

    for n in range(12):
        write(library, f"a{n}.md", f"# Note {n}\nalpha beta {'gamma ' * n}words {n}\n")
    LibraryIndex(library_root(library), data).update()
    script = (
        "import sys; from pathlib import Path; from reader.service import ReaderService; "
        "from reader.library.scanning import library_root; "
        f"s = ReaderService(library_root(Path({str(library)!r})), Path({str(data)!r}), quick_first_searches=True); "
        "s.prepare_search(); q = ['gamma', 'alpha -gamma', 'words alpha']; "
        "first = [[(h.id, h.score) for h in s.search(t).hits] for t in q]; "
        "whoosh = 'reader.search.column_scoring' not in sys.modules; s.warm_scoring(); "
        "later = [[(h.id, h.score) for h in s.search(t).hits] for t in q]; "
        "print(whoosh, first == later, len(first[0]), len(first[1]))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "11", "1"], out.stderr


def test_a_rename_is_seen_as_the_same_content_at_a_new_path(library, data):
    write(library, "old/name.md", "# Story\ntext")
    index = LibraryIndex(library_root(library), data)
    index.update()
    (library / "new").mkdir()
    os.rename(library / "old" / "name.md", library / "new" / "name.md")
    report = index.update()
    assert report.renamed == [("old/name.md", "new/name.md")]
    assert index.search("story").hits[0].id == "new/name.md"


def test_rebuild_starts_over(library, data):
    write(library, "one.md", "alpha")
    index = LibraryIndex(library_root(library), data)
    index.update()
    assert report_counts(index.update(rebuild=True)) == (1, 0, 0, 0, 0)


@pytest.mark.parametrize("damage", ["delete dir", "garbage toc", "truncate segments", "half postings",
                                    "garbage catalog", "old format"])
def test_a_damaged_index_is_rebuilt_with_a_reason(library, data, damage):
    write(library, "one.md", "# One\nalpha")
    write(library, "two.md", "# Two\nbeta")
    index = LibraryIndex(library_root(library), data)
    index.update()
    index.close()
    state = index.state
    if damage == "delete dir":
        for f in (state / "index").iterdir():
            f.unlink()
    elif damage == "garbage toc":
        for toc in (state / "index").glob("*.toc"):
            toc.write_bytes(b"garbage" * 100)
    elif damage == "truncate segments":
        segment_files = [f for f in (state / "index").glob("MAIN_*") if "WRITELOCK" not in f.name]
        assert segment_files
        for seg in segment_files:
            seg.write_bytes(seg.read_bytes()[:20])
    elif damage == "half postings":
        (postings,) = (state / "index").glob("*.apo")
        postings.write_bytes(postings.read_bytes()[: postings.stat().st_size // 2])
    elif damage == "garbage catalog":
        (state / "catalog.sqlite").write_bytes(b"not a database" * 500)
    elif damage == "old format":
        import sqlite3
        with sqlite3.connect(state / "catalog.sqlite") as db:
            db.execute("UPDATE meta SET value='0.0' WHERE key='format'")
    fresh = LibraryIndex(library_root(library), data)
    report = fresh.update()
    if damage != "delete dir":
        assert report.rebuilt, damage
    assert report.added == 2
    assert fresh.search("alpha").hits[0].id == "one.md"


def test_two_libraries_share_a_data_dir_without_mixing(tmp_path, data):
    first, second = tmp_path / "first", tmp_path / "second"
    write(first, "a.md", "shared word apples")
    write(second, "b.md", "shared word oranges")
    one = LibraryIndex(library_root(first), data)
    two = LibraryIndex(library_root(second), data)
    one.update(), two.update()
    assert [h.id for h in one.search("shared").hits] == ["a.md"]
    assert [h.id for h in two.search("shared").hits] == ["b.md"]


def test_the_library_is_never_written_to(sample_copy, data):
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in sample_copy.rglob("*")}
    index = LibraryIndex(library_root(sample_copy), data)
    index.update()
    index.search("drills")
    after = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in sample_copy.rglob("*")}
    assert before == after


def test_articles_are_listed_newest_first_and_undated_last(sample_copy, data):
    index = LibraryIndex(library_root(sample_copy), data)
    index.update()
    listed = index.articles()
    dated = [a.date for a in listed if a.date]
    assert dated == sorted(dated, reverse=True)
    assert all(a.date is None for a in listed[len(dated):])
    assert listed[0].id == "world/lavrov-remilitarisation-remarks.md"


def test_a_kept_open_searcher_never_shows_a_replaced_article_twice(library, data):
    for n in range(5):
        write(library, f"a{n}.md", f"# Article {n}\ncommon words here")
    index = LibraryIndex(library_root(library), data)
    index.update()
    assert index.search("common").total == 5  # the searcher is now open and kept
    index.reindex_notes(["a2.md"])  # replaces a document inside an existing segment
    write(library, "a3.md", "# Article 3\ncommon words, edited")
    index.update()
    results = index.search("common", limit=20)
    assert results.total == 5 and sorted(h.id for h in results.hits) == [f"a{n}.md" for n in range(5)]


# ---------------------------------------------------------------- worker processes

MANY = 650  # enough files for two worker processes (FILES_PER_WORKER = 300)


def write_many(library, version: str) -> None:
    for n in range(MANY):
        write(library, f"batch/{n % 7}/article-{n}.md",
              f"---\ntitle: Article {n}\ntags: [batch]\n---\nUnique word uniq{n}x and {version} in every one.\n")


def worker_pids() -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry.name}/stat").read()
            cmdline = open(f"/proc/{entry.name}/cmdline", "rb").read()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"reader.index.parallel" in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(os.cpu_count() < 2, reason="worker processes need two cores")
def test_a_large_batch_is_indexed_by_worker_processes_and_changes_replace_old_copies(library, data):
    write_many(library, "firstversion")
    write(library, "bad.md", b"\x00\x01binary")
    index = LibraryIndex(library_root(library), data)
    seen = []
    report = index.update(progress=lambda done, total: seen.append((done, total)))
    assert report_counts(report) == (MANY, 0, 0, 0, 1)
    assert report.skipped[0].path == "bad.md"
    assert seen[-1] == (MANY + 1, MANY + 1) and len(seen) > 2
    assert index.search("firstversion").total == MANY
    for n in (0, 1, 333, MANY - 1):
        assert [h.id for h in index.search(f"uniq{n}x").hits] == [f"batch/{n % 7}/article-{n}.md"]
    assert index.search("uniq12*").total == 11  # the vocabulary came back from the workers too

    write_many(library, "secondversion")
    for n in range(MANY - 10, MANY):
        os.utime(library / f"batch/{n % 7}/article-{n}.md", ns=(n, n))
    (library / "bad.md").unlink()
    index = LibraryIndex(library_root(library), data)
    report = index.update()
    assert report_counts(report) == (0, MANY, 0, 0, 0)
    assert index.search("secondversion").total == MANY
    assert index.search("firstversion").total == 0
    assert index.search("tag:batch").total == MANY
    assert len(index.articles()) == MANY
    assert worker_pids() == []


@pytest.mark.skipif(os.cpu_count() < 2, reason="worker processes need two cores")
@pytest.mark.parametrize("fault", ["worker killed", "cancelled"])
def test_a_failed_or_cancelled_batch_leaves_the_index_as_it_was(library, data, fault):
    write(library, "kept.md", "# Kept\nsurvivor")
    index = LibraryIndex(library_root(library), data)
    index.update()
    write_many(library, "firstversion")
    killed = []

    def interrupt(done, total):
        if done > 100 and not killed:
            killed.append(True)
            if fault == "cancelled":
                raise KeyboardInterrupt
            os.kill(worker_pids()[0], 9)

    with pytest.raises(KeyboardInterrupt if fault == "cancelled" else RuntimeError):
        index.update(progress=interrupt)
    assert worker_pids() == []
    assert index.search("survivor").total == 1 and index.search("firstversion").total == 0
    index = LibraryIndex(library_root(library), data)
    report = index.update()
    assert (report.added, report.rebuilt) == (MANY, None)
    assert index.search("firstversion").total == MANY


@pytest.mark.skipif(os.cpu_count() < 2, reason="worker processes need two cores")
def test_a_huge_first_build_commits_in_parts_and_a_cancel_keeps_the_parts_done(library, data, monkeypatch):
    import reader.index.index as index_module

    monkeypatch.setattr(index_module, "COMMIT_EVERY", 300)  # 50,000 in real life
    write_many(library, "firstversion")
    index = LibraryIndex(library_root(library), data)

    def cancel_in_the_third_part(done, total):
        if done > 610:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.update(progress=cancel_in_the_third_part)
    index = LibraryIndex(library_root(library), data)
    report = index.update()
    assert (report.added, report.unchanged, report.rebuilt) == (MANY - 600, 600, None)
    assert index.search("firstversion").total == MANY and len(index.articles()) == MANY


@pytest.mark.skipif(os.cpu_count() < 2, reason="worker processes need two cores")
def test_a_worker_starts_a_new_segment_past_its_limit_and_every_article_is_found(library, data, monkeypatch):
    import reader.index.index as index_module

    monkeypatch.setattr(index_module, "SEGMENT_ARTICLES", 100)  # 12,500 in real life
    write_many(library, "capped")
    index = LibraryIndex(library_root(library), data)
    assert report_counts(index.update()) == (MANY, 0, 0, 0, 0)
    sizes = sorted(s.doc_count_all() for s in index._ix._segments())
    assert sum(sizes) == MANY and len(sizes) >= 6 and max(sizes) <= 100
    assert index.search("capped").total == MANY
    for n in (0, 99, 100, 101, 333, MANY - 1):
        assert [h.id for h in index.search(f"uniq{n}x").hits] == [f"batch/{n % 7}/article-{n}.md"]
    assert index.search('"unique word uniq7x"').total == 1


def test_a_worker_process_writes_with_the_whoosh_fixes_applied():
    """A worker imports only the module that writes; the fixes (field lengths in memory,
    spilled runs in chunks) must come with it, or a big build is half again as slow."""
    import subprocess
    import sys

    code = "import reader.index.writing, reader.index.whoosh_fixes as f; print(f._applied)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "True"


def test_the_vocabulary_is_every_word_of_every_text_field(sample_copy, data):
    """Prefix, fuzzy and did-you-mean read the words as written, collected in the same pass
    as the positions: exactly the words of title, authors, tags, source, text and notes,
    folded (an umlaut also as its German transliteration), and each spelled with accents."""
    from reader.service import ReaderService
    from reader.text.analysis import is_cjk, spelling_keys, words

    write(sample_copy, "cjk.md", "---\ntitle: 東京 Weather_Report\nauthors: [Zoë Ångström]\n---\nRain in 東京で雨 today, version 1.70.0 HashMap.\n")
    service = ReaderService(sample_copy, data)
    service.update()
    service.add_note("cjk.md", "A comment mentioning marmalade-flavoured zeppelins")
    expected = set()
    for info in service.articles():
        article = service.read(info.id)
        texts = [article.title, *article.authors, *article.tags, article.source, article.text,
                 "\n".join(n.text for n in service.notes_on(info.id))]
        expected |= {key for t in texts for w in words(t) if not is_cjk(w) for key in spelling_keys(w)} - {""}
    assert set(service.index.catalog.words()) == expected
    assert {"zeppelins", "weather_report", "zoe", "angstrom", "angstroem", "1.70.0"} <= expected
    spellings = service.index.catalog.spellings()
    assert [w for w, _ in spellings["zoe"]] == ["zoë"] and [w for w, _ in spellings["angstroem"]] == ["ångström"]
    service.close()


@pytest.mark.skipif(os.cpu_count() < 2, reason="worker processes need two cores")
def test_a_quick_listing_of_many_files_is_made_by_worker_processes(library, data, monkeypatch):
    """A never-indexed library is listed from its metadata first; with many files that pass
    runs in worker processes (FILES_PER_LISTER is 2,500 in real life), each file once."""
    import reader.index.index as index_module

    monkeypatch.setattr(index_module, "FILES_PER_LISTER", 200)
    write_many(library, "firstversion")
    listed: list = []
    pids_seen: set[int] = set()
    done = threading.Event()

    def watch():  # the listing workers (a worker may have gone by the time its rows arrive)
        while not done.is_set() and len(listed) < MANY:
            pids_seen.update(worker_pids())
            time.sleep(0.002)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    index = LibraryIndex(library_root(library), data)
    try:
        report = index.update(listing=listed.extend)
    finally:
        done.set()
        watcher.join()
    assert report.added == MANY
    quick = listed  # the quick pass only: what is listed early is not sent again by the full pass
    assert len(quick) == MANY
    assert sorted(i.id for i in quick) == sorted(f"batch/{n % 7}/article-{n}.md" for n in range(MANY))
    assert {i.title for i in quick} == {f"Article {n}" for n in range(MANY)}
    assert pids_seen, "no worker process was seen while the list was sent"
    index.close()


def test_a_failed_listing_worker_leaves_the_list_to_this_process(library, data, monkeypatch):
    import reader.index.index as index_module

    def not_importable_in_a_worker(entries, batch, send):  # defined in a test: a worker cannot import it
        raise AssertionError("never runs here")

    monkeypatch.setattr(index_module, "FILES_PER_LISTER", 200)
    monkeypatch.setattr(index_module, "list_part", not_importable_in_a_worker)
    write_many(library, "firstversion")
    listed: list = []
    index = LibraryIndex(library_root(library), data)
    assert index.update(listing=listed.extend).added == MANY
    assert sorted({i.id for i in listed}) == sorted(f"batch/{n % 7}/article-{n}.md" for n in range(MANY))
    index.close()
