#!/usr/bin/env python3
"""How well highlights find their passage again after real edits, and how fast.

    .venv/bin/python bench/anchoring.py            # the table, and bench/out/anchoring.json
    .venv/bin/python bench/anchoring.py --json     # the figures only

1. The real pairs of ../shared/revisions (an early and a late version of 100 Rust blog
   posts, 739 passages whose fate is known: 540 same, 193 changed, 6 gone). Each
   passage is highlighted in A's shown text as the app would (selector from
   reader.anchoring.quote_at), then re-anchored in B's shown text. Judged by the
   folder's README: same = anchored on exactly its text; changed = anchored on text
   with difflib ratio >= 0.8 to the expected new wording; gone = detached. Anything
   else that is anchored is a false anchor.
2. Removed passages made from real articles (../shared/corpora, seeded): a sentence
   deleted; its paragraph deleted; the sentence rewritten (replaced by a sentence of
   another post of the same blog); the sentence deleted and the sentences around it
   reworded. Only those that pass the README's "gone" test are kept. Any anchor there
   is false.
3. Speed: 100 highlights re-anchored on an edited ~20 KB article (median of runs).

Beside ours, the same pipeline with two baselines: exact match only, and the
Hypothesis client's approach (exact at the old position, else exact matches, else
the best approximate matches scored 50 quote + 20 prefix + 20 suffix + 2 position,
no threshold; candidates from edlib in place of approx-string-match). The README's
own Hypothesis figures (on Markdown text) are printed beside them. Also ours with
the other libraries that could find the candidates: rapidfuzz's
partial_ratio_alignment, and diff-match-patch's Bitap (when it is installed).
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import edlib  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from reader.library.body import article_shown_text  # noqa: E402
from reader.library.formats import parse_article  # noqa: E402
from reader.library.shown_text import collapse  # noqa: E402
from reader.notes import anchoring  # noqa: E402
from reader.notes.anchoring import Placement, Quote, quote_at, reanchor  # noqa: E402

SHARED = HERE.parent.parent / "shared"
REVISIONS = SHARED / "revisions"
CORPORA = SHARED / "corpora"
OUT = HERE / "out"


def flat_of(path: Path, article_id: str = "a.md") -> str:
    return article_shown_text(parse_article(path.read_bytes(), article_id).article).flat


# ---------------------------------------------------------------- matchers


def exact_only(flat: str, quote: Quote, hint: int | None) -> Placement:
    at = flat.find(quote.exact)
    return Placement("exact", at, at + len(quote.exact), quote.exact) if at >= 0 else Placement("detached")


def hypothesis_style(flat: str, quote: Quote, hint: int | None) -> Placement:
    exact = quote.exact
    if hint is not None and flat[hint:hint + len(exact)] == exact:
        return Placement("exact", hint, hint + len(exact), exact)
    spans = [(at, at + len(exact)) for at in anchoring.occurrences(flat, exact)]
    if not spans:
        limit = min(256, len(exact) // 2)
        alphabet = set(exact)
        target = "".join(c if c in alphabet else "\x00" for c in flat)
        found = edlib.align(exact, target, mode="HW", task="locations", k=limit)
        spans = [(s, e + 1) for s, e in found["locations"]] if found["editDistance"] >= 0 else []
    best = None
    for start, end in spans:
        before = flat[max(0, start - len(quote.prefix)):start]
        after = flat[end:end + len(quote.suffix)]
        score = (50 * anchoring.similarity(exact, flat[start:end]) + 20 * anchoring.similarity(quote.prefix, before)
                 + 20 * anchoring.similarity(quote.suffix, after)
                 + 2 * (1 - min(1, abs(start - (hint or 0)) / max(1, len(flat)))))
        if best is None or score > best[0]:
            best = (score, start, end)
    if best is None:
        return Placement("detached")
    return Placement("changed", best[1], best[2], flat[best[1]:best[2]])


def ours_with_rapidfuzz(flat: str, quote: Quote, hint: int | None) -> Placement:
    original = anchoring._aligned
    anchoring._aligned = anchoring._aligned_without_edlib
    try:
        return reanchor(flat, quote, hint)
    finally:
        anchoring._aligned = original


def ours_with_diff_match_patch(flat: str, quote: Quote, hint: int | None) -> Placement:
    """diff-match-patch's Bitap (pure Python here, without the 32-character limit of its
    other ports): one start near the hint; the stretch is the quote's length from there."""
    from diff_match_patch import diff_match_patch

    def aligned(text: str, exact: str) -> list[tuple[int, int]]:
        start = diff_match_patch().match_main(text, exact, hint or 0)
        return [(start, min(len(text), start + len(exact)))] if start >= 0 else []

    original = anchoring._aligned
    anchoring._aligned = aligned
    try:
        return reanchor(flat, quote, hint)
    finally:
        anchoring._aligned = original


