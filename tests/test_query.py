"""The query language, end to end through the index: each form finds what it should."""

import pytest
from conftest import write

from reader.library.scanning import library_root
from reader.search.query import And, DateRange, Not, Or, Phrase, Word, parse
from reader.search.searching import LibraryIndex


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("lib")
    data = tmp_path_factory.mktemp("data")
    write(root, "world/asia/drills.md", """---
title: Joint Drills Near the Border
author: Mariko Sato
date: 2024-09-26
tags: [Defence, Joint Exercises]
source: Harbour Gazette
---
The navies were drilling all week to improve interoperability. It was state of the art.
""")
    write(root, "world/europe/summit.md", """---
title: Summit Ends Without a Deal
author: [Dmitri Orlov]
date: 2024-12-02
tags: [diplomacy]
source: Harbour Gazette
---
Leaders talked about drills only briefly; the art of the state was the theme.
""")
    write(root, "food/cafe.md", """---
title: Café Culture
author: Élodie Marchand
date: 2023-07-02
tags: [food, cafe]
---
A café serving crème brûlée. The owner's résumé is long. Marmalade on toast.
""")
    write(root, "food/recipes/marmalade.md", """+++
title = "Bitter Orange Preserve"
date = 2019-01-21
tags = ["food", "recipes"]
+++
How to make marmalade: simmer the oranges. Interoperable kitchens help.
""")
    write(root, "notes/undated.txt", "Undated thoughts about drills and orange trees.\n")
    long_text = ("Filler sentence about nothing much. " * 3000) + "The zeppelin appears only here at the end, after navigation."
    write(root, "long/long.md", "# A Very Long Article\n\n" + long_text)
    ix = LibraryIndex(library_root(root), data)
    ix.update()
    yield ix
    ix.close()


def found(index, query, **kw):
    return sorted(h.id for h in index.search(query, limit=50, **kw).hits)


DRILLS, SUMMIT, CAFE, MARM, UNDATED, LONG = (
    "world/asia/drills.md", "world/europe/summit.md", "food/cafe.md", "food/recipes/marmalade.md",
    "notes/undated.txt", "long/long.md")


@pytest.mark.parametrize("query, expected", [
    # words are ANDed in any order, stemmed both ways
    ("drills navies", [DRILLS]),
    ("navies drills", [DRILLS]),
    ("drilling", [DRILLS, UNDATED, SUMMIT]),
    ("drill", [DRILLS, UNDATED, SUMMIT]),
    # accents and case fold both ways
    ("cafe", [CAFE]), ("CAFÉ", [CAFE]), ("creme", [CAFE]), ("crème", [CAFE]), ("resume", [CAFE]), ("résumé", [CAFE]),
    # phrases are exact, stop words included
    ('"state of the art"', [DRILLS]),
    ('"art of the state"', [SUMMIT]),
    ('"drills near"', [DRILLS]),
    # OR, NOT, -word, parentheses
    ("marmalade OR summit", [CAFE, MARM, SUMMIT]),
    ("drills NOT summit", [DRILLS, UNDATED]),
    ("drills -summit -undated", [DRILLS]),
    ("(marmalade OR brûlée) toast", [CAFE]),
    ("orange (trees OR simmer)", [MARM, UNDATED]),
    # fields
    ("title:drills", [DRILLS]),
    ("joint", [DRILLS]), ("body:joint", []),  # title and tag only
    ("harbour", [DRILLS, SUMMIT]), ("body:harbour", []),  # source only
    ("text:marmalade", [CAFE, MARM]),
    ('title:"without a deal"', [SUMMIT]),
    ("author:sato", [DRILLS]),
    ("author:elodie", [CAFE]),
    ('author:"dmitri orlov"', [SUMMIT]),
    ("tag:defence", [DRILLS]),
    ("tag:DEFENCE", [DRILLS]),
    ('tag:"joint exercises"', [DRILLS]),
    ("tag:food", [CAFE, MARM]),
    ("source:harbour", [DRILLS, SUMMIT]),
    ("path:world", [DRILLS, SUMMIT]),
    ("path:world/asia", [DRILLS]),
    ("path:food/", [CAFE, MARM]),
    ("drills path:notes", [UNDATED]),
    # dates
    ("date:2024", [DRILLS, SUMMIT]),
    ("date:2024-09", [DRILLS]),
    ("date:2024-09-26", [DRILLS]),
    ("date:[2023-01-01 to 2024-10-31]", [CAFE, DRILLS]),
    ("date:[2024-10 to]", [SUMMIT]),
    ("date:[to 2020]", [MARM]),
    ("date:>=2024-12", [SUMMIT]),
    ("date:<2023", [MARM]),
    ("food date:2023", [CAFE]),
    # prefix and fuzzy on words as written
    ("marm*", [CAFE, MARM]),
    ("interop*", [DRILLS, MARM]),
    ("drilli*", [DRILLS, UNDATED, SUMMIT]),  # expands to "drilling" as written, then searched by its stem
    ("drill*", [DRILLS, UNDATED, SUMMIT]),
    ("navie*", [DRILLS]),  # the word "navies", not the stem prefix "navi*" that reaches "navigation"
    ("navi*", [DRILLS, LONG]),
    ("interoperabilty~", [DRILLS, MARM]),  # interoperability, then its stem (interoperable too)
    ("marmelade~", [CAFE, MARM]),
    ("inteoperabilty~2", [DRILLS, MARM]),
    ("inteoperabilty~", []),
    # a word only near the end of a long article
    ("zeppelin", [LONG]),
])
def test_query_forms(index, query, expected):
    assert found(index, query) == sorted(expected)


