"""Whole-column scoring (reader.search.column_scoring) against Whoosh's own collector on the
same index: every query of the benchmark's mix, of the real blogs and of each query shape
must give the same total, the same top 60 in the same order (ties by document number), and
the same scores to the last bit — by relevance and newest first; with deleted documents
still in their segments, and after they are merged away. Which shapes are handed back to
Whoosh is said here too."""

import sys

import pytest
from conftest import CORPORA, REPO, write

from reader.library.scanning import library_root
from reader.search.searching import LibraryIndex

sys.path.insert(0, str(REPO / "bench"))
import corpus  # noqa: E402  (bench/corpus.py: the benchmark's generated library and query mix)
from differential import scoring_answers, scoring_differences, shaped_queries  # noqa: E402


def lexicon(index, field: str) -> list[str]:
    reader = index.searcher().reader()
    return sorted({t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(field)})


def matcher_kinds(index, text: str) -> set[str]:
    """The kinds of matcher in the trees Whoosh builds for a query, segment by segment."""
    from reader.search.compiler import compile_query
    from reader.search.hits import CountingTopCollector

    searcher = index.searcher()
    query = compile_query(text, searcher.reader(), index.vocabulary(), index.languages()).query
    collector = CountingTopCollector(10)
    collector.prepare(searcher, query, searcher.context())
    found, todo = set(), []
    for subsearcher, offset in searcher.leaf_searchers():
        collector.set_subsearcher(subsearcher, offset)
        todo.append(collector.matcher)
    while todo:
        m = todo.pop()
        found.add(type(m).__name__)
        todo += [getattr(m, name) for name in ("a", "b", "child") if hasattr(m, name)]
        todo += list(getattr(m, "_submatchers", ()))
    return found


def matched(answers: dict) -> int:
    return sum(answer[0][0] for text, answer in answers.items() if text != "unsupported")


def check_both_ways(index, queries: list[str]) -> dict:
    columns = scoring_answers(index, queries, columns=True)
    whoosh = scoring_answers(index, queries, columns=False)
    assert scoring_differences(columns, whoosh) == []
    return columns


@pytest.fixture
def generated(tmp_path):
    """A generated library indexed in two steps, a few articles edited and deleted in between:
    its segments keep the deleted documents (Whoosh filters them out of every posting list)."""
    source = corpus.generate(tmp_path / "generated", count=300)
    library = tmp_path / "library"
    files = sorted(source.rglob("*.md"))
    for path in files[:200]:
        write(library, path.relative_to(source).as_posix(), path.read_bytes())
    index = LibraryIndex(library_root(library), tmp_path / "data")
    index.update()
    for path in files[200:]:
        write(library, path.relative_to(source).as_posix(), path.read_bytes())
    for path in files[:200:11]:
        target = library / path.relative_to(source)
        target.write_bytes(target.read_bytes() + b"\n\nA closing line added later.\n")
    for path in files[1:200:17]:
        (library / path.relative_to(source)).unlink()
    index.update()
    return index


def test_the_benchmark_mix_and_every_shape_score_as_whoosh_does(generated):
    reader = generated.searcher().reader()
    assert reader.has_deletions()  # the deleted documents are still in their segments
    words = [q for kind, q, _ in corpus.queries() if kind == "word"]
    queries = [q for _, q, _ in corpus.queries()] + shaped_queries(words, lexicon(generated, "tag"), lexicon(generated, "folder"))
    answers = check_both_ways(generated, queries)
    # Every shape is scored a column at a time: none was handed back to Whoosh.
    assert answers["unsupported"] == []
    assert matched(answers) > 3_000
    # ...and the shapes reach every kind of matcher the columns work out.
    kinds = set().union(*(matcher_kinds(generated, q) for q in queries))
    assert {"ArrayMatcher", "W3LeafMatcher", "IntersectionMatcher", "UnionMatcher", "FastArrayUnionMatcher",
            "InverseMatcher", "RequireMatcher", "FilterMatcher", "ColumnListMatcher",
            "SortedListMatcher"} <= kinds, kinds
    # Ties are common (a filter alone scores every match the same): they keep document order.
    tags_alone = answers[f"tag:{lexicon(generated, 'tag')[0]}"][0][1]
    assert len({score for _, score in tags_alone}) == 1 and len(tags_alone) > 1


