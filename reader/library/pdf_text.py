"""A PDF's text as a reader reads it, made from the lines PDFium gives (pdf_extract).

PDFium gives each page's lines in the order the page draws them, with running headers,
footers and page numbers among them, words broken at line ends, ligatures as single
characters, and every line ending where the page's did. Cleaned here, page by page then
across pages:

- running headers, footers and page numbers left out: a line in the top or bottom band
  of the page whose words (digits aside) stand at the same height on another page, or a
  lone page number ("7", "Page 7 of 12", "7/12") at the very top or bottom;
- a two-column page read column by column, when PDFium's order zigzags between them;
- words hyphenated at a line end joined again: PDFium's U+FFFE marks, U+2010 and the
  soft hyphen at a line end, and "-" before a lower-case word unless the document writes
  the word with its hyphen elsewhere;
- ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ) expanded;
- lines joined into paragraphs: a new one at a bullet or number, a change of type size,
  a wider gap than the page's line spacing, or after a short line ending a sentence.

Every character of the text keeps where it came from (page, character of PDFium's page
text), so a passage of the text is a stretch of a page to draw a highlight on.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class RawLine:
    start: int  # where the line starts in its page's text (PDFium's)
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in points, y upwards
    size: float  # the height of its characters' boxes (median of a few)


@dataclass
class RawPage:
    width: float
    height: float
    lines: list[RawLine]
    broken: bool = False  # PDFium could not load it


@dataclass
class RawPdf:
    pages: list[RawPage]
    page_count: int
    info: dict[str, str] = field(default_factory=dict)  # the Info dictionary (Title, Author, …)
    xmp: dict[str, list[str]] = field(default_factory=dict)  # title, creator, created, keywords, …
    encrypted: bool = False


@dataclass(frozen=True)
class Block:
    kind: str  # "p", "h" (a heading: larger type) or "li" (a list item)
    text: str


@dataclass(frozen=True)
class PdfText:
    blocks: tuple[Block, ...]
    # (offset in the text, page, character of that page's PDFium text, length), flattened:
    # consecutive characters that come from consecutive characters of one page
    runs: tuple[int, ...]
    page_starts: tuple[int, ...]  # the offset in the text where each page's first character is
    cleaned: dict[str, int] = field(default_factory=dict, compare=False)  # what was done, counted

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)

    def page_at(self, offset: int) -> int:
        """The page (0-based) a character of the text is on."""
        page = 0
        for number, start in enumerate(self.page_starts):
            if start <= offset:
                page = number
        return page


ZONE = 0.15  # of the page's height, at the top and the bottom: where running heads and feet stand
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^(?:(?:page|p\.|seite|página|pagina)\s*)?[-–—]?\s*(?:\d{1,4}|[ivxlcdm]{1,6})\s*[-–—]?"
                          r"(?:\s*(?:of|/|de|von|sur|di)\s*\d{1,4})?$", re.IGNORECASE)
_ITEM = re.compile(r"^(?:[•◦▪▫‣∙·●○■□–—*]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")
_SENTENCE_END = ("." , "!", "?", ":", "”", '"', "’", ")", "»")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
              "\ufb06": "st"}
_SOFT_HYPHENS = ("\ufffe", "\u00ad", "\u2010")
_CLOSE_UP = ("—", "/", "\ufffe")  # a line ending so goes on without a space (but for a new address)
_NEW_ADDRESS = re.compile(r"(?:https?:|ftp:|www\.)", re.IGNORECASE)
_WORD = re.compile(r"\w+(?:-\w+)*")
_SPECIAL = re.compile("[\x00-\x1f\xa0\ufb00-\ufb06\ufff0-\uffff]")


def clean(pages: list[RawPage]) -> PdfText:
    counts: Counter = Counter()
    furniture = _furniture(pages)
    counts["furniture lines"] = len(furniture)
    ordered: list[tuple[int, RawLine]] = []
    for number, page in enumerate(pages):
        kept = [line for i, line in enumerate(page.lines) if (number, i) not in furniture]
        columns = _by_columns(kept, page.width)
        counts["pages read by columns"] += columns is not kept
        ordered += [(number, line) for line in columns]
    hyphenated = {w.lower() for _, line in ordered for w in _WORD.findall(line.text) if "-" in w}
    return _Builder(pages, ordered, hyphenated, counts).build()


# ---------------------------------------------------------------- running heads and feet


def _furniture(pages: list[RawPage]) -> set[tuple[int, int]]:
    """(page, line) of every running header, footer and page number."""
    found: set[tuple[int, int]] = set()
    seen: dict[str, list[tuple[int, int, float]]] = {}
    for number, page in enumerate(pages):
        if not page.lines:
            continue
        tops = sorted(range(len(page.lines)), key=lambda i: -page.lines[i].box[3])
        for i, line in enumerate(page.lines):
            if not _in_band(line, page):
                continue
            key = _DIGITS.sub("#", " ".join(line.text.split()).lower())
            seen.setdefault(key, []).append((number, i, line.box[1]))
            extreme = i in (tops[0], tops[-1])
            if extreme and _PAGE_NUMBER.match(line.text.strip()):
                found.add((number, i))
    for places in seen.values():
        for cluster in _same_height(places):
            if len({number for number, _, _ in cluster}) >= 2:
                found.update((number, i) for number, i, _ in cluster)
    return found


def _in_band(line: RawLine, page: RawPage) -> bool:
    x0, y0, x1, y1 = line.box
    if x1 <= x0 and y1 <= y0:
        return False
    return y0 >= page.height * (1 - ZONE) or y1 <= page.height * ZONE


def _same_height(places: list[tuple[int, int, float]], tolerance: float = 4.0) -> list[list]:
    clusters: list[list] = []
    for place in sorted(places, key=lambda p: p[2]):
        if clusters and place[2] - clusters[-1][-1][2] <= tolerance:
            clusters[-1].append(place)
        else:
            clusters.append([place])
    return clusters


# ---------------------------------------------------------------- columns


def _by_columns(lines: list[RawLine], width: float) -> list[RawLine]:
    """The page's lines column by column when PDFium's order goes back and forth between
    two columns; else as they are (the same list)."""
    middle = width / 2
    side = {}
    for i, line in enumerate(lines):
        x0, _, x1, _ = line.box
        if x1 <= middle + width * 0.02 and x1 > x0:
            side[i] = "left"
        elif x0 >= middle - width * 0.02 and x1 > x0:
            side[i] = "right"
    sides = [side[i] for i in range(len(lines)) if i in side]
    if sides.count("left") < 6 or sides.count("right") < 6:
        return lines
    switches = sum(1 for a, b in zip(sides, sides[1:]) if a != b)
    if switches <= 4:
        return lines
    spanning = [i for i in range(len(lines)) if i not in side]
    top_of_columns = max(lines[i].box[3] for i in side)
    above = sorted((i for i in spanning if lines[i].box[1] >= top_of_columns), key=lambda i: -lines[i].box[3])
    below = sorted((i for i in spanning if lines[i].box[1] < top_of_columns), key=lambda i: -lines[i].box[3])
    left = sorted((i for i in side if side[i] == "left"), key=lambda i: -lines[i].box[3])
    right = sorted((i for i in side if side[i] == "right"), key=lambda i: -lines[i].box[3])
    return [lines[i] for i in above + left + right + below]


# ---------------------------------------------------------------- paragraphs


class _Builder:
    """Joins the kept lines into blocks, keeping where each character came from.

    A block is built of pieces (text, page, character): the piece's characters come from
    consecutive characters of that page's PDFium text from `character` on; a page of -1 is
    a space put in between lines."""

    def __init__(self, pages, ordered, hyphenated, counts):
        self.pages = pages
        self.ordered = ordered
        self.hyphenated = hyphenated
        self.counts = counts
        sizes = [line.size for _, line in ordered if line.size > 0]
        self.body_size = statistics.median(sizes) if sizes else 0.0
        by_page: dict[int, list[RawLine]] = {}
        for number, line in ordered:
            by_page.setdefault(number, []).append(line)
        self.pitch = {number: _line_pitch(lines) for number, lines in by_page.items()}
        self.columns = {number: _Columns(lines) for number, lines in by_page.items()}
        self.blocks: list[Block] = []
        self.runs: list[int] = []
        self.page_starts: list[int] = []
        self.offset = 0  # where the block being built starts in the whole text
        self.pieces: list[tuple[str, int, int]] = []
        self.kind = "p"

    def build(self) -> PdfText:
        previous: tuple[int, RawLine] | None = None
        for number, line in self.ordered:
            pieces = self._line_pieces(number, line)
            if not pieces:
                continue
            head = "".join(p[0] for p in pieces[:6])[:6]
            if previous is not None and self._new_block(previous, (number, line), head):
                self._end_block()
            if not self.pieces:
                self.kind = self._kind(line, head)
                self.pieces = pieces
            else:
                self._join(pieces)
            previous = (number, line)
        self._end_block()
        text_length = self.offset - 2 if self.blocks else 0
        starts = _page_starts(self.runs, len(self.pages), max(text_length, 0))
        return PdfText(tuple(self.blocks), tuple(self.runs), starts, dict(self.counts))

    def _line_pieces(self, number: int, line: RawLine) -> list[tuple[str, int, int]]:
        text = line.text
        if not _SPECIAL.search(text):  # most lines: the line itself, its spaces at the ends left out
            stripped = text.strip(" ")
            return [(stripped, number, line.start + len(text) - len(text.lstrip(" ")))] if stripped else []
        chars, sources = [], []
        for j, c in enumerate(text):
            where = line.start + j
            if c == "\ufffe":  # PDFium's mark of a word broken at a line end: joined, unless it ends the line
                if j < len(text) - 1:
                    self.counts["hyphenated words joined"] += 1
                    continue
            if c in _LIGATURES:
                self.counts["ligatures expanded"] += 1
                chars += _LIGATURES[c]
                sources += [where] * len(_LIGATURES[c])
                continue
            if c in "\t\xa0":
                c = " "
            elif ord(c) < 32 or (0xFFF0 <= ord(c) <= 0xFFFF and c != "\ufffe"):
                continue
            chars.append(c)
            sources.append(where)
        first, last = 0, len(chars)
        while first < last and chars[first] == " ":
            first += 1
        while last > first and chars[last - 1] == " ":
            last -= 1
        pieces: list[tuple[str, int, int]] = []
        for i in range(first, last):
            if i > first and sources[i] == sources[i - 1] + 1:
                text_so_far, page, char = pieces[-1]
                pieces[-1] = (text_so_far + chars[i], page, char)
            else:
                pieces.append((chars[i], number, sources[i]))
        return pieces

    def _kind(self, line: RawLine, head: str) -> str:
        if _ITEM.match(head + " "):
            return "li"
        if self.body_size and line.size >= self.body_size * 1.15:
            return "h"
        return "p"

    def _new_block(self, before: tuple[int, RawLine], after: tuple[int, RawLine], head: str) -> bool:
        (page_a, a), (page_b, b) = before, after
        if _ITEM.match(head + " "):
            return True
        if a.size and b.size and abs(a.size - b.size) > 0.15 * max(a.size, b.size):
            return True
        heading = self.body_size and a.size >= self.body_size * 1.15  # a heading's lines go on whatever their length
        ended = self._tail(8).rstrip().endswith(_SENTENCE_END)
        short = ended and not heading and self.columns[page_a].short(a)
        if page_a != page_b or b.box[3] > a.box[3] + 1:  # another page, or up to a new column
            return short
        pitch = a.box[1] - b.box[1]
        if heading:  # a heading's lines stand at its own type's spacing, not the body's
            return pitch > a.size * 1.6
        usual = self.pitch.get(page_a) or 0
        return short or (usual > 0 and pitch > usual * 1.45)

    def _tail(self, length: int) -> str:
        """The block's last characters (at least `length` of them, when it has that many)."""
        parts, count = [], 0
        for piece in reversed(self.pieces):
            parts.append(piece[0])
            count += len(piece[0])
            if count >= length:
                break
        return "".join(reversed(parts))

    def _join(self, pieces: list[tuple[str, int, int]]) -> None:
        """The next line of the block: after a space, or closed up to a word broken at the line
        end (its hyphen dropped when it only broke the word), an em dash or a slash."""
        tail = self._tail(40)
        last, first = tail[-1], pieces[0][0][0]
        broken = last in _SOFT_HYPHENS + ("-",) and len(tail) > 1 and tail[-2].isalpha()
        if broken and first.isalpha():
            if last in _SOFT_HYPHENS or (first.islower() and self._soft(tail, pieces)):
                self._drop_last()
                self.counts["hyphenated words joined"] += 1
        elif last not in _CLOSE_UP or (last == "/" and _NEW_ADDRESS.match("".join(p[0] for p in pieces[:8])[:8])):
            self.pieces.append((" ", -1, -1))
        self.pieces += pieces

    def _drop_last(self) -> None:
        text, page, char = self.pieces.pop()
        if len(text) > 1:
            self.pieces.append((text[:-1], page, char))

    def _soft(self, tail: str, pieces: list[tuple[str, int, int]]) -> bool:
        """Whether a "-" at a line end only broke the word: not when the document writes the
        two halves with a hyphen elsewhere."""
        head = _WORD.findall(tail[-40:-1])
        after = _WORD.findall("".join(p[0] for p in pieces)[:40])
        return not (head and after and f"{head[-1]}-{after[0]}".lower() in self.hyphenated)

    def _end_block(self) -> None:
        while self.pieces and self.pieces[-1][0].endswith("\ufffe"):
            self._drop_last()
        if not self.pieces:
            return
        text = "".join(piece[0] for piece in self.pieces)
        self.blocks.append(Block(self.kind, text))
        at, last = self.offset, None
        for piece_text, page, char in self.pieces:
            if page >= 0:
                if last and last[1] == page and last[2] + last[3] == char and last[0] + last[3] == at:
                    last[3] += len(piece_text)
                else:
                    if last:
                        self.runs.extend(last)
                    last = [at, page, char, len(piece_text)]
            at += len(piece_text)
        if last:
            self.runs.extend(last)
        self.offset += len(text) + 2
        self.pieces, self.kind = [], "p"


