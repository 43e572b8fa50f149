"""How long an article takes to read: its words at ~230 a minute (the figure Medium and
Readwise use for adult silent reading of non-fiction).

Words are counted as runs between spaces, which is quick (str.split in C: a 10,000-
article build pays ~0.1 s for it) and right for every script that puts spaces between
words. Chinese and Japanese put none: there each CJK character counts as half a word
(~500 characters a minute)."""

from __future__ import annotations

from reader.text.analysis import CJK_RUN

WORDS_PER_MINUTE = 230
CJK_CHARACTERS_PER_WORD = 2


def word_count(text: str) -> int:
    """The words a reader reads in text."""
    count = len(text.split())
    if not text.isascii():
        runs = CJK_RUN.findall(text)
        if runs:
            # A run between spaces was counted as one word: count its characters instead.
            count += max(0, sum(len(r) for r in runs) // CJK_CHARACTERS_PER_WORD - len(runs))
    return count


def minutes_for(words: int) -> int:
    """Whole minutes to read so many words: at least one for any text, none for none."""
    if words <= 0:
        return 0
    return max(1, round(words / WORDS_PER_MINUTE))


def minutes_text(minutes: int) -> str:
    """'7 min read', as the list, the hits and the article header say it."""
    return f"{minutes} min read" if minutes else ""
