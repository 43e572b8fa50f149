"""The engine on 856 real articles from two blogs (../shared/corpora), read-only."""

import datetime as dt
import re

import pytest
from conftest import CORPORA

from reader.library.scanning import library_root
from reader.search.searching import LibraryIndex

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    index = LibraryIndex(library_root(CORPORA), tmp_path_factory.mktemp("data"))
    report = index.update()
    yield index, report
    index.close()


def article_files():
    return sorted(p for p in CORPORA.rglob("*") if p.is_file() and p.suffix in (".md", ".markdown"))


def visible_grep(word: str) -> set[str]:
    """Files whose text, URLs removed, has the word: an independent oracle."""
    found = set()
    for path in article_files():
        text = re.sub(r"https?://\S+|\]\([^)]*\)", " ", path.read_text(encoding="utf-8"))
        if re.search(rf"\b{word}\b", text, re.IGNORECASE):
            found.add(path.relative_to(CORPORA).as_posix())
    return found


def test_every_article_is_indexed_without_skips(corpora):
    index, report = corpora
    files = article_files()
    assert len(files) == 857  # 754 + 102 articles, and the corpora's own README.md
    assert report.added == 857 and report.skipped == []
    assert len(index.articles()) == 857


@pytest.mark.parametrize("word", ["ferrocene", "webassembly"])
def test_plain_words_find_exactly_the_files_that_contain_them(corpora, word):
    index, _ = corpora
    hits = {h.id for h in index.search(word, limit=2000).hits}
    assert hits == visible_grep(word) and hits


def test_jekyll_front_matter_author_and_dates(corpora):
    index, _ = corpora
    parkr = {p.relative_to(CORPORA).as_posix() for p in (CORPORA / "jekyll-posts").iterdir()
             if re.search(r"^author: parkr\s*$", p.read_text(encoding="utf-8"), re.MULTILINE)}
    assert index.search("author:parkr", limit=200).total == len(parkr) == 60
    in_2013 = [p for p in (CORPORA / "jekyll-posts").iterdir() if p.name.startswith("2013-")]
    assert index.search("date:2013 path:jekyll-posts", limit=200).total == len(in_2013) == 16
    hit = index.search('title:"Jekyll 1.0.0 Released"').hits[0]
    assert hit.id == "jekyll-posts/2013-05-06-jekyll-1-0-0-released.markdown"
    assert hit.date == dt.date(2013, 5, 6)  # "2013-05-06 02:12:52 +0200", as written


def test_rust_blog_toml_front_matter_dates_from_path(corpora):
    index, _ = corpora
    hit = index.search('title:"scheduling the trains"').hits[0]
    assert hit.id == "rust-blog/1.0-Timeline.md"
    assert hit.date == dt.date(2014, 12, 12) and hit.authors == ("Aaron Turon",)


def test_accents_fold_on_real_names(corpora):
    index, _ = corpora
    assert index.search("remy").total == index.search("Rémy").total > 0


def test_a_footnote_only_mention_is_found(corpora):
    index, _ = corpora
    assert "rust-blog/adopting-the-fls.md" in {h.id for h in index.search("ferrocene", limit=50).hits}


def test_the_newest_articles_come_first(corpora):
    index, _ = corpora
    listed = index.articles()
    dates = [a.date for a in listed if a.date]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 850
    newest_jekyll = next(a for a in listed if a.id.startswith("jekyll-posts/"))
    assert newest_jekyll.id == "jekyll-posts/2025-01-29-jekyll-4-4-1-released.markdown"


@pytest.mark.parametrize("query", ["crates", "release notes", "compiler OR cargo", "title:rust", "rust -cargo"])
def test_the_number_of_matches_is_the_same_whatever_the_page_size(corpora, query):
    index, _ = corpora
    everything = index.search(query, limit=5000)
    assert everything.total == len(everything.hits) > 20  # the true count: every hit is there
    for limit in (1, 5, 20, 100):
        page = index.search(query, limit=limit)
        assert page.total == everything.total, f"limit {limit}"
        assert [h.id for h in page.hits] == [h.id for h in everything.hits[:limit]]
        assert index.search(query, limit=limit, sort="date").total == everything.total


def phrases_of_the_blogs() -> list[str]:
    """Phrases of 2 to 5 words taken from the real posts, common words and all."""
    found = []
    for n, path in enumerate(article_files()[::12]):
        words = re.findall(r"[A-Za-z]+", path.read_text(encoding="utf-8").split("---")[-1])
        if len(words) > 60:
            size = 2 + n % 4
            found.append('"' + " ".join(words[40:40 + size]) + '"')
    return found + ['"state of the art"', '"of the"', '"in the"', '"the rust"', '"rust 1.70"', '"to be"',
                    '"release of rust"', '"it is the"']


def queries_of_the_blogs() -> list[str]:
    """A third of the blogs' phrases and the words, prefixes, typos, fields and operators
    people type about them: what the differential tests ask both ways."""
    return phrases_of_the_blogs()[::3] + [
        "rust", "release", "jekyll", "compiler error", "cargo crates", "async await", "webassembly", "ferrocene",
        "the", "state of the art", "rel*", "compil*", "c*", "asyn*", "relase~", "interoperabilty~", "compiller",
        "title:release", "author:parkr", "tags:release", "rust -cargo", "jekyll OR hugo", "date:2013 jekyll",
        "rust 1.70", "1.70", "HashMap", "hash map", "async_fn", "note:nothing", "notes:x", "zzzzqqq", "relese notes",
        "-rust", "lang:en rust",
    ]


