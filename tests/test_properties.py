"""Property tests: the parsers and the renderer never raise; indexed words are found."""

import html
import re
import string

from hypothesis import HealthCheck, given, settings, strategies as st

from reader.library.article import NotAnArticle
from reader.library.formats import parse_article
from reader.library.scanning import library_root
from reader.render import article_page, note_html
from reader.search.query import parse
from reader.search.searching import LibraryIndex

QUERY_ALPHABET = st.sampled_from(list(string.ascii_letters + string.digits + ' "()*~:-[]<>=.,/\\\'') +
                                 ["OR ", "AND ", "NOT ", "title:", "tag:", "date:", "date:[", " to ", "path:", "é"])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_parse_or_are_refused_with_a_reason(data):
    try:
        parse_article(data, "x/y.md")
    except NotAnArticle as exc:
        assert str(exc)


# A NUL byte, or a file that is mostly control characters, makes a file binary by design,
# so generated text leaves out NUL and has at most a few other control characters.
FRONT_TEXT = st.text(st.characters(blacklist_categories=("Cc",)) | st.sampled_from("\n\t\r\x0b\x1f"), max_size=400).filter(
    lambda t: sum(c in "\x0b\x1f" for c in t) <= 8)


@settings(max_examples=300, deadline=None)
@given(FRONT_TEXT, st.sampled_from(["---\n", "+++\n"]), st.sampled_from(["\n---\n", "\n+++\n", "\n...\n", ""]))
def test_any_front_matter_keeps_the_article(front, opener, closer):
    parsed = parse_article((opener + front + closer + "Body words here.").encode("utf-8", "surrogatepass"), "a.md")
    assert parsed.article.title


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_characters="\x00"), max_size=2000))
def test_any_markdown_renders(text):
    article = parse_article(("# T\n\n" + text).encode("utf-8", "surrogatepass"), "a.md").article
    html = article_page(article, None).html
    assert "<script" not in html.lower()
    note_html(text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(QUERY_ALPHABET, max_size=25).map("".join))
def test_any_query_parses(text):
    parse(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.from_regex(r"[a-z]{3,12}", fullmatch=True), min_size=3, max_size=40), st.data())
def test_any_word_indexed_from_an_article_is_found(tmp_path_factory, words, data):
    root = tmp_path_factory.mktemp("lib")
    (root / "a.md").write_text("# Title\n\n" + " ".join(words) + "\n", encoding="utf-8")
    (root / "b.md").write_text("# Other\n\nunrelated filler text\n", encoding="utf-8")
    index = LibraryIndex(library_root(root), tmp_path_factory.mktemp("data"))
    index.update()
    word = data.draw(st.sampled_from(words))
    assert "a.md" in {h.id for h in index.search(word, limit=5).hits}, word
    index.close()


# plain_text as it was before its rules were skipped and merged: every rule on every text.
EVERY_RULE = [(re.compile(p, f), r) for p, f, r in [
    (r"<!--.{0,20000}?-->", re.DOTALL, " "),
    (r"\{%.{0,2000}?%\}|\{\{.{0,2000}?\}\}", re.DOTALL, " "),
    (r"<(script|style)\b[^>]{0,500}>.{0,100000}?</\1\s*>", re.DOTALL | re.IGNORECASE, " "),
    (r"</?[A-Za-z][^<>\n]{0,500}>", 0, " "),
    (r"!\[([^\]\n]{0,500})\]\([^)\n]{0,1000}\)", 0, r"\1"),
    (r"\[([^\]\n]{0,500})\]\([^)\n]{0,1000}\)", 0, r"\1"),
    (r"\[([^\]\n]{0,500})\]\[[^\]\n]{0,200}\]", 0, r"\1"),
    (r"^[ \t]{0,3}\[\^[^\]\n]{1,200}\]:[ \t]*", re.MULTILINE, ""),
    (r"^[ \t]{0,3}\[[^\]\n]{1,200}\]:[ \t]*\S.*$", re.MULTILINE, ""),
    (r"^[ \t]*(?:```|~~~).*$", re.MULTILINE, ""),
    (r"^[ \t]*[|:\- ]{3,}$", re.MULTILINE, ""),
    (r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE, ""),
    (r"^[ \t]{0,3}(?:>[ \t]?)+", re.MULTILINE, ""),
    (r"\*+|`+|(?<!\w)_+|_+(?!\w)", 0, ""),
    (r"\|", 0, " "),
    (r"[ \t]+", 0, " "),
    (r"\n[ \n]*\n", 0, "\n\n"),
]]


def every_rule(text: str) -> str:
    for pattern, replacement in EVERY_RULE:
        text = pattern.sub(replacement, text)
    return html.unescape(text).strip()


MARKDOWN_BITS = st.sampled_from(["<!-- c -->", "{% x %}", "{{ y }}", "<b>", "</i>", "<script>s</script>", "![a](b)",
                                 "[t](u)", "[r][d]", "[^n]: ", "[d]: http://x", "```", "~~~", "|", "---", "#", "> ",
                                 "*", "`", "_", "&amp;", "\n", " ", "\t", "word", "é", "[", "]", "(", ")", "!", "<", "-",
                                 "a*_b", "snake_case", "__init__", "  "])


@settings(max_examples=500, deadline=None)
@given(st.lists(MARKDOWN_BITS, max_size=60).map("".join))
def test_plain_text_skips_only_rules_that_cannot_match(text):
    from reader.library.plaintext import plain_text

    assert plain_text(text) == every_rule(text)


def test_plain_text_skips_only_rules_that_cannot_match_on_real_files():
    from conftest import CORPORA, SAMPLE

    from reader.library.plaintext import plain_text
    from reader.library.textfile import decode_text, split_front_matter

    checked = 0
    for root in (SAMPLE, CORPORA):
        for path in sorted(root.rglob("*.md")) if root.is_dir() else []:
            body = split_front_matter(decode_text(path.read_bytes()))[2]
            assert plain_text(body) == every_rule(body), path
            checked += 1
    assert checked >= 20