@pytest.mark.parametrize("query", [
    '"unbalanced quote', "(unbalanced paren", "unbalanced paren)", "NOT OR drills", "drills OR", "OR drills",
    "AND", "NOT", "-", "title:", "tag:", 'title:"', "date:[", "date:[2024-13 to", "date:2005-01-", "date:[oct 1970 to dec 8 19z70]",
    "date:garbage", "((((drills", "))))", "*", "~", "drills~9", "a:b:c", '""', "   ", "", "\x00", "drills\\", "* OR *",
    "NOT NOT NOT drills", "-(-drills)", "field:value", "title:*", "path:../..",
])
def test_malformed_queries_answer_without_raising(index, query):
    results = index.search(query)
    assert results.total >= 0


def test_malformed_queries_still_find_their_plain_words(index):
    assert found(index, '"state of the') == [DRILLS]
    assert found(index, "(marmalade") == [CAFE, MARM]
    assert found(index, "NOT OR summit") == [SUMMIT]
    assert found(index, "drills OR") == found(index, "drills")


def test_stop_words_are_ignored_outside_phrases(index):
    assert found(index, "the drills of") == found(index, "drills")


def test_did_you_mean_offers_the_librarys_own_word(index):
    results = index.search("marmelade")
    assert results.total == 0 and results.suggestion == "marmalade"
    assert index.search("interoperabilty drills").suggestion == "interoperability drills"
    assert index.search("drills").suggestion is None


def test_title_matches_rank_above_body_matches(index):
    hits = index.search("drills").hits
    assert hits[0].id == DRILLS


def test_sort_by_date_is_newest_first_with_undated_last(index):
    hits = index.search("drills", sort="date").hits
    assert [h.id for h in hits] == [SUMMIT, DRILLS, UNDATED]


def test_total_counts_all_matches_not_only_those_shown(index):
    results = index.search("drills", limit=1)
    assert results.total == 3 and len(results.hits) == 1


def test_hits_carry_fields_snippets_and_where_they_matched(index):
    hit = next(h for h in index.search("interoperability").hits if h.id == DRILLS)
    assert hit.id == DRILLS and hit.title == "Joint Drills Near the Border"
    assert hit.authors == ("Mariko Sato",) and hit.tags == ("Defence", "Joint Exercises")
    assert str(hit.date) == "2024-09-26" and hit.score > 0
    assert "interoperability" in hit.snippet.text and hit.matched_in == ("body",)
    start, end = hit.snippet.spans[0]
    assert hit.snippet.text[start:end] == "interoperability"
    assert set(index.search("sato").hits[0].matched_in) == {"authors"}
    assert "title" in index.search("summit").hits[0].matched_in


def test_a_word_at_the_end_of_a_long_article_gets_a_snippet(index):
    hit = index.search("zeppelin").hits[0]
    assert "zeppelin" in hit.snippet.text
    assert index.search("zeppel*").hits[0].snippet.spans


def test_parser_shapes():
    assert parse("a b") == And((Word("a", span=(0, 1)), Word("b", span=(2, 3))))
    assert parse('"x y"') == Phrase(("x", "y"))
    assert isinstance(parse("a OR b"), Or)
    assert parse("-a") == Not(Word("a", span=(1, 2)))
    assert parse("date:2024").start.year == 2024 and isinstance(parse("date:2024"), DateRange)
    assert parse("title:") is None and parse("") is None
    assert parse("pre*").kind == "prefix" and parse("fuz~2").distance == 2


def test_snippet_words_start_at_word_boundaries_whatever_their_case():
    """The candidate scan looks for stems anywhere in the lowercased text, then keeps only
    those at the start of a word: inside 'repair' or 'despair' is no match for 'pair'."""
    from reader.search.snippets import Terms, matches

    text = "Pairs repaired; despair, PAIRING and a pair. Un-paired"
    found = [(text[s:e], term) for s, e, term in matches(text, Terms({"pair"}))]
    assert found == [("Pairs", "pair"), ("PAIRING", "pair"), ("pair", "pair"), ("paired", "pair")]
    assert matches(text, Terms({"pair"}), first_only=True) == [(0, 5, "pair")]
