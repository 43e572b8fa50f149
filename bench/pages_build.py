#!/usr/bin/env python3
"""Indexing a library of saved web pages beside the same articles as Markdown.

    .venv/bin/python bench/pages_build.py              # 10,000 of each, 2 runs
    .venv/bin/python bench/pages_build.py -n 2000 --runs 1

The Markdown library is the benchmark's own (bench/corpus.py). Each of its articles
is also written as a page the way a news site serves one: the same text as HTML
paragraphs inside an <article>, with OpenGraph and JSON-LD in the head, scripts and
styles, a navigation bar, a cookie banner, share buttons, a sidebar of related
links, a comments section and a footer. Both are indexed from nothing by
`article-reader index` (whole processes, worker processes included); the table gives
the times, their ratio, and the extraction time per page. Medians; nothing asserted.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus  # noqa: E402

from bench import CLI, run_measured  # noqa: E402

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | The Daily Example</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="{date}T08:30:00+02:00"><meta name="author" content="{author}">
<meta name="description" content="{summary}">
<script type="application/ld+json">{ld}</script>
<link rel="stylesheet" href="https://static.example.invalid/site.css">
<style>body {{ font-family: sans-serif }} .share a {{ margin: 4px }}</style>
<script src="https://static.example.invalid/analytics.js"></script>
</head><body>
<div class="cookie-banner">We use cookies to give you the best experience. <button>Accept all</button></div>
<header class="site-header"><a href="/">The Daily Example</a>
<nav class="menu"><ul>{menu}</ul></nav></header>
<main><article>
<h1>{title}</h1><p class="byline">By {author}</p><time datetime="{date}">{date}</time>
<div class="share"><a href="#">Share on Facebook</a><a href="#">Share on X</a><a href="#">Email</a></div>
<div class="article-body">{body}</div>
</article>
<aside class="related"><h2>Related stories</h2><ul>{related}</ul></aside>
<section id="comments"><h2>Comments</h2>{comments}</section></main>
<footer><p>© 2025 The Daily Example. All rights reserved.</p><ul>{footer}</ul></footer>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": "article"}});</script>
</body></html>
"""


def front_matter(text: str) -> tuple[dict, str]:
    _, head, body = text.split("---\n", 2)
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        meta[key] = value.strip().strip('"')
    return meta, body


def write_pages(markdown: Path, pages: Path, seed: int = 5) -> None:
    rng = random.Random(seed)
    words = corpus.vocabulary()
    for source in sorted(markdown.rglob("*.md")):
        meta, body = front_matter(source.read_text(encoding="utf-8"))
        paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in body.split("\n\n") if p.strip())
        title = html.escape(meta["title"])
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": meta["title"],
                         "datePublished": meta["date"], "author": {"@type": "Person", "name": meta["author"]}})

        def links(n: int) -> str:
            return "".join(f'<li><a href="/{i}">{" ".join(rng.sample(words[:2000], 5)).capitalize()}</a></li>'
                           for i in range(n))

        comments = "".join(f'<div class="comment"><p>{" ".join(rng.sample(words[:3000], 20))}</p>'
                           f'<span>reader{rng.randint(1, 999)}</span></div>' for _ in range(3))
        target = pages / source.relative_to(markdown).with_suffix(".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(TEMPLATE.format(
            title=title, date=meta["date"], author=html.escape(meta["author"]), summary=title,
            ld=ld.replace("</", "<\\/"), menu=links(8), body=paragraphs, related=links(6), comments=comments,
            footer=links(5)), encoding="utf-8")


def build_time(library: Path, work: Path, runs: int) -> tuple[float, float]:
    walls, peaks = [], []
    for _ in range(runs):
        data = work / "data"
        shutil.rmtree(data, ignore_errors=True)
        wall, peak, _ = run_measured(CLI + ["--library", str(library), "--data-dir", str(data), "index"])
        walls.append(wall)
        peaks.append(peak)
    return statistics.median(walls), max(peaks)


def extraction_ms(pages: Path, sample: int = 300) -> float:
    import time

    from reader.library.formats import parse_article

    times = []
    for path in sorted(pages.rglob("*.html"))[:sample]:
        data = path.read_bytes()
        started = time.perf_counter()
        parse_article(data, path.name)
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reader-pages-"))
    try:
        markdown, pages = work / "markdown", work / "pages"
        corpus.generate(markdown, args.n)
        write_pages(markdown, pages)
        size = lambda root: sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6  # noqa: E731
        md_s, md_peak = build_time(markdown, work / "md", args.runs)
        html_s, html_peak = build_time(pages, work / "html", args.runs)
        per_page = extraction_ms(pages)
        print(f"{args.n:,} articles; Markdown {size(markdown):.1f} MB, the same as saved pages {size(pages):.1f} MB; "
              f"medians of {args.runs} runs\n")
        print("| library | full index build (whole process) | peak memory |\n|---|---|---|")
        print(f"| Markdown | {md_s:.1f} s | {md_peak:.0f} MiB |")
        print(f"| saved web pages | {html_s:.1f} s | {html_peak:.0f} MiB |")
        print(f"\nPages take {html_s / md_s:.2f}× the time of Markdown; reading one page (extraction and "
              f"metadata) takes {per_page:.1f} ms, median of 300.")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
