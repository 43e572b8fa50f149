"""Keeping highlights on their passages as articles change, and recognising an
article that was renamed *and* edited by the passages its orphaned notes quote.

The notes store keeps each highlight's quote and last anchor; this module reads the
articles as they are on disk, finds each quote again (reader.notes.anchoring) and stores
what it found. It is called after every index update and whenever a window shows
an article whose highlights were anchored on another version of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reader.library.article import Article, NotAnArticle
from reader.library.scanning import article_at
from reader.library.shown_text import ShownText
from reader.notes.anchoring import CHANGED, DETACHED, EXACT, MOVED, locate
from reader.notes.store import Note, NotesStore

# A renamed-and-edited article is recognised when at least this many of its orphaned
# highlights, and this share of them, are found word for word in one new article.
RECOGNISE_AT_LEAST = 2
RECOGNISE_SHARE = 2 / 3
RECOGNISE_HIGHLIGHTS_CHECKED = 12


@dataclass(frozen=True)
class Followed:
    """Notes that went with an article renamed and edited between two indexes."""

    old: str
    new: str
    found: int  # passages found word for word in the new article
    of: int  # highlights that were looked for

    def message(self) -> str:
        return (f"notes of {self.old} followed it to {self.new} (renamed and edited: "
                f"{self.found} of {self.of} passages found word for word)")


def article_shown_text(article: Article) -> ShownText:
    from reader.library.body import article_shown_text as shown  # Markdown and Pygments: only when needed

    return shown(article)


def read_current(root: Path, article_id: str) -> Article | None:
    try:
        return article_at(root, article_id)
    except (NotAnArticle, OSError):
        return None


def anchored(store: NotesStore, notes: list[Note], article: Article, shown: ShownText | None = None) -> list[Note]:
    """The highlights among notes found again in this version of their article (stored)."""
    shown = shown or article_shown_text(article)
    found = []
    for note in notes:
        if note.quote is None:
            continue
        anchor, position = locate(shown, note.quote, note.position)
        found.append((note, anchor, position, article.hash))
    return store.set_anchors(found)


def reanchor_stale(store: NotesStore, library: str, root: Path, hashes: dict[str, str]) -> list[str]:
    """Re-anchor every highlight not anchored on its article as last indexed; returns
    the articles whose anchors were brought up to date."""
    done = []
    for article_id, notes in sorted(store.stale_highlights(library, hashes).items()):
        article = read_current(root, article_id)
        if article is None:
            continue
        anchored(store, notes, article)
        done.append(article_id)
    return done


def current_notes(store: NotesStore, library: str, root: Path, article_id: str) -> list[Note]:
    """An article's notes, its highlights anchored on the file as it is right now."""
    notes = store.notes(library, article_id)
    highlights = [n for n in notes if n.quote is not None and not n.orphaned]
    if not highlights:
        return notes
    article = read_current(root, article_id)
    if article is None or all(n.anchored_on == article.hash for n in highlights):
        return notes
    fresh = {n.id: n for n in anchored(store, highlights, article)}
    return [fresh.get(n.id, n) for n in notes]


def recognise_renamed(store: NotesStore, library: str, root: Path, new_ids: set[str],
                      phrase_ids: Callable[[str], set[str]], titles: dict[str, tuple[str, str]]) -> list[Followed]:
    """Orphaned notes whose passages are, mostly and word for word, in one article that
    is new in this update: the article was renamed and edited. Its notes go with it.

    phrase_ids(text) gives the articles of the index with that text as a phrase (a
    cheap first pass); the one candidate is then read and every quote anchored on it.
    titles maps article id -> (hash, title)."""
    if not new_ids:
        return []
    groups: dict[str, list[Note]] = {}
    for note in store.notes(library, orphaned=True):
        groups.setdefault(note.article, []).append(note)
    followed = []
    for old, notes in sorted(groups.items()):
        quotes = [n for n in notes if n.quote is not None][:RECOGNISE_HIGHLIGHTS_CHECKED]
        if len(quotes) < RECOGNISE_AT_LEAST:
            continue
        votes: dict[str, int] = {}
        for note in quotes:
            for article_id in phrase_ids(note.quote.exact) & new_ids:
                votes[article_id] = votes.get(article_id, 0) + 1
        needed = max(RECOGNISE_AT_LEAST, RECOGNISE_SHARE * len(quotes))
        likely = [a for a, n in votes.items() if n >= needed]
        if len(likely) != 1:
            continue  # none, or more than one: leave them orphaned rather than guess
        new = likely[0]
        article = read_current(root, new)
        if article is None:
            continue
        shown = article_shown_text(article)
        found = sum(locate(shown, n.quote, None)[0].state in (EXACT, MOVED) for n in quotes)
        if found < needed:
            continue
        hash_, title = titles.get(new, (article.hash, article.title))
        store.move_notes([n.id for n in notes], new, hash_, title)
        anchored(store, [n for n in store.notes(library, new) if n.quote is not None], article, shown)
        followed.append(Followed(old, new, found, len(quotes)))
    return followed


def passage_states(notes: list[Note]) -> dict[str, int]:
    """How many highlights are in each anchor state (detached counted as detached)."""
    states: dict[str, int] = {}
    for note in notes:
        if note.quote is None:
            continue
        state = note.anchor.state if note.anchor else DETACHED
        states[state] = states.get(state, 0) + 1
    return states


def edit_notice(notes: list[Note], article_hash: str) -> str | None:
    """What the header says when the article was edited after notes were written on it:
    "Edited since your notes: 2 passages moved, 1 no longer found"; None if it was not."""
    attached = [n for n in notes if not n.orphaned and not n.deleted]
    if not any(n.made_on and n.made_on != article_hash for n in attached):
        return None
    states = passage_states(attached)
    parts = []
    for state, one, many in ((MOVED, "passage moved", "passages moved"), (CHANGED, "passage reworded", "passages reworded"),
                             (DETACHED, "no longer found", "no longer found")):
        count = states.get(state, 0)
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    if parts:
        return "Edited since your notes: " + ", ".join(parts)
    if states:
        return "Edited since your notes; every passage you marked is where it was"
    return "Edited since your notes"