MATCHERS = {"ours": reanchor, "ours, rapidfuzz": ours_with_rapidfuzz, "ours, diff-match-patch": ours_with_diff_match_patch,
            "hypothesis-style": hypothesis_style, "exact only": exact_only}
try:
    import diff_match_patch  # noqa: F401 - only to compare with: pip install diff-match-patch
except ImportError:
    del MATCHERS["ours, diff-match-patch"]


# ---------------------------------------------------------------- judging


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def judge(truth: str, anchor: Placement, exact: str, expected: str | None) -> tuple[bool, bool]:
    """(right, false anchor) by the revisions README's rules."""
    if truth == "gone":
        return not anchor.attached, anchor.attached
    if not anchor.attached:
        return False, False
    text = collapse(anchor.text or "")
    right = text == exact if truth == "same" else ratio(text, collapse(expected)) >= 0.8
    return right, not right


def score(cases: list[dict], matcher) -> dict:
    kinds: dict[str, dict] = {}
    false = 0
    seconds = 0.0
    for case in cases:
        started = time.perf_counter()
        anchor = matcher(case["flat"], case["quote"], case["hint"])
        seconds += time.perf_counter() - started
        right, wrong = judge(case["truth"], anchor, case["quote"].exact, case.get("expected"))
        kind = kinds.setdefault(case["truth"], {"right": 0, "of": 0, "states": {}})
        kind["of"] += 1
        kind["right"] += right
        kind["states"][anchor.state] = kind["states"].get(anchor.state, 0) + 1
        false += wrong
        case.setdefault("results", {})[matcher.__name__] = (right, wrong, anchor.state)
    return {"kinds": kinds, "false_anchors": false, "of": len(cases), "ms_per_passage": 1000 * seconds / max(1, len(cases))}


# ---------------------------------------------------------------- the real pairs


def revision_cases() -> list[dict]:
    manifest = json.loads((REVISIONS / "manifest.json").read_text())
    cases = []
    for pair in manifest["pairs"]:
        a = flat_of(REVISIONS / pair["a"])
        b = flat_of(REVISIONS / pair["b"])
        for passage in pair["passages"]:
            found = anchoring.occurrences(a, passage["exact"])
            if len(found) != 1:
                raise SystemExit(f"passage {passage['id']} is {len(found)} times in A's shown text")
            start = found[0]
            cases.append({"id": passage["id"], "truth": passage["truth"], "expected": passage.get("expected"),
                          "quote": quote_at(a, start, start + len(passage["exact"])), "hint": start, "flat": b})
    return cases


# ---------------------------------------------------------------- removed passages, made

_SENTENCE = re.compile(r"[^.!?]{30,250}?[.!?](?=\s|$)")
_PROSE = re.compile(r"^[A-Z][^`#|<>*_\[\]{}\\~&]*$")


def prose_sentences(flat: str) -> list[tuple[int, int]]:
    spans = []
    for match in _SENTENCE.finditer(flat):
        text = match.group().strip()
        start = match.start() + (len(match.group()) - len(match.group().lstrip()))
        letters = sum(c.isalpha() for c in text)
        if (len(text.split()) >= 5 and _PROSE.match(text) and letters >= 0.6 * len(text) and "http" not in text
                and flat.count(text) == 1):
            spans.append((start, start + len(text)))
    return spans