def test_merged_segments_score_as_whoosh_does(generated):
    from reader.index.columnar import ColumnarWriter

    ColumnarWriter(generated._ix).commit(optimize=True)
    assert not generated.searcher().reader().has_deletions()
    queries = [q for _, q, _ in corpus.queries()][::3]
    check_both_ways(generated, queries)


def test_a_shape_the_columns_do_not_know_goes_to_whoosh(generated):
    """A query whose matchers are not worked out as arrays (Whoosh's DisjunctionMax here) is
    collected by Whoosh: the same answer, never an error."""
    from whoosh import query as wq

    from reader.search.column_scoring import Unsupported, ranked_columns
    from reader.search.compiler import Compiled
    from reader.search.hits import CountingTopCollector, ranked

    searcher = generated.searcher()
    word = [q for kind, q, _ in corpus.queries() if kind == "word"][0]
    query = wq.DisjunctionMax([wq.Term("body", word), wq.Term("title", word)])
    with pytest.raises(Unsupported):
        ranked_columns(searcher, query, CountingTopCollector(10), 10, "relevance")
    compiled = Compiled(query)
    assert ranked(searcher, compiled, 10, "relevance", True) == ranked(searcher, compiled, 10, "relevance", True, columns=False)
    assert ranked(searcher, compiled, 10, "relevance", True)[0] > 0


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")
def test_the_real_blogs_score_as_whoosh_does(tmp_path):
    from test_corpora import queries_of_the_blogs

    library = tmp_path / "library"
    for path in sorted(CORPORA.rglob("*")):
        if path.is_file():
            write(library, path.relative_to(CORPORA).as_posix(), path.read_bytes())
    index = LibraryIndex(library_root(library), tmp_path / "data")
    index.update()
    queries = queries_of_the_blogs()
    answers = check_both_ways(index, queries)
    assert answers["unsupported"] == []
    assert matched(answers) > 3000


def test_a_date_span_finds_the_dated_articles_in_range_and_scores_them_alike(generated):
    """date: is read from each document's date column (reader.search.filters.DateSpan): the
    articles whose stored date is in range, deleted ones left out, undated ones never in an
    open range; a constant 1.0 each (as Whoosh's constant-score range gave), so beside a word
    the order is the word's."""
    from whoosh import query as wq

    from reader.search.compiler import Compiled
    from reader.search.filters import DateSpan
    from reader.search.hits import ranked

    searcher = generated.searcher()
    reader = searcher.reader()
    dated = {searcher.stored_fields(n)["id"]: searcher.stored_fields(n).get("date") for n in reader.all_doc_ids()}
    word = [q for kind, q, _ in corpus.queries() if kind == "word"][0]
    for low, high in ((20120101, 20151231), (None, 20110630), (20230101, None), (20140229, 20140229), (None, None)):
        want = {i for i, d in dated.items() if d and (low is None or d >= low) and (high is None or d <= high)}
        for columns in (True, False):
            total, hits = ranked(searcher, Compiled(DateSpan(low, high)), 100_000, "relevance", True, columns=columns)
            assert total == len(want) and {h.id for h in hits} == want
            assert {h.score for h in hits} <= {1.0}
            alone = ranked(searcher, Compiled(wq.Term("body", word)), 100_000, "relevance", True, columns=columns)[1]
            both = ranked(searcher, Compiled(wq.And([wq.Term("body", word), DateSpan(low, high)])), 100_000,
                          "relevance", True, columns=columns)[1]
            assert [h.id for h in both] == [h.id for h in alone if h.id in want]
    assert 50 < len({i for i, d in dated.items() if d and 20120101 <= d <= 20151231}) < len(dated)
