#!/usr/bin/env python3
"""Highlights on PDFs finding their passage in a new version of the file.

    .venv/bin/python bench/pdf_anchoring.py      # the table, and bench/out/pdf_anchoring.json

../shared/pdf/revisions: 20 real article revisions printed to PDF (A, then B, the same
layout), 100 passages of A whose fate in B is known (42 same, 55 changed, 3 gone). Each
passage is highlighted on A's text as the product reads it (the selector made where the
passage is, with the text around it as context and its place as the hint), then found
again in B's text by the same matcher as any article's highlights. Judged by the
revisions README's rules: a `same` one right on text equal to it, a `changed` one on text
with difflib ratio >= 0.8 to the expected new wording, a `gone` one detached; any other
placement a false anchor. Beside it, what the Hypothesis-style matcher does on the same
passages in the posts' Markdown (the manifest's `markdown_hypothesis`), judged alike.
"""

from __future__ import annotations

import difflib
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reader.library.body import article_shown_text  # noqa: E402
from reader.library.formats import parse_article  # noqa: E402
from reader.notes.anchoring import find_passage, quote_at, reanchor  # noqa: E402

REVISIONS = HERE.parent.parent / "shared" / "pdf" / "revisions"


def flat(path: Path) -> str:
    return article_shown_text(parse_article(path.read_bytes(), path.name).article).flat


def verdict(passage: dict, found: bool, text: str | None) -> str:
    """right / missed / false, by the revisions README's rules."""
    truth = passage["truth"]
    if not found:
        return "right" if truth == "gone" else "missed"
    text = " ".join((text or "").split())
    if truth == "same":
        return "right" if text == passage["exact"] else "false"
    if truth == "changed":
        ratio = difflib.SequenceMatcher(None, text, passage["expected"], autojunk=False).ratio()
        return "right" if ratio >= 0.8 else "false"
    return "false"


def run() -> tuple[Counter, Counter, list[str], float]:
    ours, theirs, notes = Counter(), Counter(), []
    elapsed = 0.0
    for pair in json.loads((REVISIONS / "manifest.json").read_text())["pairs"]:
        before, after = flat(REVISIONS / pair["a"]), flat(REVISIONS / pair["b"])
        for passage in pair["passages"]:
            span = find_passage(before, passage["exact"])
            if span is None:
                ours[(passage["truth"], "not in A")] += 1
                notes.append(f"{passage['id']}: not found in A's text")
                continue
            quote = quote_at(before, *span)
            start = time.perf_counter()
            placed = reanchor(after, quote, span[0])
            elapsed += time.perf_counter() - start
            text = after[placed.start:placed.end] if placed.attached else None
            result = verdict(passage, placed.attached, text)
            ours[(passage["truth"], result)] += 1
            if result != "right":
                notes.append(f"{passage['id']} {passage['truth']}: {result} ({text!r})")
            markdown = passage.get("markdown_hypothesis") or {}
            theirs[(passage["truth"], verdict(passage, markdown.get("found", False), markdown.get("text")))] += 1
    return ours, theirs, notes, elapsed


def main() -> None:
    ours, theirs, notes, elapsed = run()
    print("| matcher | same | changed | gone detached | false anchors |\n|---|---|---|---|---|")
    for name, counts in (("ours, on the PDFs' text", ours), ("Hypothesis-style, on the Markdown", theirs)):
        def of(truth: str) -> str:
            total = sum(n for (t, _), n in counts.items() if t == truth)
            return f"{counts[(truth, 'right')]}/{total}"
        false = sum(n for (_, r), n in counts.items() if r == "false")
        print(f"| {name} | {of('same')} | {of('changed')} | {of('gone')} | {false} of {sum(counts.values())} |")
    print(f"\nre-anchoring: {1000 * elapsed / max(1, sum(ours.values())):.2f} ms a passage")
    for line in notes:
        print("  ", line)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "pdf_anchoring.json").write_text(json.dumps({
        "ours": {f"{truth} {result}": n for (truth, result), n in sorted(ours.items())},
        "markdown_hypothesis": {f"{truth} {result}": n for (truth, result), n in sorted(theirs.items())},
        "ms_a_passage": 1000 * elapsed / max(1, sum(ours.values())), "notes": notes}, indent=2))


if __name__ == "__main__":
    main()
