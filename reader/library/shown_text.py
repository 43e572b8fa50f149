"""The text of an article as the reader shows it: what passages are quoted from.

Made from the same sanitised body HTML the reading pane displays, so a passage
selected on screen and a passage given on the command line are found in one text.
Two forms of it:

- ``text``: blocks (paragraphs, headings, list items, code, table rows) separated by
  blank lines, what ``article-reader show`` prints and what anchor offsets count in;
- ``flat``: the same with every run of white space made one space, where quotes are
  stored and searched (line breaks and indentation never decide whether a passage
  is still there).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SPACE_RUN = re.compile(r"\s+")
# Tags that end one block and start another, as the reading pane lays them out.
_BLOCKS = {
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "summary", "table", "ul",
}
_CELLS = {"td", "th"}
_ROWS = {"tr"}
_CELL, _LINE, _PARAGRAPH = 1, 2, 3
_SEPARATORS = {_CELL: "\t", _LINE: "\n", _PARAGRAPH: "\n\n"}


def collapse(text: str) -> str:
    """Every run of white space one space, none at the ends: how quotes are compared."""
    return _SPACE_RUN.sub(" ", text).strip()


@dataclass(frozen=True)
class ShownText:
    text: str
    flat: str
    # The white space runs of text that flat writes as one space (any but a lone " "):
    # where each starts and ends in text, and where its space is in flat.
    _runs: tuple[tuple[int, int, int], ...] = field(default=(), repr=False)
    _run_spaces: tuple[int, ...] = field(default=(), repr=False)
    _run_starts: tuple[int, ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, text: str) -> "ShownText":
        """From text already laid out in blocks (no white space at its ends)."""
        flat_parts, runs = [], []
        flat_at = text_at = 0
        for match in _SPACE_RUN.finditer(text):
            flat_parts.append(text[text_at:match.start()])
            flat_at += match.start() - text_at
            if match.group() != " ":
                runs.append((match.start(), match.end(), flat_at))
            flat_parts.append(" ")
            flat_at += 1
            text_at = match.end()
        flat_parts.append(text[text_at:])
        return cls(text, "".join(flat_parts), tuple(runs), tuple(r[2] for r in runs), tuple(r[0] for r in runs))

    def to_text(self, flat_offset: int) -> int:
        """The offset in ``text`` of flat_offset in ``flat`` (a start or an end)."""
        i = bisect.bisect_right(self._run_spaces, flat_offset) - 1
        if i < 0:
            return flat_offset
        start, end, space = self._runs[i]
        return start if flat_offset == space else end + flat_offset - space - 1

    def to_flat(self, text_offset: int) -> int:
        """The offset in ``flat`` of text_offset in ``text``."""
        i = bisect.bisect_right(self._run_starts, text_offset) - 1
        if i < 0:
            return text_offset
        start, end, space = self._runs[i]
        if text_offset == start:
            return space
        return space + 1 + max(0, text_offset - end)


class _Blocks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pending = 0  # the strongest separator owed before the next text
        self.pre = 0

    def _separate(self, strength: int) -> None:
        self.pending = max(self.pending, strength)

    def handle_starttag(self, tag, attrs):
        self._tag(tag, opening=True)

    def handle_endtag(self, tag):
        self._tag(tag, opening=False)

    def _tag(self, tag: str, opening: bool) -> None:
        if tag == "pre":
            self.pre += 1 if opening else -1
            self.pre = max(self.pre, 0)
        if tag in _BLOCKS:
            self._separate(_PARAGRAPH)
        elif tag in _ROWS:
            self._separate(_LINE)
        elif tag in _CELLS:
            self._separate(_CELL)
        elif tag == "br" and opening:
            self._separate(_LINE)

    def handle_data(self, data):
        if self.pre:
            lines = data.split("\n")
            for n, line in enumerate(lines):
                if n:
                    self._separate(_LINE)
                if line:
                    self._text(line)
            return
        text = _SPACE_RUN.sub(" ", data)
        if self.pending and text.startswith(" "):
            text = text[1:]
        if text:
            self._text(text)

    def _text(self, text: str) -> None:
        if self.pending:
            if self.parts:
                while self.parts and self.parts[-1].endswith(" "):
                    self.parts[-1] = self.parts[-1].rstrip(" ")
                self.parts.append(_SEPARATORS[self.pending])
            self.pending = 0
            if not self.pre:
                text = text.lstrip(" ")
        elif not self.parts and not self.pre:
            text = text.lstrip(" ")
        elif self.parts and self.parts[-1].endswith(" ") and text.startswith(" "):
            text = text[1:]
        if text:
            self.parts.append(text)


def shown_text(body_html: str) -> ShownText:
    """The shown text of an article body (the sanitised HTML of render.body_html)."""
    parser = _Blocks()
    parser.feed(body_html)
    parser.close()
    return ShownText.of("".join(parser.parts).strip())