def is_gone(exact: str, edited: str) -> bool:
    """The README's 'gone' test, as far as it applies without a word alignment."""
    if fuzz.partial_ratio(exact, edited) >= 60:
        return False
    matcher = difflib.SequenceMatcher(None, exact, edited, autojunk=False)
    longest = matcher.find_longest_match(0, len(exact), 0, len(edited))
    return longest.size < 0.3 * len(exact)


def reword(sentence: str, rng: random.Random, others: list[str]) -> str:
    """An editor's rewrite of a neighbouring sentence: another sentence in its place."""
    return rng.choice(others) if others else sentence[::-1]


def removed_cases(per_kind: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    articles = []
    for path in sorted(CORPORA.rglob("*.md")) + sorted(CORPORA.rglob("*.markdown")):
        try:
            flat = flat_of(path)
        except Exception:  # noqa: BLE001 - a file that does not parse is simply not used
            continue
        spans = prose_sentences(flat)
        if len(spans) >= 6:
            articles.append((path, flat, spans))
    pool = [flat[s:e] for _, flat, spans in articles for s, e in spans]
    cases = []
    kinds = ["sentence deleted", "paragraph deleted", "sentence rewritten", "deleted, neighbours reworded"]
    for kind in kinds:
        made = 0
        tries = 0
        while made < per_kind and tries < per_kind * 20:
            tries += 1
            path, flat, spans = rng.choice(articles)
            index = rng.randrange(1, len(spans) - 1)
            start, end = spans[index]
            exact = flat[start:end]
            quote = quote_at(flat, start, end)
            if kind == "sentence deleted":
                edited = flat[:start] + flat[end:].lstrip()
            elif kind == "paragraph deleted":
                # The flat text has no paragraph marks: take the sentences either side too.
                low, high = spans[max(0, index - 1)][0], spans[min(len(spans) - 1, index + 1)][1]
                edited = flat[:low] + flat[high:].lstrip()
            elif kind == "sentence rewritten":
                edited = flat[:start] + rng.choice(pool) + flat[end:]
            else:
                (ps, pe), (ns, ne) = spans[index - 1], spans[index + 1]
                edited = (flat[:ps] + reword(flat[ps:pe], rng, pool) + " " + reword(flat[ns:ne], rng, pool)
                          + flat[ne:])
            if not is_gone(exact, edited):
                continue
            cases.append({"id": f"{kind}:{path.name}:{start}", "truth": "gone", "kind": kind, "quote": quote,
                          "hint": start, "flat": edited})
            made += 1
    return cases


# ---------------------------------------------------------------- speed


def speed(runs: int, seed: int) -> dict:
    rng = random.Random(seed)
    candidates = []
    for path in sorted(CORPORA.rglob("*.md")):
        if 15_000 <= path.stat().st_size <= 40_000:
            flat = flat_of(path)
            if len(prose_sentences(flat)) >= 100:
                candidates.append((abs(len(flat) - 20_000), path, flat))
    _, path, flat = min(candidates, key=lambda c: c[0])  # the one nearest 20 KB of shown text
    spans = prose_sentences(flat)
    chosen = sorted(rng.sample(spans, 100))
    quotes = [(quote_at(flat, s, e), s) for s, e in chosen]
    # The edit: a new opening paragraph, every tenth sentence reworded, every 25th deleted.
    edited = flat
    for n, (s, e) in enumerate(reversed(spans)):
        if n % 25 == 0:
            edited = edited[:s] + edited[e:]
        elif n % 10 == 0:
            words = edited[s:e].split()
            words[len(words) // 2] = "considerably"
            edited = edited[:s] + " ".join(words) + edited[e:]
    edited = "An editor's note opens the article now, a paragraph long, before the text. " + edited
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for quote, hint in quotes:
            reanchor(edited, quote, hint)
        times.append(1000 * (time.perf_counter() - started))
    states: dict[str, int] = {}
    for quote, hint in quotes:
        state = reanchor(edited, quote, hint).state
        states[state] = states.get(state, 0) + 1
    return {"article": str(path.relative_to(CORPORA)), "chars": len(flat), "highlights": 100,
            "median_ms": round(statistics.median(times), 2), "worst_ms": round(max(times), 2), "states": states}


# ---------------------------------------------------------------- report


def percent(right: int, of: int) -> str:
    return f"{right}/{of} ({100 * right / of:.1f}%)" if of else "—"


def table(real: dict, removed: dict, removed_kinds: dict) -> str:
    readme = json.loads((REVISIONS / "baselines.json").read_text())["summary"]["hypothesis"]
    lines = ["| matcher | same | changed | gone detached | false anchors (real) | removed detached (made) "
             "| false anchors (made) | ms / passage |",
             "|---|---|---|---|---|---|---|---|"]
    for name in MATCHERS:
        r, m = real[name], removed[name]
        k = r["kinds"]
        lines.append(f"| {name} | {percent(k['same']['right'], k['same']['of'])} | "
                     f"{percent(k['changed']['right'], k['changed']['of'])} | "
                     f"{percent(k['gone']['right'], k['gone']['of'])} | "
                     f"{r['false_anchors']} of {r['of']} ({100 * r['false_anchors'] / r['of']:.1f}%) | "
                     f"{percent(m['kinds']['gone']['right'], m['kinds']['gone']['of'])} | "
                     f"{m['false_anchors']} of {m['of']} ({100 * m['false_anchors'] / m['of']:.1f}%) | "
                     f"{r['ms_per_passage']:.3f} |")
    lines.append(f"| Hypothesis (README, on Markdown) | {readme['same']['right']}/{readme['same']['of']} | "
                 f"{readme['changed']['right']}/{readme['changed']['of']} | {readme['gone']['right']}/{readme['gone']['of']} | "
                 f"{readme['false_anchors']['count']} of {readme['false_anchors']['of']} | | | |")
    lines.append("")
    lines.append("Removed passages by edit, detached by ours: " + ", ".join(
        f"{kind} {percent(v['right'], v['of'])}" for kind, v in removed_kinds.items()))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=400, help="removed passages made per kind of edit")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list the passages ours gets wrong")
    args = parser.parse_args()

    real_cases = revision_cases()
    made_cases = removed_cases(args.per_kind, args.seed)
    real = {name: score(real_cases, fn) for name, fn in MATCHERS.items()}
    removed = {name: score(made_cases, fn) for name, fn in MATCHERS.items()}
    kinds: dict[str, dict] = {}
    for case in made_cases:
        kind = kinds.setdefault(case["kind"], {"right": 0, "of": 0})
        kind["of"] += 1
        kind["right"] += case["results"]["reanchor"][0]
    result = {"revisions": real, "removed": removed, "removed_by_edit": kinds, "speed": speed(args.runs, args.seed)}
    OUT.mkdir(exist_ok=True)
    (OUT / "anchoring.json").write_text(json.dumps(result, indent=2))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(table(real, removed, kinds))
    states = "; ".join(f"{truth}: " + ", ".join(f"{n} {state}" for state, n in sorted(v["states"].items()))
                       for truth, v in real["ours"]["kinds"].items())
    print(f"\nStates ours gave on the real pairs — {states}")
    s = result["speed"]
    print(f"\nSpeed: {s['highlights']} highlights re-anchored on an edited {s['chars']:,}-character article "
          f"({s['article']}): median {s['median_ms']} ms, worst {s['worst_ms']} ms; states {s['states']}")
    if args.misses:
        for case in real_cases + made_cases:
            right, wrong, state = case["results"]["reanchor"]
            if not right:
                print(f"\n{case['id']} ({case['truth']}, ours {state}{', FALSE' if wrong else ''}): {case['quote'].exact!r}")
                if case.get("expected"):
                    print(f"    expected: {case['expected']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
