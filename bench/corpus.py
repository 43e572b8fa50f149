"""A deterministic library of N generated articles for the benchmark.

Words are drawn from a Zipf-like vocabulary of made-up words (so no English stop
words, and stems are the same for Whoosh's and SQLite's Porter stemmers); each
article has YAML front matter and 4-14 paragraphs, about 5 KB on average.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from pathlib import Path

SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vo", "qui", "ber", "dan", "el", "for", "gim", "hul", "ist", "jor",
             "kel", "lum", "mar", "nix", "orp", "pel", "ras", "sul", "tor", "und", "vel", "wim", "yar", "zen", "bri"]
AUTHORS = [f"{first} {last}" for first, last in itertools.product(
    ["Ana", "Ben", "Chiara", "Dev", "Eun", "Farid", "Greta", "Hiro", "Ines", "Jonas"],
    ["Okafor", "Lindqvist", "Sato", "Marchand", "Ibáñez", "Menon", "Park", "Rahman", "Volkova", "Whitfield"])][:50]
VOCABULARY_SIZE = 20_000


def vocabulary(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < VOCABULARY_SIZE:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 3, 4)))))
    return sorted(words)


def zipf_weights(n: int) -> list[float]:
    cumulative, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1.0 / rank ** 1.05
        cumulative.append(total)
    return cumulative


def generate(root: Path, count: int = 10_000, seed: int = 1) -> Path:
    """Write count articles below root (in 50 section folders); returns root."""
    rng = random.Random(seed)
    words = vocabulary()
    weights = zipf_weights(len(words))
    tags = words[200:400]
    for n in range(count):
        folder = root / f"section-{n % 50:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        title = " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(4, 8))).capitalize()
        year, month, day = rng.randint(2010, 2025), rng.randint(1, 12), rng.randint(1, 28)
        paragraphs = []
        for _ in range(rng.randint(4, 12)):
            sentence_words = rng.choices(words, cum_weights=weights, k=rng.randint(30, 90))
            paragraphs.append(" ".join(sentence_words).capitalize() + ".")
        front = (f"---\ntitle: \"{title}\"\nauthor: {rng.choice(AUTHORS)}\ndate: {year}-{month:02d}-{day:02d}\n"
                 f"tags: [{', '.join(rng.sample(tags, rng.randint(1, 4)))}]\n---\n\n")
        (folder / f"article-{n:05d}.md").write_text(front + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return root


def bench_arguments(doc: str, articles: int) -> tuple[argparse.Namespace, Path]:
    """The options every benchmark takes (-n articles, --work folder) and the library they name."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=articles)
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / "out")
    args = parser.parse_args()
    return args, library_at(args.work, args.articles)


def library_at(work: Path, count: int) -> Path:
    """The benchmarks' shared library of count articles under work, generated when missing
    (bench.py, scale.py and differential.py ask the same files the same questions)."""
    library = work / f"library-{count}"
    if not library.exists():
        started = time.perf_counter()
        generate(library, count)
        print(f"generated {count} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return library


def queries(seed: int = 3, per_kind: int = 30) -> list[tuple[str, str, str]]:
    """(kind, our query, FTS5 query or '') drawn from the same vocabulary as the articles."""
    rng = random.Random(seed)
    words = vocabulary()
    common = words[:3000]  # ranks that match a useful number of articles
    pick = lambda: rng.choice(common)  # noqa: E731
    out = []
    for _ in range(per_kind):
        w = pick()
        out.append(("word", w, w))
    for _ in range(per_kind):
        a, b = pick(), pick()
        out.append(("two words", f"{a} {b}", f"{a} {b}"))
    for _ in range(per_kind):
        a, b = rng.choice(words[:300]), rng.choice(words[:300])
        out.append(("phrase", f'"{a} {b}"', f'"{a} {b}"'))
    for _ in range(per_kind):
        w = pick()[:4]
        out.append(("prefix", f"{w}*", f"{w}*"))
    for _ in range(per_kind):
        w = pick()
        typo = w[:-1]  # one letter missing: one edit away
        out.append(("fuzzy", f"{typo}~", w))  # FTS5 has no fuzzy matching: it answers the intended word
    for _ in range(per_kind):
        w = pick()
        out.append(("field", f"title:{w}", f"title: {w}"))
    for _ in range(per_kind):
        w, year = pick(), rng.randint(2011, 2024)
        out.append(("date range", f"{w} date:[{year}-01-01 to {year}-12-31]", f"{w}\t{year}"))
    return out
