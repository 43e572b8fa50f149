"""Parsing one article: encodings, front matter, fields and their fallbacks."""

import datetime as dt
import time

import pytest
from conftest import REPO

from reader.library.article import NotAnArticle
from reader.library.formats import parse_article
from reader.library.plaintext import plain_text
from reader.library.textfile import decode_text


def parse(text: str | bytes, article_id: str = "folder/some-article.md"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_article(data, article_id)


# ---------------------------------------------------------------- encodings

@pytest.mark.parametrize("data", [
    "Le café crème".encode("utf-8"),
    b"\xef\xbb\xbf" + "Le café crème".encode("utf-8"),
    "Le café crème".encode("utf-16"),  # with BOM (native order)
    b"\xfe\xff" + "Le café crème".encode("utf-16-be"),
    b"\xff\xfe" + "Le café crème".encode("utf-16-le"),
    "Le café crème".encode("cp1252"),
    "Le café crème".encode("latin-1"),
])
def test_every_supported_encoding_decodes_to_the_same_text(data):
    assert decode_text(data) == "Le café crème"


def test_cp1252_punctuation_is_not_mistaken_for_another_code_page():
    text = "He said \u201chello\u201d \u2014 it was na\u00efve, a r\u00e9sum\u00e9."
    assert decode_text(text.encode("cp1252")) == text


def test_a_cyrillic_legacy_file_is_detected():
    text = "Привет! Это статья о погоде в Москве и о военных учениях у границы."
    assert decode_text(text.encode("cp1251")) == text


def test_utf8_with_one_broken_byte_keeps_the_rest():
    data = "Crème brûlée et café".encode("utf-8") + b"\xff" + " fin".encode("utf-8")
    text = decode_text(data)
    assert text.startswith("Crème brûlée et café") and text.endswith(" fin")


@pytest.mark.parametrize("data, reason", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (bytes(range(0, 32)) * 40, "binary"),
    (b"", "empty"),
    (b"  \n\n\t ", "empty"),
])
def test_binary_and_empty_files_are_refused_with_a_reason(data, reason):
    with pytest.raises(NotAnArticle, match=reason):
        parse(data)


# ---------------------------------------------------------------- front matter

def test_yaml_front_matter_fields():
    parsed = parse("""---
title: "Drills near the border"
author: [Ann Lee, Bo Chen]
date: 2024-09-26
tags: [Defence, japan]
source: The Gazette
description: A short summary.
---
Body text here.
""")
    a = parsed.article
    assert (a.title, a.authors, a.date, a.tags, a.source, a.summary) == (
        "Drills near the border", ("Ann Lee", "Bo Chen"), dt.date(2024, 9, 26), ("Defence", "japan"),
        "The Gazette", "A short summary.")
    assert a.body.strip() == "Body text here." and parsed.warnings == []


def test_toml_front_matter_fields():
    a = parse("""+++
title = "Rust 1.0"
authors = ["Aaron Turon"]
path = "2014/12/12/1.0-Timeline"
publisher = "The Rust Blog"
summary = "Trains."
[extra]
x = 1
+++
Text.
""").article
    assert (a.title, a.authors, a.date, a.source, a.summary) == (
        "Rust 1.0", ("Aaron Turon",), dt.date(2014, 12, 12), "The Rust Blog", "Trains.")


def test_no_front_matter_uses_the_first_heading_as_title():
    a = parse("Intro line\n\n# The Real Title\n\nText").article
    assert a.title == "The Real Title" and a.authors == () and a.date is None


def test_a_setext_heading_is_a_title_too():
    assert parse("Solar Paint Arrives\n===================\n\nText").article.title == "Solar Paint Arrives"


@pytest.mark.parametrize("article_id, title", [
    ("news/2024-03-01-the-big-story.md", "The big story"),
    ("news/quiet_news_day.txt", "Quiet news day"),
    ("posts/Rust-1.12/index.md", "Rust 1.12"),
])
def test_without_title_or_heading_the_file_name_is_made_readable(article_id, title):
    assert parse("just text", article_id).article.title == title


def test_malformed_yaml_keeps_the_body_and_warns():
    parsed = parse("---\ntitle: [unclosed\ndate: 2024-01-01\n---\nThe body survives.\n")
    assert parsed.article.text == "The body survives."
    assert any("malformed YAML" in w for w in parsed.warnings)


def test_malformed_toml_keeps_the_body_and_warns():
    parsed = parse('+++\ntitle = "unterminated\n+++\nStill here.\n')
    assert parsed.article.text == "Still here." and any("malformed TOML" in w for w in parsed.warnings)


def test_wrongly_typed_fields_are_dropped_one_by_one_with_warnings():
    parsed = parse("---\ntitle: {nested: map}\ndate: not a date at all\nauthor: Kim\ntags: 7\n---\n# Heading Title\nx")
    a = parsed.article
    assert a.title == "Heading Title" and a.authors == ("Kim",) and a.tags == ("7",)
    assert a.date is None
    assert any("'title' is not text" in w for w in parsed.warnings)
    assert any("'date'" in w for w in parsed.warnings)


