"""Related articles: the library's articles most like one, by its distinctive terms.

More-like-this as Whoosh does it (``Searcher.more_like``): the article's key terms by
the Bo1 divergence model (``classify.Expander``: terms frequent in the article and rare
in the library), searched with BM25F as one query. What is added: the key terms come
from the title and tags as well as the body, each analysed in the article's language,
and a term found in the article's title or tags counts more (a title says what an
article is about); and among articles about the same things, those written nearer in
time come first (of two release announcements, the next version's is more related than
one from ten years on).

The query is scored here rather than by Whoosh's matchers: forty-odd key terms reach
most of a library, and Whoosh scored their ~30,000 postings one by one in Python (96 ms
at 10,000 articles). Each term's postings are numpy arrays in the columnar index
(reader.index.codec), so BM25 for all of them is a few array operations per term.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from whoosh import classify

from reader.index.codec import ColumnarTermsReader
from reader.search.hits import number_date
from reader.text.analysis import term_positions

RELATED_MAX = 5
KEY_TERMS = {"title": 6, "tags": 4, "body": 14}  # key terms taken from each field of the article
SOURCE_WEIGHT = {"title": 2.5, "tags": 2.0, "body": 1.0}  # a key term from the title or tags counts more
SEARCHED = ("title", "tags", "body")  # other articles are searched in these fields (their boosts apply)
CANDIDATES = 40  # the best by terms, re-ordered with time in mind
K1, B = 1.2, 0.75  # BM25's, as Whoosh's BM25F has them
NEARNESS_DAYS = 365.0  # how fast the closeness in time fades
NEARNESS_SHARE = 0.35  # at most this part of a score comes from closeness in time


@dataclass(frozen=True)
class RelatedArticle:
    id: str
    title: str
    date: dt.date | None
    score: float


def key_terms(reader, stored: dict) -> dict[str, float]:
    """The article's distinctive terms, each with its weight (title and tags weighted up)."""
    lang = stored.get("lang", "")
    weights: dict[str, float] = {}
    for fieldname, wanted in KEY_TERMS.items():
        text = stored.get(fieldname) or ""
        if not text:
            continue
        expander = classify.Expander(reader, fieldname)
        expander.add((term, len(places)) for term, places in term_positions(text, lang).items()
                     if len(term) > 1 and not term.isdigit())
        for term, weight in expander.expanded_terms(wanted):
            weights[term] = weights.get(term, 0.0) + weight * SOURCE_WEIGHT[fieldname]
    return weights


def related_articles(searcher, article_id: str, limit: int = RELATED_MAX) -> list[RelatedArticle]:
    """Up to limit other articles of the library most like this one, best first."""
    docnum = searcher.document_number(id=article_id)
    if docnum is None:
        return []
    stored = searcher.stored_fields(docnum)
    terms = key_terms(searcher.reader(), stored)
    candidates = _best_by_terms(searcher, terms, docnum) if terms else []
    day = number_date(stored.get("date"))
    best = max((score for _, score in candidates), default=0.0) or 1.0
    scored = []
    for other, score in candidates:
        fields = searcher.stored_fields(other)
        when = number_date(fields.get("date"))
        nearness = math.exp(-abs((when - day).days) / NEARNESS_DAYS) if when and day else 0.0
        score = (1 - NEARNESS_SHARE) * score / best + NEARNESS_SHARE * nearness
        scored.append(RelatedArticle(fields["id"], fields.get("title", ""), when, round(score, 4)))
    scored.sort(key=lambda r: (-r.score, r.id))
    return scored[:limit]


def _best_by_terms(searcher, terms: dict[str, float], exclude: int) -> list[tuple[int, float]]:
    """The CANDIDATES documents (global numbers) that score best for the weighted terms by
    BM25 over the searched fields (each with its field boost), but exclude."""
    import numpy as np

    from reader.index.matcher_arrays import length_table  # numpy: loaded when first asked

    found: list[tuple[int, float]] = []
    for reader, offset in searcher.reader().leaf_readers():
        columns = reader._terms.fields if isinstance(reader._terms, ColumnarTermsReader) else {}
        scores = np.zeros(reader.doc_count_all(), dtype=np.float64)
        for name in SEARCHED:
            arrays = columns.get(name)
            if arrays is None:
                continue
            lengths = length_table()[arrays.array("lengths")]
            average = searcher.avg_field_length(name) or 1.0
            docs_of, freqs_of = arrays.array("docs"), arrays.array("freqs")
            for term, weight in terms.items():
                number = arrays.number(term.encode("utf-8"))
                if number is None:
                    continue
                start, end = int(arrays.starts[number]), int(arrays.starts[number + 1])
                docs, freqs = docs_of[start:end], freqs_of[start:end].astype(np.float64)
                idf = searcher.idf(name, term)  # Whoosh's: log(N / (df + 1)) + 1
                norm = K1 * (1 - B + B * lengths[docs] / average)
                scores[docs] += weight * arrays.boost * idf * freqs * (K1 + 1) / (freqs + norm)
        if reader.has_deletions():
            scores[list(reader.deleted_docs_set)] = 0
        if offset <= exclude < offset + len(scores):
            scores[exclude - offset] = 0
        top = np.argsort(-scores, kind="stable")[:CANDIDATES]
        found.extend((int(n) + offset, float(scores[n])) for n in top if scores[n] > 0)
    found.sort(key=lambda pair: -pair[1])
    return found[:CANDIDATES]
