"""PDFs as articles, on real files from ../shared/pdf (copied into tmp_path where a test
changes anything): the text a reader reads (headers, footers and page numbers out, words
hyphenated at a line end whole, ligatures expanded, paragraphs), the metadata, scans and
encrypted files, broken files that never take anything down, and the command line."""

import json
import re
import shutil
from collections import Counter

import pytest
from rapidfuzz.distance import Indel

from conftest import REPO
from reader.library import pdf_text
from reader.library.article import NotAnArticle
from reader.library.body import article_shown_text
from reader.library.formats import parse_article
from reader.library.pdf_text import RawLine, RawPage, clean
from reader.library.sandbox import SandboxFailure, sandboxed

PDFS = REPO.parent / "shared" / "pdf"
needs_pdfs = pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdf is not beside this checkout")


def known() -> list[dict]:
    return json.loads((PDFS / "pdfs.json").read_text())["pdfs"] if PDFS.is_dir() else []


def read(path, name=None):
    return parse_article(path.read_bytes(), name or path.name)


def words_f1(a: str, b: str) -> float:
    left, right = Counter(re.findall(r"\w+", a.lower())), Counter(re.findall(r"\w+", b.lower()))
    common = sum((left & right).values())
    precision, recall = common / max(1, sum(left.values())), common / max(1, sum(right.values()))
    return 2 * precision * recall / (precision + recall) if common else 0.0


