"""An article's tags as the reader sees them: the file's own, less those the reader hid,
plus those the reader added (kept in the data folder, never written into the file)."""

from __future__ import annotations

from dataclasses import dataclass

from reader.text.analysis import fold_phrase


@dataclass(frozen=True)
class TagEdits:
    """What the reader changed of one article's tags."""

    added: tuple[str, ...] = ()  # as the reader wrote them, in the order added
    hidden: frozenset[str] = frozenset()  # keys (tag_key) of the file's tags the reader removed

    def __bool__(self) -> bool:
        return bool(self.added or self.hidden)


NO_EDITS = TagEdits()


def tag_key(tag: str) -> str:
    """What makes two tags the same one: 'Machine Learning' and 'machine-learning' are."""
    return fold_phrase(tag)


def clean_tag(tag: str) -> str:
    """A tag as stored: one line, single spaces, no '#' or commas at its ends."""
    return " ".join(str(tag).split()).strip("#,; ")


def tags_with(file_tags: tuple[str, ...], edits: TagEdits) -> tuple[str, ...]:
    """The tags the reader sees: the file's, then theirs, each once."""
    shown: list[str] = []
    seen: set[str] = set()
    for tag in (*file_tags, *edits.added):
        key = tag_key(tag)
        if key and key not in seen and key not in edits.hidden:
            seen.add(key)
            shown.append(tag)
    return tuple(shown)
