"""Omnivore's export (the service closed in November 2024): a ZIP of `metadata_*.json`
(each item's title, author, url, labels, state, reading progress and times),
`content/<slug>.html` (the article as its reader mode kept it) and `highlights/<slug>.md`
(each highlight a `> quote`, then `#labels`, then the note). Written by
omnivore-app/omnivore packages/api/src/jobs/export.ts; the format will not change again,
so a record that does not have its shape is skipped with the reason, not guessed at."""

from __future__ import annotations

import re

from reader.exchange.items import ExportFile, Item, Passage, Skipped, day, moment, passage, tag_list
from reader.library.addresses import web_address

FIELDS = {"id", "slug", "title", "description", "author", "url", "state", "readingProgress", "thumbnail",
          "labels", "savedAt", "updatedAt", "publishedAt"}
STATES = ("Active", "Archived", "Unread")
_LABELS = re.compile(r"^(#\S+\s*)+$")


def from_files(records: list, contents: dict[str, str], highlights: dict[str, str]) -> ExportFile:
    export = ExportFile("omnivore", [])
    for record in records:
        item, problem = _item(record, contents, highlights)
        if item is None:
            label = record.get("title") or record.get("slug") if isinstance(record, dict) else None
            export.skipped.append(Skipped(str(label or "(an item)"), problem))
        else:
            export.items.append(item)
    return export


def _item(record, contents: dict[str, str], highlights: dict[str, str]) -> tuple[Item | None, str]:
    if not isinstance(record, dict):
        return None, "not an Omnivore item"
    problem = _problem(record)
    if problem:
        return None, problem
    slug = str(record.get("slug") or "")
    progress = record.get("readingProgress")
    return Item(
        title=str(record.get("title") or "").strip(),
        url=web_address(record["url"]),
        authors=(str(record["author"]).strip(),) if record.get("author") else (),
        published=day(record.get("publishedAt")),
        saved=moment(record.get("savedAt")),
        tags=tag_list(record.get("labels") or []),
        read=record.get("state") == "Archived" or (isinstance(progress, (int, float)) and progress >= 100),
        html=contents.get(slug, ""),
        highlights=highlights_of(highlights.get(slug, "")),
    ), ""


def _problem(record: dict) -> str:
    """Why a record is not one Omnivore's exporter wrote, or ''."""
    extra = sorted(set(record) - FIELDS)
    if extra:
        return f"a field Omnivore's export never has: {', '.join(extra)}"
    if not web_address(record.get("url")):
        return f"its address {record.get('url')!r} is not a web address"
    labels = record.get("labels")
    if labels is not None and not (isinstance(labels, list) and all(isinstance(x, str) for x in labels)):
        return f"its labels {labels!r} are not a list of labels"
    if record.get("state") not in STATES:
        return f"its state {record.get('state')!r} is not one of {', '.join(STATES)}"
    for key in ("savedAt", "updatedAt", "publishedAt"):
        value = record.get(key)
        if value is not None and (not isinstance(value, str) or "T" not in value or not moment(value)):
            return f"its {key} {value!r} is not a time"
    return ""


def highlights_of(markdown: str) -> list[Passage]:
    """The highlights of one highlights/<slug>.md: paragraphs, each quote a `> ` block,
    its labels a paragraph of `#words` after it, its note the paragraphs after those."""
    found: list[list] = []  # [quote, note paragraphs]
    for paragraph in re.split(r"\n\s*\n", markdown.replace("\r\n", "\n")):
        text = paragraph.strip("\n")
        if text.startswith(">"):
            quote = " ".join(line[1:].strip() if line.startswith(">") else line.strip() for line in text.split("\n"))
            found.append([quote, []])
        elif found and text.strip() and not (not found[-1][1] and _LABELS.match(text.strip())):
            found[-1][1].append(text.strip())
    return [p for quote, note in found if (p := passage(quote, "\n\n".join(note)))]
