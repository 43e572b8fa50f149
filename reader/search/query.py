"""The query language: a forgiving parser into plain nodes (reader.search.compiler
turns them into a Whoosh query).

The parser never raises: unbalanced quotes run to the end, unbalanced parentheses
close at the end, dangling operators and empty fields are dropped. Whoosh's own
QueryParser is not used: it raises on inputs like ``NOT OR x``, stems prefix text,
and needs a base date for its date plugin.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from reader.text.analysis import words

# Which index fields a bare word looks in, and what a field prefix narrows it to.
TEXT_FIELDS = ("title", "body", "authors", "tags", "source", "notes")
FIELD_TARGETS = {
    "title": ("title",),
    "body": ("body",),
    "text": ("body",),
    "author": ("authors",),
    "authors": ("authors",),
    "source": ("source",),
    "note": ("notes",),
    "notes": ("notes",),
}
SPECIAL_FIELDS = {"tag": "tag", "tags": "tag", "path": "path", "folder": "path", "date": "date", "lang": "lang",
                  "language": "lang", "url": "url", "site": "site"}
EXACT_FIELDS = ("tag", "path", "lang", "url", "site")  # searched as written, not as words
# is:/has: words -> (the reader's mark (reader.search.filters), whether it asks for articles without it).
MARK_WORDS = {
    ("is", "read"): ("read", False),
    ("is", "unread"): ("read", True),
    ("is", "edited"): ("edited", False),
    ("has", "notes"): ("notes", False),
    ("has", "note"): ("notes", False),
    ("has", "highlights"): ("highlights", False),
    ("has", "highlight"): ("highlights", False),
}
KNOWN_FIELDS = set(FIELD_TARGETS) | set(SPECIAL_FIELDS)


# ---------------------------------------------------------------- nodes


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None  # None: every text field
    kind: str = "word"  # word | prefix | fuzzy
    distance: int = 1
    span: tuple[int, int] = (0, 0)  # where it stands in the query string


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class DateRange:
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Mark:
    """is:unread, has:notes…: articles with (or, without=True, lacking) one of the reader's marks."""

    name: str  # read | notes | highlights | edited (reader.search.filters)
    without: bool = False


@dataclass(frozen=True)
class Minutes:
    """minutes:<10: articles whose reading time is within the bounds (whole minutes, inclusive)."""

    low: int | None
    high: int | None


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    nodes: tuple


@dataclass(frozen=True)
class Or:
    nodes: tuple


# ---------------------------------------------------------------- dates

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")


