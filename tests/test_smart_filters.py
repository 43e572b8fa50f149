"""Smart filters (is:unread, has:notes…) and reading time, through the engine on real files:
the marks come from the reading state and the notes store, the count is the library's."""

import os

import pytest
from conftest import write

from reader.library.catalog import ArticleInfo
from reader.library.reading_time import minutes_for, word_count
from reader.library.scanning import library_root
from reader.search.query import Mark, Minutes, parse, parse_minutes_value
from reader.service import ReaderService

ARTICLES = 60  # more than a page of hits, so a wrong count cannot hide behind the limit


def words_of(n: int, word: str = "lorem") -> str:
    return " ".join([word] * n)


@pytest.fixture
def service(library, data):
    for n in range(ARTICLES):
        tag = "rust" if n % 2 else "python"
        year = 2020 + n % 6
        length = 230 * (1 + n % 30)  # 1 to 30 minutes
        write(library, f"a/{n:02d}.md", f"---\ntitle: Article {n}\ndate: {year}-05-0{1 + n % 9}\ntags: [{tag}]\n---\n"
                                        + words_of(length, "filler") + " harbour\n")
    svc = ReaderService(library_root(library), data)
    svc.update()
    yield svc
    svc.close()


def ids(service, query, limit=5):
    """The total and every id the query finds (paged by the engine, limit at a time)."""
    first = service.search(query, limit=limit)
    found = [h.id for h in service.search(query, limit=ARTICLES + 1).hits]
    return first.total, set(found)


def test_reading_time_is_words_at_230_a_minute():
    assert word_count("one two  three\nfour") == 4
    assert minutes_for(230 * 7) == 7
    assert minutes_for(10) == 1 and minutes_for(0) == 0
    # No spaces between Japanese words: each two characters count as one.
    assert word_count("東京で雨が降った" * 100) == 400


def test_the_parser_reads_marks_and_minutes():
    assert parse("is:unread") == Mark("read", without=True)
    assert parse("HAS:Notes") == Mark("notes")
    assert parse("minutes:<10") == Minutes(None, 9)
    assert parse("minutes:>20") == Minutes(21, None)
    assert parse_minutes_value("5..15") == Minutes(5, 15)
    assert parse_minutes_value("abc") is None
    assert parse("is:bogus").__class__.__name__ == "Phrase"  # not a mark: plain words, never an error


def test_reading_time_is_in_the_catalog_and_the_hits(service):
    info = service.article("a/06.md")
    assert isinstance(info, ArticleInfo) and info.minutes == 7  # 230 × 7 words and one more
    hit = service.search('"article 6"', limit=1).hits[0]
    assert hit.id == "a/06.md" and hit.minutes == 7


def test_minutes_bounds_count_the_whole_library(service):
    by_minutes = {i.id: i.minutes for i in service.articles()}
    for query, keep in (("minutes:<10", lambda m: m < 10), ("minutes:>20", lambda m: m > 20),
                        ("minutes:5..8", lambda m: 5 <= m <= 8)):
        total, found = ids(service, query)
        expected = {i for i, m in by_minutes.items() if keep(m)}
        assert total == len(expected) and found == expected, query


def test_unread_and_read_follow_the_reading_state(service):
    total, _ = ids(service, "is:unread")
    assert total == ARTICLES
    for n in (1, 3, 4):
        service.set_read(f"a/{n:02d}.md")
    total, found = ids(service, "is:read")
    assert total == 3 and found == {"a/01.md", "a/03.md", "a/04.md"}
    total, found = ids(service, "is:unread tag:rust")
    rust = {f"a/{n:02d}.md" for n in range(1, ARTICLES, 2)}
    assert total == len(rust) - 2 and found == rust - {"a/01.md", "a/03.md"}
    service.set_read("a/03.md", read=False)
    assert ids(service, "is:read")[1] == {"a/01.md", "a/04.md"}
    # Kept on disk: another process (the command line) sees the same.
    other = ReaderService(service.root, service.data)
    try:
        assert ids(other, "is:read")[1] == {"a/01.md", "a/04.md"}
    finally:
        other.close()


def test_notes_highlights_and_edited(service):
    service.add_note("a/10.md", "A comment on ten.")
    service.add_quoted("a/11.md", "filler filler harbour", text="")
    service.add_quoted("a/12.md", "filler harbour", text="and a comment")
    assert ids(service, "has:notes") == (3, {"a/10.md", "a/11.md", "a/12.md"})
    assert ids(service, "has:highlights") == (2, {"a/11.md", "a/12.md"})
    assert ids(service, "harbour -has:notes")[0] == ARTICLES - 3
    assert ids(service, "is:edited") == (0, set())
    path = service.root / "a/10.md"
    path.write_text(path.read_text() + "\nA line added later.\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    service.update()
    assert ids(service, "is:edited") == (1, {"a/10.md"})
    assert ids(service, "has:notes OR is:read") == (3, {"a/10.md", "a/11.md", "a/12.md"})


def test_combined_with_dates_and_words_and_listed_newest_first(service):
    service.set_read("a/05.md")
    total, found = ids(service, "is:unread tag:rust date:[2024 to]")
    expected = {i.id for i in service.articles()
                if "rust" in i.tags and i.date.year >= 2024 and i.id != "a/05.md"}
    assert total == len(expected) and found == expected
    # Filters alone have no relevance to rank by: the newest come first.
    dates = [h.date for h in service.search("is:unread", limit=ARTICLES).hits]
    assert dates == sorted(dates, reverse=True)


def test_an_empty_library_answers_every_filter_with_nothing(library, data):
    svc = ReaderService(library_root(library), data)
    try:
        svc.update()
        for query in ("is:unread", "is:read", "has:notes", "-has:highlights", "is:edited minutes:<5"):
            assert svc.search(query).total == 0, query
    finally:
        svc.close()


def test_an_edited_article_moves_to_its_new_reading_time(service):
    path = service.root / "a/06.md"
    path.write_text(path.read_text() + " filler" * (230 * 10))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    service.update()
    assert service.article("a/06.md").minutes == 17
    assert "a/06.md" not in ids(service, "minutes:7")[1]
    total, found = ids(service, "minutes:17")
    assert "a/06.md" in found and total == len(found) == len({i.id for i in service.articles() if i.minutes == 17})
