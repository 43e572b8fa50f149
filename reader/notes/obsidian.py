"""Notes out to an Obsidian vault (or any folder of Markdown): one file per annotated article,
front matter Obsidian and Dataview read (`title`, `author`, `url`, `published`, `tags`), the
comments on the whole article, then each passage as a quote with its comment under it in the
order they stand in the article, each with a link back into Article Reader.

Running it again updates those files rather than adding new ones: each file names its
article in its front matter (`article-reader`), and a file is found again by that, whatever
it was renamed to. Files in the folder that are not ours are never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from reader.notes.export import reading_order
from reader.notes.store import Note
from reader.storage import write_atomically

KEY = "article-reader"  # the front matter field that says which article a file is for
_UNSAFE = re.compile(r'[\\/:*?"<>|#^\[\]\x00-\x1f]+')
MAX_NAME = 120


@dataclass(frozen=True)
class ArticleMeta:
    title: str
    authors: tuple[str, ...] = ()
    url: str = ""
    published: str = ""  # YYYY-MM-DD
    tags: tuple[str, ...] = ()


def open_link(library: str, article: str, note: int | None = None) -> str:
    """The address that opens the article (at a note's passage) in Article Reader."""
    query = {"library": library, "article": article} | ({"note": str(note)} if note is not None else {})
    return "article-reader://open?" + urlencode(query)


def export_vault(notes: list[Note], articles: dict[tuple[str, str], ArticleMeta], folder: Path) -> tuple[int, int]:
    """Write (or update) one file per annotated article in folder: (written, of them new)."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    known = _files_by_article(folder)
    by_article: dict[tuple[str, str], list[Note]] = {}
    for note in notes:
        if not note.deleted:
            by_article.setdefault((note.library, note.article), []).append(note)
    taken = {p.name.lower() for p in folder.glob("*.md")}
    written = new = 0
    for (library, article), items in sorted(by_article.items()):
        meta = articles.get((library, article)) or ArticleMeta(items[-1].article_title or article)
        front = {"title": meta.title, "author": list(meta.authors), "url": meta.url, "published": meta.published,
                 "tags": list(meta.tags), KEY: f"{library}#{article}"}
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + _body(library, article, meta, items)
        path = known.get(f"{library}#{article}")
        if path is None:
            path = folder / _free_name(meta.title or article, taken)
            taken.add(path.name.lower())
            new += 1
        write_atomically(path, text.encode("utf-8"))
        written += 1
    return written, new


def _body(library: str, article: str, meta: ArticleMeta, items: list[Note]) -> str:
    out = [f"# {meta.title}", "", f"[Open in Article Reader]({open_link(library, article)})"]
    if meta.url:
        out[-1] += f" · [original]({meta.url})"
    out.append("")
    for note in sorted(items, key=reading_order):
        if note.quote is not None:
            out += ["> " + line if line else ">" for line in note.quote.exact.splitlines()]
            out += [f"> — [passage]({open_link(library, article, note.id)})", ""]
        if note.text:
            out += [note.text, ""]
    return "\n".join(out).rstrip() + "\n"


def _files_by_article(folder: Path) -> dict[str, Path]:
    """The folder's files written by an earlier export, by the article they are for."""
    import yaml

    found = {}
    for path in folder.glob("*.md"):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:20_000]
        except OSError:
            continue
        if not head.startswith("---\n") or "\n---" not in head[3:]:
            continue
        try:
            front = yaml.safe_load(head[4:head.index("\n---", 3)])
        except yaml.YAMLError:
            continue
        if isinstance(front, dict) and isinstance(front.get(KEY), str):
            found.setdefault(front[KEY], path)
    return found


def _free_name(title: str, taken: set[str]) -> str:
    """A file name from the title that no other file in the folder has."""
    stem = " ".join(_UNSAFE.sub(" ", title).split())[:MAX_NAME].strip(" .") or "Untitled"
    name, n = f"{stem}.md", 2
    while name.lower() in taken:
        name, n = f"{stem} ({n}).md", n + 1
    return name