def test_phrases_find_and_score_exactly_what_whoosh_s_own_matcher_does(corpora, monkeypatch):
    """Phrases matched over the columns in numpy (reader.index.phrase_matching), and the set
    arithmetic fix for other indexes, against Whoosh's Span-by-Span matcher on the same
    index: every hit, its score, the order and the total."""
    from whoosh import query as wq
    from whoosh.formats import Positions
    from whoosh.query.spans import SpanNear2

    from reader.index import whoosh_fixes
    from reader.index.phrase_matching import ColumnarPhrase
    from reader.text.analysis import TermPositions

    index, _ = corpora
    queries = phrases_of_the_blogs()
    assert len(queries) > 60

    def answers():
        out = {}
        for q in queries:
            results = index.search(q, limit=2000)
            out[q] = (results.total, [(h.id, h.score) for h in results.hits])
        return out

    fast = answers()
    monkeypatch.setattr(ColumnarPhrase, "matcher", wq.Phrase.matcher)  # Whoosh's own, span by span
    monkeypatch.setattr(SpanNear2.SpanNear2Matcher, "_get_spans", whoosh_fixes._spans_of_near)
    monkeypatch.setattr(TermPositions, "decode_positions", Positions.decode_positions)
    stock = answers()
    assert fast == stock
    assert sum(total for total, _ in fast.values()) > 500  # the phrases do match, many times


def test_prefixes_score_as_the_union_of_their_fields_would(corpora):
    """A prefix or fuzzy word is one AnyTerm over all its fields; Whoosh's union of one per
    field (what it replaced) gives the same hits, scores, order and total."""
    from whoosh import query as wq

    from reader.search.compiler import AnyTerm, Compiled, compile_query
    from reader.search.hits import ranked

    index, _ = corpora
    searcher = index.searcher()

    def per_field(q):
        if isinstance(q, AnyTerm):
            return wq.Or([AnyTerm((f,)) for f in q.fields]) if len(q.fields) > 1 else q
        if isinstance(q, (wq.And, wq.Or)):
            return q.__class__([per_field(c) for c in q.subqueries])
        if isinstance(q, wq.Require):
            return wq.Require(per_field(q.a), per_field(q.b))
        if isinstance(q, wq.Not):
            return wq.Not(per_field(q.query))
        return q

    checked = 0
    for text in ["rel*", "compil*", "jekyll*", "asyn*", "c*", "rust rel*", "title:rel*", "interoperabilty~",
                 "relase~", "fer* -rust", "(doc* OR tag*) jekyll"]:
        compiled = compile_query(text, searcher.reader(), index.vocabulary(), index.languages())
        union = Compiled(per_field(compiled.query), compiled.by_lang)
        ours, theirs = ranked(searcher, compiled, 3000, "relevance", True), ranked(searcher, union, 3000, "relevance", True)
        assert ours[0] == theirs[0] > 0, text
        assert [(h.id, h.score) for h in ours[1]] == [(h.id, h.score) for h in theirs[1]], text
        checked += ours[0]
    assert checked > 1000


# ---------------------------------------------------------------- related articles

RUST_RELEASE = re.compile(r"^Announcing Rust 1\.(\d+)")
NAMED_VERSION = re.compile(r"\b1\.(\d+)(?:\.\d+)?\b")


def test_related_articles_of_a_rust_release_are_releases_of_nearby_versions(corpora):
    """Every 'Announcing Rust 1.N' post of the blog: of its five related articles, how many
    are posts about a Rust version within three minor versions of N (release announcements
    and their pre-release tests). Stock Whoosh more_like on the body: 1.9 of 5 on average,
    31% of posts with three or more; ours (measured): 3.3 and 78%."""
    index, _ = corpora
    releases = [a for a in index.articles() if RUST_RELEASE.match(a.title)]
    assert len(releases) == 140
    near = []
    for article in releases:
        version = int(RUST_RELEASE.match(article.title).group(1))
        related = index.related(article.id, 5)
        assert len(related) == 5 and article.id not in {r.id for r in related}
        near.append(sum(1 for r in related if r.id.startswith("rust-blog/") and (m := NAMED_VERSION.search(r.title))
                        and abs(int(m.group(1)) - version) <= 3))
    assert sum(near) / len(near) >= 3.0
    assert sum(n >= 3 for n in near) / len(near) >= 0.7
    assert sum(n == 0 for n in near) <= 2


def test_related_articles_of_a_jekyll_post_are_jekyll_posts(corpora):
    """The two blogs share words (release, version, GitHub, community): of a Jekyll post's
    five related articles, how many are Jekyll posts. Stock more_like: 4.3 of 5, 71 of
    102 posts all five; ours (measured): 4.7, 89 of 102."""
    index, _ = corpora
    posts = [a for a in index.articles() if a.id.startswith("jekyll-posts/")]
    share = [sum(r.id.startswith("jekyll-posts/") for r in index.related(p.id, 5)) for p in posts]
    assert len(posts) == 102
    assert sum(share) / len(share) >= 4.5
    assert sum(n == 5 for n in share) >= 80


def test_related_articles_are_by_terms_and_dated(corpora):
    index, _ = corpora
    first = index.related("jekyll-posts/2013-05-06-jekyll-1-0-0-released.markdown", 5)
    # Jekyll 1.0.0's point releases, all four, come before anything else.
    assert {r.title for r in first[:4]} == {f"Jekyll 1.0.{n} Released" for n in (1, 2, 3, 4)}
    assert [r.score for r in first] == sorted((r.score for r in first), reverse=True)
    assert all(r.date is not None for r in first)
    assert index.related("no/such/article.md", 5) == []