def test_front_matter_that_is_not_a_mapping_warns():
    parsed = parse("---\n- a\n- b\n---\nBody")
    assert parsed.article.text == "Body" and any("not a mapping" in w for w in parsed.warnings)


def test_an_unclosed_fence_is_just_a_horizontal_rule():
    parsed = parse("---\nNo closing fence, so this is body text.\n")
    assert "No closing fence" in parsed.article.text and parsed.warnings == []


def test_billion_laughs_front_matter_is_refused_fast():
    lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lol.append(f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    text = "---\n" + "\n".join(lol) + "\ntags: *j\ntitle: Laughs\n---\nBody stays."
    started = time.perf_counter()
    parsed = parse(text)
    assert time.perf_counter() - started < 2
    assert parsed.article.text == "Body stays." and parsed.article.tags == ()
    assert any("aliased" in w for w in parsed.warnings)


def test_unsafe_yaml_tags_are_not_executed():
    parsed = parse("---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\nBody")
    assert parsed.article.text == "Body" and any("malformed YAML" in w for w in parsed.warnings)


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("value, expected", [
    ("date: 2024-09-26", dt.date(2024, 9, 26)),
    ("date: 2013-05-06 23:12:52 -0500", dt.date(2013, 5, 6)),  # not shifted to UTC
    ('date: "2013-05-06 02:12:52 +0200"', dt.date(2013, 5, 6)),
    ("date: 2025-09-26T23:30:00+09:00", dt.date(2025, 9, 26)),
    ("published: 2020/02/03", dt.date(2020, 2, 3)),
    ("pubDate: Tue, 10 Jun 2003 23:00:00 -0700", dt.date(2003, 6, 10)),
    ("created: March 3, 2021", dt.date(2021, 3, 3)),
    ("permalink: /2019/07/08/some-post/", dt.date(2019, 7, 8)),
    ("slug: 2018-01-02-new-year", dt.date(2018, 1, 2)),
])
def test_dates_are_the_calendar_date_as_written(value, expected):
    assert parse(f"---\n{value}\n---\nx").article.date == expected


@pytest.mark.parametrize("article_id, expected", [
    ("posts/2016-02-29-leap.markdown", dt.date(2016, 2, 29)),
    ("2021/06/14/bees.md", dt.date(2021, 6, 14)),
    ("archive/2020-05-01/notes.txt", dt.date(2020, 5, 1)),
    ("undated.md", None),
    ("posts/2016-02-30-impossible.md", None),
])
def test_dates_fall_back_to_the_file_name_then_the_folders(article_id, expected):
    assert parse("no front matter", article_id).article.date == expected


# ---------------------------------------------------------------- tags, authors

def test_tags_from_every_key_in_every_form_deduplicated_case_insensitively():
    a = parse("---\ntags: Rust, async ,  ,WebAssembly\ncategories: [release, rust]\ncategory: News\nkeywords: [Async]\n---\nx").article
    assert a.tags == ("Rust", "async", "WebAssembly", "release", "News")


def test_authors_as_string_list_or_named_maps():
    assert parse("---\nauthors: [{name: Ann}, Bo]\n---\nx").article.authors == ("Ann", "Bo")
    assert parse("---\nauthor: Jane Doe\n---\nx").article.authors == ("Jane Doe",)


# ---------------------------------------------------------------- plain text

def test_plain_text_drops_markup_but_keeps_words():
    text = plain_text(
        "## Heading\n\nSome **bold** and _it_ [a link](http://x.example/y) ![alt text](img.png)\n"
        "<div class='x'>html</div> {% raw %} `code` \n\n| a | b |\n|---|---|\n| c | d |\n"
    )
    assert "http" not in text and "**" not in text and "<div" not in text and "{%" not in text
    for word in ("Heading", "bold", "it", "a link", "alt text", "html", "code", "c", "d"):
        assert word in text


def test_footnote_text_is_kept_and_link_references_dropped():
    text = plain_text("See[^n] and [docs][d].\n\n[^n]: The footnote says ferrocene.\n[d]: https://example.org/x\n")
    assert "The footnote says ferrocene." in text and "example.org" not in text
    for word in ("See", "docs"):
        assert word in text


def test_plain_text_is_linear_on_hostile_brackets():
    started = time.perf_counter()
    plain_text("[" * 20000 + "x" + "](" * 5000)
    assert time.perf_counter() - started < 2


def test_authors_written_as_obsidian_wiki_links_are_their_names():
    """Obsidian Web Clipper's default template writes `author: ["[[Name]]"]` (a link to a note)."""
    clipped = (REPO.parent / "shared" / "imports" / "library" / "Clippings" / "Announcing Rust 1.75.0.md").read_bytes()
    assert parse_article(clipped, "Clippings/Announcing Rust 1.75.0.md").article.authors == ("The Rust Release Team",)
    linked = b'---\ntitle: A\nauthor:\n  - "[[Jane Doe|Jane]]"\n  - "[not a link]"\n---\nbody'
    assert parse_article(linked, "a.md").article.authors == ("Jane Doe", "[not a link]")
