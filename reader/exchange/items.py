"""The plain data an import works with: what one export file holds (its items, each an
article by its address or its content, with tags, read state, highlights and comments)
and what importing it did (the report, in JSON and in words)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


MAX_QUOTE_CHARS = 20_000  # a highlight longer than this is not a passage but a whole page pasted


class ExportError(Exception):
    """A file that is not a readable export; the message is one line for the user."""


@dataclass(frozen=True)
class Passage:
    """A highlight as an export gives it: its quote, the reader's comment, when it was made."""

    quote: str
    comment: str = ""
    created: str = ""  # ISO 8601 UTC, "" when the export does not say


@dataclass
class Item:
    """One article of an export: found in the library by its address (or, for an export
    that gives none, by its title), or written as a new page when it carries its content."""

    title: str = ""
    url: str = ""
    authors: tuple[str, ...] = ()
    published: dt.date | None = None
    saved: str = ""  # ISO 8601 UTC
    tags: tuple[str, ...] = ()
    read: bool = False
    favorite: bool = False
    lang: str = ""
    html: str = ""  # the article's content, when the export carries it
    text: str = ""  # or its plain text (a note saved as an item)
    highlights: list[Passage] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # on the whole article
    by_title: bool = False  # the export names articles by title only (Readwise's highlights)

    @property
    def carries_article(self) -> bool:
        return bool(self.html.strip() or self.text.strip())

    @property
    def label(self) -> str:
        """How the report names the item."""
        if self.title and self.url:
            return f"{self.title} <{self.url}>"
        return self.title or self.url or "(an item with neither title nor address)"


@dataclass(frozen=True)
class Skipped:
    item: str
    reason: str


@dataclass
class ExportFile:
    """What was read of an export: the service it came from, its items, the items it
    could not take and why."""

    service: str
    items: list[Item]
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class ImportReport:
    service: str
    file: str
    articles_added: int = 0
    articles_matched: int = 0
    unmatched: int = 0
    highlights_added: int = 0
    highlights_detached: int = 0
    notes_added: int = 0
    tags_added: int = 0
    marked_read: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # ids of the new articles
    matched: list[str] = field(default_factory=list)  # ids of the articles items were found as

    def json(self) -> dict:
        return {
            "service": self.service, "articles_added": self.articles_added,
            "articles_matched": self.articles_matched, "unmatched": self.unmatched,
            "highlights_added": self.highlights_added, "highlights_detached": self.highlights_detached,
            "notes_added": self.notes_added, "tags_added": self.tags_added, "marked_read": self.marked_read,
            "skipped": [{"item": s.item, "reason": s.reason} for s in self.skipped],
        }

    def lines(self) -> list[str]:
        """The report in words, a line each (the skipped items last, each on its own)."""
        detached = f" ({self.highlights_detached} not found in their article, kept detached)" \
            if self.highlights_detached else ""
        lines = [
            f"Imported {self.file} ({SERVICE_NAMES.get(self.service, self.service)}): "
            f"{_count(self.articles_added, 'article')} added, {self.articles_matched} found in the library, "
            f"{self.unmatched} not in it",
            f"{_count(self.highlights_added, 'highlight')}{detached}, {_count(self.notes_added, 'comment')}, "
            f"{_count(self.tags_added, 'tag')} and {self.marked_read} marked read",
        ]
        lines += [f"skipped: {s.item}: {s.reason}" for s in self.skipped]
        return lines


SERVICE_NAMES = {
    "omnivore": "Omnivore", "wallabag": "wallabag", "pocket": "Pocket", "instapaper": "Instapaper",
    "readwise": "Readwise", "readwise-reader": "Readwise Reader", "karakeep": "Karakeep",
    "obsidian-clipper": "Obsidian Web Clipper", "bookmarks": "browser bookmarks",
}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------- reading the values exports hold


def moment(value) -> str:
    """A time as exports write it (ISO 8601 with or without zone, 'YYYY-MM-DD HH:MM:SS+00:00',
    Unix seconds or milliseconds) as ISO 8601 UTC; '' when it is none of those."""
    if isinstance(value, bool) or value in (None, ""):
        return ""
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        seconds = float(value)
        if seconds > 10**11:
            seconds /= 1000  # milliseconds
        try:
            when = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return ""
    else:
        text = str(value).strip().replace("Z", "+00:00")
        if len(text) >= 5 and text[-5] in "+-" and text[-4:].isdigit() and ":" not in text[-5:]:
            text = f"{text[:-2]}:{text[-2:]}"  # wallabag's +0200
        try:
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            return ""
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def day(value) -> dt.date | None:
    stamp = moment(value)
    return dt.date.fromisoformat(stamp[:10]) if stamp else None


def tag_list(value, separator: str = ",") -> tuple[str, ...]:
    """Tags given as a list or as one string of them; each once, in order, in lower case
    (as Pocket and Instapaper keep them: 'Newsletter' and 'newsletter' are one tag)."""
    if isinstance(value, str):
        value = value.split(separator)
    if not isinstance(value, (list, tuple)):
        return ()
    seen, tags = set(), []
    for tag in value:
        tag = " ".join(str(tag).split()).lower() if isinstance(tag, (str, int)) else ""
        if tag and tag not in seen:
            seen.add(tag)
            tags.append(tag)
    return tuple(tags)


def passage(quote, comment="", created="") -> Passage | None:
    quote = " ".join(str(quote or "").split())
    if not quote or len(quote) > MAX_QUOTE_CHARS:
        return None
    return Passage(quote, str(comment or "").strip(), moment(created))