class _Columns:
    """Where a page's columns end on the right, to tell a paragraph's short last line."""

    def __init__(self, lines: list[RawLine]):
        edges = sorted((line.box[0], line.box[2]) for line in lines)
        self.lefts = [x0 for x0, _ in edges]
        self.rights = [x1 for _, x1 in edges]
        self.known: dict[float, float] = {}

    def short(self, line: RawLine) -> bool:
        """Whether the line stops well before its column's right edge (a paragraph's last)."""
        x0, _, x1, _ = line.box
        right = self.known.get(x0)
        if right is None:  # the right edge of the lines starting within 20 points of this one
            lo, hi = bisect.bisect_right(self.lefts, x0 - 20), bisect.bisect_left(self.lefts, x0 + 20)
            right = self.known[x0] = max(self.rights[lo:hi], default=x1)
        right = max(right, x1)
        return right - x1 > (right - x0) * 0.12


def _line_pitch(lines: list[RawLine]) -> float:
    """The usual distance between one line and the next on a page (the body's spacing)."""
    gaps = [a.box[1] - b.box[1] for a, b in zip(lines, lines[1:])
            if a.size and b.size and abs(a.size - b.size) < 0.1 * a.size and 0 < a.box[1] - b.box[1] < 4 * a.size]
    return statistics.median(gaps) if gaps else 0.0


def _page_starts(runs: list[int], pages: int, length: int) -> tuple[int, ...]:
    starts = [length] * pages
    for i in range(0, len(runs), 4):
        offset, page = runs[i], runs[i + 1]
        if offset < starts[page]:
            starts[page] = offset
    for number in range(pages - 2, -1, -1):  # a page with no text starts where the next does
        starts[number] = min(starts[number], starts[number + 1])
    return tuple(starts)
