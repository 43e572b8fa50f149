"""Property tests: the parsers and the renderer never raise; indexed words are found."""

import string

from hypothesis import HealthCheck, given, settings, strategies as st

from reader.articles import NotAnArticle, parse_article
from reader.index import LibraryIndex
from reader.library import library_root
from reader.query import parse
from reader.render import article_page, note_html

QUERY_ALPHABET = st.sampled_from(list(string.ascii_letters + string.digits + ' "()*~:-[]<>=.,/\\\'') +
                                 ["OR ", "AND ", "NOT ", "title:", "tag:", "date:", "date:[", " to ", "path:", "é"])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_parse_or_are_refused_with_a_reason(data):
    try:
        parse_article(data, "x/y.md")
    except NotAnArticle as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None)
# A NUL byte makes a file binary, by design, so generated text leaves it out.
@given(st.text(st.characters(blacklist_characters="\x00"), max_size=400), st.sampled_from(["---\n", "+++\n"]), st.sampled_from(["\n---\n", "\n+++\n", "\n...\n", ""]))
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
