"""Markdown reduced to readable text: what snippets quote and the index reads.

A sequence of bounded regular expressions (hostile input stays linear), each skipped when
the text lacks what it needs to match, so a plain article costs a few passes, not seventeen.
"""

from __future__ import annotations

import html
import re

# Every pattern is bounded ({0,N}) so that hostile input stays linear.
# Each rule with the strings its pattern cannot match without (None: always run). A rule is
# skipped when none is in the text, a C-speed check: most articles have no HTML, no Liquid and no
# tables, and the passes were a fifth of the time a generated article takes to index.
_MARKUP_RULES = [
    (re.compile(r"<!--.{0,20000}?-->", re.DOTALL), " ", ("<!--",)),
    (re.compile(r"\{%.{0,2000}?%\}|\{\{.{0,2000}?\}\}", re.DOTALL), " ", ("{%", "{{")),
    (re.compile(r"<(script|style)\b[^>]{0,500}>.{0,100000}?</\1\s*>", re.DOTALL | re.IGNORECASE), " ", ("<",)),
    (re.compile(r"</?[A-Za-z][^<>\n]{0,500}>"), " ", ("<",)),
    (re.compile(r"!\[([^\]\n]{0,500})\]\([^)\n]{0,1000}\)"), r"\1", ("![",)),
    (re.compile(r"\[([^\]\n]{0,500})\]\([^)\n]{0,1000}\)"), r"\1", ("](",)),
    (re.compile(r"\[([^\]\n]{0,500})\]\[[^\]\n]{0,200}\]"), r"\1", ("][",)),
    (re.compile(r"^[ \t]{0,3}\[\^[^\]\n]{1,200}\]:[ \t]*", re.MULTILINE), "", ("[^",)),  # footnote: keep its text
    (re.compile(r"^[ \t]{0,3}\[[^\]\n]{1,200}\]:[ \t]*\S.*$", re.MULTILINE), "", ("]:",)),  # link reference: drop
    (re.compile(r"^[ \t]*(?:```|~~~).*$", re.MULTILINE), "", ("```", "~~~")),
    (re.compile(r"^[ \t]*[|:\- ]{3,}$", re.MULTILINE), "", None),
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE), "", ("#",)),
    (re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.MULTILINE), "", (">",)),
]
# Emphasis: underscores at a word's edge (not inside snake_case), judged before any * or ` goes,
# then every * and ` by str.replace: the one alternation with a lookbehind that did all three was
# tried at every position, 0.29 ms of a real post's 0.65.
_EDGE_UNDERSCORES = re.compile(r"(?<!\w)_+|_+(?!\w)")
_SPACING_RULES = [
    (re.compile(r"\|"), " ", ("|",)),
    (re.compile(r"[ \t]{2,}|\t"), " ", None),  # a lone space stays, rather than being replaced by one
    (re.compile(r"\n[ \n]*\n"), "\n\n", None),
]


def _applied(rules, text: str) -> str:
    for pattern, replacement, needs in rules:
        if needs is None or any(n in text for n in needs):
            text = pattern.sub(replacement, text)
    return text


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to readable text: what snippets quote and the index reads."""
    text = _applied(_MARKUP_RULES, markdown_text)
    if "_" in text:
        text = _EDGE_UNDERSCORES.sub("", text)
    text = text.replace("*", "").replace("`", "")
    return html.unescape(_applied(_SPACING_RULES, text)).strip()
