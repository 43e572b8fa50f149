#!/usr/bin/env python3
"""Accents in search, on real text: does a word typed without its accents find what the
word typed with them finds, and what does folding cost in matches and in time?

    .venv/bin/python bench/accents.py --save bench/out/accents-new.json
    .venv/bin/python bench/accents.py --baseline bench/out/accents-old.json

The library: every real page of ../shared/web-pages (181 marked news pages and the 28 of
readability-dev, in a dozen languages) and the two real blogs of ../shared/corpora (856
English posts). The queries: each distinct word with an accent (or ß) in the pages of
each language, asked as written, without its accents
(NFKD, marks dropped, ß -> ss) and in capitals; and for English, every 25th word of the
library's vocabulary, which no change to accents should move.

Printed per language: how often the unaccented word finds exactly what the accented one
finds, and how often it finds the article the word came from; query times p50/p95; the
index build's time (the median of --runs builds from nothing). With --baseline (a --save of another version of the code, on the same
files), what changed for the accented queries: articles found before and not now
(inflections lost) and found now and not before (new matches), with the spellings that
bring each new match, so a reader can judge whether it is the same word.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reader.library.formats import parse_article  # noqa: E402
from reader.library.scanning import library_root  # noqa: E402
from reader.search.searching import LibraryIndex  # noqa: E402
from reader.text.analysis import fold, is_stop_word, words  # noqa: E402

SHARED = HERE.parent.parent / "shared"
PAGES = SHARED / "web-pages"
CORPORA = SHARED / "corpora"
ENGLISH_EVERY = 25


def unaccented(word: str) -> str:
    """The word as typed on a keyboard without accents: marks dropped, ß as ss, case kept."""
    text = word.replace("ß", "ss").replace("ẞ", "SS")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def make_library(root: Path) -> None:
    pages = root / "pages"
    pages.mkdir(parents=True)
    for path in sorted((PAGES / "html").glob("*.html.gz")):
        (pages / (path.name[:16] + ".html")).write_bytes(gzip.decompress(path.read_bytes()))
    for folder in sorted((PAGES / "readability-dev").iterdir()):
        if (folder / "source.html").is_file():
            (pages / f"dev-{folder.name}.html").write_bytes((folder / "source.html").read_bytes())
    shutil.copytree(CORPORA, root / "blogs")


def queries(root: Path, index: LibraryIndex) -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    """Per language, (accented word, article it came from); and the English sample."""
    by_lang: dict[str, dict[str, str]] = defaultdict(dict)
    for info in index.articles():
        if not info.id.startswith("pages/") or info.lang in ("", "en"):
            continue
        article = parse_article((root / info.id).read_bytes(), info.id).article
        for word in words(f"{article.title} {article.text}"):
            if (not word.isascii() and word.isalpha() and unaccented(word) != word and len(word) > 2
                    and unaccented(word).isascii() and not is_stop_word(word, {info.lang})):
                by_lang[info.lang].setdefault(word, info.id)
    chosen = {lang: [(w, found[w]) for w in sorted(found)] for lang, found in sorted(by_lang.items())}
    vocabulary = index.vocabulary().words
    english = [w for w in vocabulary[::ENGLISH_EVERY] if w.isalpha() and len(w) > 2]
    return chosen, english


def ask(index: LibraryIndex, text: str, times: list[float]) -> list[str]:
    start = time.perf_counter()
    hits = index.search(text, limit=5000).hits
    times.append((time.perf_counter() - start) * 1000)
    return sorted(h.id for h in hits)


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="write every query's answers here")
    parser.add_argument("--baseline", type=Path, help="compare with the answers saved by another version")
    parser.add_argument("--runs", type=int, default=3, help="index builds timed (the median is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "library"
        make_library(root)
        builds = []
        for run in range(args.runs):
            index = LibraryIndex(library_root(root), Path(tmp) / f"data-{run}")
            start = time.perf_counter()
            report = index.update()
            builds.append(time.perf_counter() - start)
            if run < args.runs - 1:
                index.close()
        built = statistics.median(builds)
        print(f"library: {report.added} articles ({len(report.skipped)} skipped), built in {built:.2f} s, "
              f"vocabulary {len(index.vocabulary().words):,} words\n")
        chosen, english = queries(root, index)
        answers: dict[str, dict[str, list[str]]] = {}
        times: dict[str, list[float]] = defaultdict(list)
        print("| language | words | unaccented finds the same | unaccented finds its article | "
              "capitals find the same |\n|---|---|---|---|---|")
        for lang, pairs in chosen.items():
            same = home = upper = 0
            for word, article in pairs:
                accented = ask(index, word, times["accented"])
                plain = ask(index, unaccented(word), times["unaccented"])
                capitals = ask(index, word.upper(), times["accented"])
                answers[word] = {"lang": lang, "accented": accented, "plain": plain}
                same += plain == accented
                home += article in plain
                upper += capitals == accented
            print(f"| {lang} | {len(pairs)} | {pct(same, len(pairs))} | {pct(home, len(pairs))} | "
                  f"{pct(upper, len(pairs))} |")
        for word in english:
            answers["en:" + word] = {"lang": "en", "accented": ask(index, word, times["english"]), "plain": []}
        print(f"| en (vocabulary sample) | {len(english)} | | | |\n")
        print("| queries | count | p50 ms | p95 ms |\n|---|---|---|---|")
        for kind, values in times.items():
            values.sort()
            print(f"| {kind} | {len(values)} | {statistics.median(values):.2f} | "
                  f"{values[int(len(values) * 0.95)]:.2f} |")
        if args.save:
            args.save.parent.mkdir(parents=True, exist_ok=True)
            args.save.write_text(json.dumps({"built_s": built, "answers": answers}, ensure_ascii=False, indent=0))
        if args.baseline:
            compare(json.loads(args.baseline.read_text()), answers, built, root)
        index.close()


def compare(before: dict, answers: dict, built: float, root: Path) -> None:
    """What the accented (and English) queries find now against another version."""
    print(f"\nbuild: {built:.2f} s now, {before['built_s']:.2f} s before\n")
    lost, gained = Counter(), Counter()
    changed_words: dict[str, list[str]] = defaultdict(list)
    for word, now in answers.items():
        old = before["answers"].get(word)
        if old is None:
            continue
        was, is_ = set(old["accented"]), set(now["accented"])
        lang = now["lang"]
        lost[lang] += len(was - is_)
        gained[lang] += len(is_ - was)
        if is_ - was:
            brought = sorted({w for article in is_ - was for w in same_key(root, article, word.removeprefix("en:"))})
            changed_words[lang].append(f"{word} (+{len(is_ - was)}: {', '.join(brought) or '?'})")
        plain_before = set(old["plain"])
        if plain_before and plain_before - set(now["plain"]):
            lost["unaccented " + lang] += len(plain_before - set(now["plain"]))
    print("| language | articles no longer found | articles found now, not before | words that gained |\n"
          "|---|---|---|---|")
    for lang in sorted(set(lost) | set(gained) | {a["lang"] for a in answers.values()}):
        examples = "; ".join(changed_words[lang][:12])
        print(f"| {lang} | {lost[lang]} | {gained[lang]} | {len(changed_words[lang])}: {examples} |")


def same_key(root: Path, article_id: str, word: str) -> set[str]:
    """The words of an article written like word but for accents or case."""
    article = parse_article((root / article_id).read_bytes(), article_id).article
    return {w for w in words(f"{article.title} {article.text}") if fold(w) == fold(word)}


if __name__ == "__main__":
    main()
