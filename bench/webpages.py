#!/usr/bin/env python3
"""How well saved web pages are read: the article text, and its title, byline and date.

    .venv/bin/python bench/webpages.py          # the tables, and bench/out/webpages.json

1. ../shared/web-pages: 181 real pages with the article body marked by hand. Each page
   goes through the product's own path — parse_article() as the library reads it, then
   the shown text `article-reader show` prints — and is scored as that folder's README
   says (word 4-shingles, lower-cased; precision and recall averaged over pages, F1 from
   the two), beside the figures the public benchmark publishes. Also: the time to read
   each page (decoding, parsing, metadata and extraction), median and p95.
2. ../shared/web-pages/readability-dev: 28 pages with what Firefox's reader mode finds.
   Titles (exact after NFKC, case folding and white space; fuzzy: difflib ratio >= 0.9),
   bylines (every word of every name found among the authors' words, accents ignored),
   dates (the same calendar date), and the body's bag-of-words F1 against expected.html,
   beside trafilatura, readability-lxml and goose3 as that folder's baselines.json has them.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reader.library.article import date_from_value  # noqa: E402
from reader.library.body import article_shown_text  # noqa: E402
from reader.library.formats import parse_article

PAGES = HERE.parent.parent / "shared" / "web-pages"
DEV = PAGES / "readability-dev"
OUT = HERE / "out"
PUBLISHED = {"trafilatura 2.0": 0.958, "Readability.js": 0.947, "readability-lxml": 0.922, "goose3": 0.896,
             "whole-page text (html2text)": 0.662}
_WORD = re.compile(r"\w+")


def read_page(data: bytes, name: str):
    """What the product makes of a page: the article, and the text `show` prints."""
    article = parse_article(data, name).article
    return article, article_shown_text(article).text


# ---------------------------------------------------------------- the body, 181 pages


def shingles(text: str, n: int = 4) -> Counter:
    words = [w.lower() for w in _WORD.findall(text or "")]
    return Counter(tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1)) if words[i:i + n])


def matching(true: str, predicted: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(predicted)
    tp = sum(min(t[k], p[k]) for k in t.keys() | p.keys())
    fp = sum(max(0, p[k] - t[k]) for k in p)
    fn = sum(max(0, t[k] - p[k]) for k in t)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(rows: list[tuple[float, float, float]]) -> dict:
    def precision(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*r) for r in rows if r[0] + r[1] > 0)
    r = statistics.mean(recall(*x) for x in rows if x[0] + x[2] > 0)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r)}


def ours(data: bytes, key: str) -> str:
    return article_shown_text(parse_article(data, f"{key}.html").article).text


def trafilatura_text(data: bytes, key: str) -> str:
    """trafilatura alone, as the public benchmark runs it (its text output, no images)."""
    import trafilatura

    return trafilatura.extract(data.decode("utf-8", "replace"), include_comments=False) or ""


def readability_text(data: bytes, key: str) -> str:
    import lxml.html
    from readability import Document

    return lxml.html.fromstring(Document(data.decode("utf-8", "replace")).summary()).text_content()


def body_benchmark(extract=ours) -> dict:
    truth = json.loads((PAGES / "ground-truth.json").read_text())
    rows, times, failures = [], [], []
    for path in sorted((PAGES / "html").glob("*.html.gz")):
        key = path.name.split(".")[0]
        data = gzip.decompress(path.read_bytes())
        started = time.perf_counter()
        try:
            text = extract(data, key)
        except Exception as exc:  # noqa: BLE001 - counted: the target is that none fails
            failures.append(f"{key}: {type(exc).__name__}: {exc}")
            rows.append(matching(truth[key]["articleBody"], ""))
            continue
        times.append(1000 * (time.perf_counter() - started))
        rows.append(matching(truth[key]["articleBody"], text))
    result = scores(rows)
    result.update(pages=len(rows), failures=failures, ms_median=statistics.median(times),
                  ms_p95=sorted(times)[int(0.95 * (len(times) - 1))])
    return result


# ---------------------------------------------------------------- metadata, 28 pages


def normal(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def folded_words(text: str) -> set[str]:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return {w.lower() for w in _WORD.findall(plain)}


def bag_f1(expected: str, got: str) -> float:
    def tokens(text):
        out = []
        for word in _WORD.findall(text.lower()):
            if any("\u3040" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" for c in word):
                out.extend(word)
            else:
                out.append(word)
        return Counter(out)

    e, g = tokens(expected), tokens(got)
    common = sum((e & g).values())
    if not common:
        return 0.0
    p, r = common / sum(g.values()), common / sum(e.values())
    return 2 * p * r / (p + r)


def visible_text(html: str) -> str:
    import lxml.html

    tree = lxml.html.fromstring(html)
    for element in tree.iter("script", "style"):
        element.drop_tree()
    return tree.text_content()


def dev_benchmark() -> dict:
    baselines = json.loads((DEV / "baselines.json").read_text())
    names = baselines["byline_names"]
    counts = {"title_exact": 0, "title_fuzzy": 0, "titles": 0, "byline": 0, "bylines": 0, "date": 0, "dates": 0}
    f1s, misses = [], []
    for folder in sorted(p for p in DEV.iterdir() if (p / "source.html").exists()):
        expected = json.loads((folder / "expected-metadata.json").read_text())
        article, text = read_page((folder / "source.html").read_bytes(), f"{folder.name}.html")
        counts["titles"] += 1
        exact = normal(article.title) == normal(expected["title"])
        fuzzy = difflib.SequenceMatcher(None, normal(article.title), normal(expected["title"])).ratio() >= 0.9
        counts["title_exact"] += exact
        counts["title_fuzzy"] += fuzzy
        if not fuzzy:
            misses.append(f"title {folder.name}: {article.title!r} (expected {expected['title']!r})")
        wanted = names.get(folder.name)
        if wanted:
            counts["bylines"] += 1
            have = folded_words(" ".join(article.authors))
            found = all(folded_words(name) <= have for name in wanted)
            counts["byline"] += found
            if not found:
                misses.append(f"byline {folder.name}: {article.authors} (expected {wanted})")
        if expected.get("publishedTime"):
            counts["dates"] += 1
            same = article.date == date_from_value(expected["publishedTime"])
            counts["date"] += same
            if not same:
                misses.append(f"date {folder.name}: {article.date} (expected {expected['publishedTime']})")
        f1s.append(bag_f1(visible_text((folder / "expected.html").read_text(encoding="utf-8")), text))
    counts.update(f1_mean=statistics.mean(f1s), f1_median=statistics.median(f1s), misses=misses)
    return counts


def baseline_row(name: str, info: dict, dev: dict) -> str:
    """An extractor's line from its per-page results in baselines.json, counted as ours are."""
    names = json.loads((DEV / "baselines.json").read_text())["byline_names"]
    pages = info["pages"]
    dated = {p.name for p in DEV.iterdir() if (p / "expected-metadata.json").exists()
             and json.loads((p / "expected-metadata.json").read_text()).get("publishedTime")}
    exact = sum(bool(v.get("title_exact")) for v in pages.values())
    fuzzy = sum(bool(v.get("title_fuzzy")) for v in pages.values())
    byline = sum(bool(v.get("byline")) for k, v in pages.items() if names.get(k))
    date = 0
    for key in dated:
        got = (pages.get(key) or {}).get("got", {}).get("date")
        expected = json.loads((DEV / key / "expected-metadata.json").read_text())["publishedTime"]
        try:
            date += bool(got) and date_from_value(got) == date_from_value(expected)
        except ValueError:
            pass
    f1 = [v["f1"] for v in pages.values() if isinstance(v.get("f1"), (int, float))]
    return (f"| {name} {info.get('version', '')} | {percent(exact, dev['titles'])} | {percent(fuzzy, dev['titles'])} | "
            f"{percent(byline, dev['bylines'])} | {percent(date, dev['dates'])} | "
            f"{statistics.mean(f1):.3f} / {statistics.median(f1):.3f} |")