def collapsed(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- the text


@needs_pdfs
@pytest.mark.parametrize("entry", known(), ids=lambda e: e["file"])
def test_the_text_is_the_articles_as_a_reader_reads_it(entry):
    """Scored as the public benchmark scores extractors (Levenshtein ratio over the text with
    white space collapsed) and as word F1: pypdfium2's raw text makes 0.9895 / 0.9755 on
    these 24 PDFs; each is at least as good here, and nearly all of them are exact."""
    truth = (PDFS / entry["truth"]).read_text()
    parsed = read(PDFS / entry["file"])
    article = parsed.article
    assert article.format == "pdf" and article.pages == entry["pages"] and parsed.warnings == []
    assert Indel.normalized_similarity(collapsed(article.text), collapsed(truth)) >= 0.997
    assert words_f1(article.text, truth) >= 0.998


@needs_pdfs
def test_running_heads_feet_and_page_numbers_are_left_out_and_hyphenated_words_whole():
    for entry in known():
        text = read(PDFS / entry["file"]).article.text
        truth = (PDFS / entry["truth"]).read_text()
        blocks = Counter(b.strip() for b in text.split("\n\n"))
        truth_blocks = Counter(b.strip() for b in truth.split("\n\n"))
        for line in entry["furniture"]:  # a running line may also be the article's own (its title)
            assert blocks[line] <= truth_blocks[line], (entry["file"], line)
            assert not any(line in b and b != line and line not in truth for b in blocks), (entry["file"], line)
        for word in entry["hyphenated"] or {}:
            pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
            assert len(pattern.findall(text)) == len(pattern.findall(truth)), (entry["file"], word)


def line(text, y, x0=50.0, x1=300.0, size=10.0, start=0):
    return RawLine(start, text, (x0, y, x1, y + size), size)


def test_cleaning_on_made_up_pages():
    """The rules, one by one, on pages made for them: a head and a page number that repeat,
    a word broken by "-" the document never writes with a hyphen (joined) and one it does
    (kept), a ligature, a paragraph's short last line, a list item, a larger heading."""
    pages = []
    for n in (1, 2):
        pages.append(RawPage(400.0, 600.0, [
            line("The Journal of Tests", 575, size=8), line("A Heading Larger", 500, size=14),
            line("Some text about the well-", 470), line("known ﬁndings in the long run-", 458),
            line("ning study of the matter.", 446, x1=180), line("• an item of a list", 420),
            line("That rule is well-known.", 380, x1=160), line(f"{n}", 20, x0=195, x1=205, size=8),
        ]))
    text = clean(pages).text
    assert "Journal of Tests" not in text and not re.search(r"\n\n[12]\n\n|\n\n[12]$", text)
    assert "the well-known findings in the long running study of the matter." in text
    assert "\n\n• an item of a list" in text and "A Heading Larger\n\nSome text" in text


def test_two_columns_read_in_the_wrong_order_are_read_column_by_column():
    left = [line(f"left {i}", 700 - 12 * i, x0=40, x1=280, start=i) for i in range(8)]
    right = [line(f"right {i}", 700 - 12 * i, x0=320, x1=560, start=100 + i) for i in range(8)]
    zigzag = [x for pair in zip(left, right) for x in pair]
    text = clean([RawPage(600.0, 800.0, zigzag)]).text
    assert text.index("left 7") < text.index("right 0")
    assert clean([RawPage(600.0, 800.0, left + right)]).cleaned["pages read by columns"] == 0


@needs_pdfs
def test_the_shown_text_is_the_text_and_every_character_knows_its_page():
    for entry in known():
        article = read(PDFS / entry["file"]).article
        assert article_shown_text(article).text == article.text  # quotes are made on one text
        for quote in entry["page_quotes"]:
            at = article.text.find(quote["quote"])
            assert at != -1 and article.layout.page_of(at) + 1 == quote["page"]
            spans = article.layout.spans(at, at + len(quote["quote"]))
            assert {page + 1 for page, _, _ in spans} == {quote["page"]}


# ---------------------------------------------------------------- metadata


@needs_pdfs
def test_titles_authors_dates_and_keywords():
    """Junk titles (a Word file's name, a file name, "untitled") give way to the largest
    text of page 1; dates are the calendar date as written, whatever the time zone."""
    for entry in known():
        if entry["title"] is None:
            continue
        article = read(PDFS / entry["file"]).article
        assert article.title == entry["title"], entry["file"]
        if entry["dates"]:
            assert article.date.isoformat() in entry["dates"], entry["file"]
        if entry["authors"] and entry["metadata"] in ("info", "xmp"):
            assert list(article.authors) == entry["authors"], entry["file"]
        if entry["keywords"]:
            assert list(article.tags) == entry["keywords"], entry["file"]
        assert article.lang == (entry["lang"] or "en")  # none declared: told from the English text


@needs_pdfs
def test_a_scan_and_encrypted_pdfs():
    scan = read(PDFS / "special" / "scanned-article.pdf")
    assert scan.article.pages == 6 and scan.article.text == "" and any("no text layer" in w for w in scan.warnings)
    opened = read(PDFS / "special" / "encrypted-empty-password.pdf")
    truth = (PDFS / "special" / "encrypted-empty-password.txt").read_text()
    assert words_f1(opened.article.text, truth) > 0.99 and opened.warnings == []
    locked = read(PDFS / "special" / "encrypted-needs-password.pdf")
    assert locked.article.title == "Encrypted needs password" and locked.warnings == ["it is encrypted and needs a password"]


# ---------------------------------------------------------------- hostile files


@needs_pdfs
def test_every_broken_file_is_read_or_skipped_with_a_reason_and_nothing_crashes():
    hostile = json.loads((PDFS / "hostile" / "hostile.json").read_text())["hostile"]
    read_, skipped = 0, []
    for entry in hostile:
        try:
            read(PDFS / "hostile" / entry["file"])
            read_ += 1
        except NotAnArticle as exc:
            assert str(exc), entry["file"]
            skipped.append(entry["file"])
    assert read_ + len(skipped) == len(hostile) == 66
    assert {"garbage-named.pdf", "header-only.pdf", "epub-truncated.epub"} <= set(skipped)
    assert read(PDFS / "rust-gats-stabilization-push.pdf").article.pages == 2  # and the next file is fine


def test_a_parser_that_crashes_hangs_or_eats_memory_costs_one_request():
    with pytest.raises(SandboxFailure, match="crashed"):
        sandboxed("os", "abort")
    with pytest.raises(SandboxFailure, match="longer than"):
        sandboxed("time", "sleep", 10, timeout=0.5)
    with pytest.raises(SandboxFailure, match="memory"):
        sandboxed("builtins", "bytearray", 8 << 30)
    assert sandboxed("math", "factorial", 5) == 120  # a new child answers the next request


@needs_pdfs
def test_a_pdf_that_takes_too_long_is_skipped_and_the_next_one_is_read(monkeypatch):
    from reader.library import formats

    monkeypatch.setattr(formats, "MIN_SECONDS", 0.0005)
    monkeypatch.setattr(formats, "SECONDS_PER_MB", 0.0)
    with pytest.raises(NotAnArticle, match="longer than"):
        read(PDFS / "rust-this-development-cycle-in-cargo-1-80.pdf")
    monkeypatch.undo()
    assert read(PDFS / "rust-this-development-cycle-in-cargo-1-80.pdf").article.pages == 15


# ---------------------------------------------------------------- the command line


@needs_pdfs
def test_a_folder_of_pdfs_is_a_library_from_the_command_line(cli, tmp_path):
    library = tmp_path / "papers"
    library.mkdir()
    for name in ("rust-gats-stabilization-push.pdf", "web-lemonde-1.pdf", "rust-types-announcement.pdf"):
        shutil.copy(PDFS / name, library / name)
    shutil.copy(PDFS / "special" / "scanned-article.pdf", library / "scan.pdf")
    shutil.copy(PDFS / "hostile" / "header-only.pdf", library / "broken.pdf")
    report = json.loads(cli("--library", library, "index", "--json").stdout)
    assert report["added"] == 4
    assert report["skipped"] == [{"path": "broken.pdf", "reason": "cannot read this PDF: it is not a PDF PDFium can "
                                                                   "read (damaged or not a PDF)"}]
    hits = json.loads(cli("--library", library, "search", "renseignement", "--json").stdout)["hits"]
    assert [h["id"] for h in hits] == ["web-lemonde-1.pdf"] and "renseignement" in hits[0]["snippet"]
    shown = json.loads(cli("--library", library, "show", "scan.pdf", "--json").stdout)
    assert shown["format"] == "pdf" and shown["pages"] == 6 and shown["warnings"] == [pdf_text_warning()]
    quote = "However, it does compile fine if you were to implement this using the LendingIterator trait from before:"
    cli("--library", library, "notes", "add", "rust-gats-stabilization-push.pdf", "Check this", "--quote", quote)
    listed = json.loads(cli("--library", library, "notes", "list", "--json").stdout)
    assert listed[0]["page"] == 2 and listed[0]["anchor"]["state"] == "exact"
    shown = json.loads(cli("--library", library, "show", "rust-gats-stabilization-push.pdf", "--json").stdout)
    assert shown["warnings"] == [] and shown["notes"][0]["page"] == 2 and quote in shown["text"]


def pdf_text_warning() -> str:
    from reader.library.pdf import NO_TEXT

    return NO_TEXT


def test_the_cleaning_module_keeps_no_pdfium_import():
    """The parent never loads PDFium: the text's cleaning is plain Python on plain data."""
    assert "pypdfium2" not in pdf_text.__dict__


@needs_pdfs
def test_highlights_find_their_passage_in_a_new_version_of_the_pdf():
    """20 real article revisions printed to PDF, 100 passages whose fate is known: every one
    right and no false anchor, as well as or better than the Hypothesis-style matcher does on
    the same passages in the Markdown (99 right, 1 false anchor)."""
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    from pdf_anchoring import run

    ours, theirs, notes, _ = run()
    right = sum(n for (_, result), n in ours.items() if result == "right")
    false = sum(n for (_, result), n in ours.items() if result == "false")
    baseline = sum(n for (_, result), n in theirs.items() if result == "right")
    assert sum(ours.values()) == 100 and right >= baseline and false == 0, notes


def test_a_child_that_grew_large_is_stopped_after_its_answer(monkeypatch):
    """An idle child holds little: one that grew past the limit answers, then a new one serves."""
    from reader.library import sandbox

    first = sandboxed("os", "getpid")
    assert sandboxed("os", "getpid") == first  # kept between requests
    monkeypatch.setattr(sandbox, "RECYCLE_ABOVE", 1 << 20)
    assert sandboxed("os", "getpid") == first  # answered, then stopped
    monkeypatch.undo()
    assert sandboxed("os", "getpid") != first