def date_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of '2024', '2024-09' or '2024-09-01'; None if not a date."""
    match = _PARTIAL_DATE.match(text.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        one = dt.date(year, month, day)
        return one, one
    except ValueError:
        return None


def parse_date_value(text: str) -> DateRange | None:
    text = text.strip()
    if text.startswith("["):
        inner = text[1:].rstrip("]").strip()
        parts = re.split(r"\s+to\s+|\s*\.\.\s*|^to\s+|\s+to$|^to$", inner, maxsplit=1, flags=re.IGNORECASE)
        if len(parts) != 2:
            bounds = date_bounds(inner)
            return DateRange(*bounds) if bounds else None
        low, high = (p.strip() for p in parts)
        low_b = date_bounds(low) if low else None
        high_b = date_bounds(high) if high else None
        if (low and not low_b) or (high and not high_b) or not (low_b or high_b):
            return None
        return DateRange(low_b[0] if low_b else None, high_b[1] if high_b else None)
    for op in (">=", "<=", ">", "<"):
        if text.startswith(op):
            bounds = date_bounds(text[len(op) :])
            if not bounds:
                return None
            if op == ">=":
                return DateRange(bounds[0], None)
            if op == ">":
                return DateRange(bounds[1] + dt.timedelta(days=1), None)
            if op == "<=":
                return DateRange(None, bounds[1])
            return DateRange(None, bounds[0] - dt.timedelta(days=1))
    bounds = date_bounds(text)
    return DateRange(*bounds) if bounds else None


_MINUTES = re.compile(r"^(<=|>=|<|>)?(\d{1,4})$|^(\d{1,4})?(?:\.\.|-)(\d{1,4})?$")


def parse_minutes_value(text: str) -> Minutes | None:
    """'<10', '>=20', '15', '5..15' (or '5-15') as bounds in whole minutes."""
    match = _MINUTES.match(text.strip())
    if not match:
        return None
    op, number, low, high = match.groups()
    if number is not None:
        n = int(number)
        bounds = {"<": (None, n - 1), "<=": (None, n), ">": (n + 1, None), ">=": (n, None)}.get(op, (n, n))
        return Minutes(*bounds)
    if low is None and high is None:
        return None
    return Minutes(int(low) if low else None, int(high) if high else None)


# ---------------------------------------------------------------- tokens

_OPERATORS = {"OR": "OR", "AND": "AND", "NOT": "NOT", "||": "OR", "&&": "AND"}
_STOP_CHARS = set(" \t\r\n()\"")


def _term_nodes(chunk: str, start: int, field_name: str | None) -> object | None:
    """A bare chunk (no quotes) as a Word, or a Phrase when it holds several words."""
    kind, distance, text = "word", 1, chunk
    fuzzy = re.search(r"~(\d?)$", text)
    if fuzzy:
        kind, distance = "fuzzy", min(int(fuzzy.group(1) or 1), 2) or 1
        text = text[: fuzzy.start()]
    elif text.endswith("*"):
        kind, text = "prefix", text.rstrip("*")
    parts = words(text)
    if not parts:
        return None
    if field_name in EXACT_FIELDS:
        return Word(text, field_name, kind, distance, (start, start + len(chunk)))
    if len(parts) == 1:
        return Word(parts[0], field_name, kind, distance, (start, start + len(chunk)))
    return Phrase(tuple(parts), field_name)


def _tokens(text: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "(":
            out.append(("LP", None))
            i += 1
        elif c == ")":
            out.append(("RP", None))
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            end = n if end == -1 else end
            parts = words(text[i + 1 : end])
            if parts:
                out.append(("TERM", Phrase(tuple(parts)) if len(parts) > 1 else Word(parts[0], span=(i, end + 1))))
            i = end + 1
        elif c == "-" and i + 1 < n and text[i + 1] not in _STOP_CHARS and (i == 0 or text[i - 1] in _STOP_CHARS):
            out.append(("NOT", None))
            i += 1
        else:
            i = _chunk(text, i, out)
    return out


def _chunk(text: str, i: int, out: list) -> int:
    n = len(text)
    j = i
    while j < n and text[j] not in _STOP_CHARS:
        j += 1
    chunk = text[i:j]
    if chunk in _OPERATORS:
        out.append((_OPERATORS[chunk], None))
        return j
    name, colon, value = chunk.partition(":")
    fname = name.lower()
    mark = MARK_WORDS.get((fname, value.lower())) if colon else None
    if mark:
        out.append(("TERM", Mark(*mark)))
        return j
    if fname == "minutes" and colon:
        node = parse_minutes_value(value)
        if node:
            out.append(("TERM", node))
        return j
    if not colon or fname not in KNOWN_FIELDS:
        node = _term_nodes(chunk, i, None)
        if node:
            out.append(("TERM", node))
        return j
    target = SPECIAL_FIELDS.get(fname, fname)
    if target == "date":
        if value.startswith("[") and "]" not in value:
            close = text.find("]", j)
            j = n if close == -1 else close + 1
            value = text[i + len(name) + 1 : j]
        node = parse_date_value(value)
        if node:
            out.append(("TERM", node))
        return j
    if not value and j < n and text[j] == '"':
        end = text.find('"', j + 1)
        end = n if end == -1 else end
        quoted = text[j + 1 : end]
        if target in EXACT_FIELDS:
            if words(quoted):
                out.append(("TERM", Word(quoted, target, span=(i, end + 1))))
        elif parts := words(quoted):
            out.append(("TERM", Phrase(tuple(parts), target) if len(parts) > 1 else Word(parts[0], target, span=(i, end + 1))))
        return end + 1
    if value:
        node = _term_nodes(value, i + len(name) + 1, target)
        if node:
            out.append(("TERM", node))
    return j  # an empty field ("title:") is dropped


# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else "EOF"

    def take(self):
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self):
        parts = []
        while self.peek() != "EOF":
            if self.peek() == "RP":  # a stray closing parenthesis
                self.take()
                continue
            node = self.parse_or()
            if node is not None:
                parts.append(node)
        return _join(And, parts)

    def parse_or(self):
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.parse_and())
        return _join(Or, [p for p in parts if p is not None])

    def parse_and(self):
        parts = []
        while self.peek() not in ("RP", "OR", "EOF"):
            if self.peek() == "AND":
                self.take()
                continue
            node = self.parse_unary()
            if node is not None:
                parts.append(node)
        return _join(And, parts)

    def parse_unary(self):
        kind = self.peek()
        if kind == "NOT":
            self.take()
            inner = self.parse_unary() if self.peek() not in ("RP", "OR", "AND", "EOF") else None
            return Not(inner) if inner is not None else None
        if kind == "LP":
            self.take()
            inner = self.parse_or()
            if self.peek() == "RP":
                self.take()
            return inner
        _, node = self.take()
        return node


def _join(cls, parts):
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else cls(tuple(parts))


def parse(text: str):
    """The query's node tree, or None for a query that asks for nothing."""
    return _Parser(_tokens(text or "")).parse()


def positive_words(node) -> list[Word]:
    """Every Word that counts for a match (not under a Not)."""
    if isinstance(node, Word):
        return [node]
    if isinstance(node, (And, Or)):
        return [w for child in node.nodes for w in positive_words(child)]
    return []


def has_words(node) -> bool:
    """Whether the query asks for words or phrases in the text (and so has a relevance to
    rank by), not only for filters: tags, folders, dates, marks, reading time."""
    if isinstance(node, (Word, Phrase)):
        return node.field not in EXACT_FIELDS
    if isinstance(node, (And, Or)):
        return any(has_words(child) for child in node.nodes)
    return False