def percent(n: int, of: int) -> str:
    return f"{100 * n / of:.0f}% ({n}/{of})" if of else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the titles, bylines and dates missed")
    args = parser.parse_args()
    body = body_benchmark()
    dev = dev_benchmark()
    measured = {"trafilatura alone (text output)": body_benchmark(trafilatura_text)}
    try:
        measured["readability-lxml"] = body_benchmark(readability_text)
    except ImportError:
        pass  # pip install readability-lxml to compare with it
    OUT.mkdir(exist_ok=True)
    (OUT / "webpages.json").write_text(json.dumps({"body": body, "measured": measured, "metadata": dev}, indent=2))
    print(f"Article body, {body['pages']} real pages (4-shingle F1, as the public benchmark scores it):\n")
    print("| extractor | precision | recall | F1 |\n|---|---|---|---|")
    print(f"| **Article Reader** (what `show` prints) | {body['precision']:.3f} | {body['recall']:.3f} | "
          f"**{body['f1']:.3f}** |")
    for name, result in measured.items():
        print(f"| {name}, measured here | {result['precision']:.3f} | {result['recall']:.3f} | {result['f1']:.3f} |")
    for name, f1 in PUBLISHED.items():
        print(f"| {name} (published) | | | {f1:.3f} |")
    print(f"\nReading a page (decode, parse, metadata, extract): median {body['ms_median']:.1f} ms, "
          f"p95 {body['ms_p95']:.1f} ms; {len(body['failures'])} pages failed")
    for failure in body["failures"]:
        print(f"  {failure}")
    extractors = json.loads((DEV / "baselines.json").read_text())["extractors"]
    print(f"\nMetadata, {dev['titles']} pages of Readability's test suite:\n")
    print("| | title exact | title fuzzy | byline | date | body F1 mean / median |\n|---|---|---|---|---|---|")
    print(f"| **Article Reader** | {percent(dev['title_exact'], dev['titles'])} | "
          f"{percent(dev['title_fuzzy'], dev['titles'])} | {percent(dev['byline'], dev['bylines'])} | "
          f"{percent(dev['date'], dev['dates'])} | {dev['f1_mean']:.3f} / {dev['f1_median']:.3f} |")
    for name, info in extractors.items():
        print(baseline_row(name, info, dev))
    if args.misses:
        print("\n" + "\n".join(dev["misses"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
