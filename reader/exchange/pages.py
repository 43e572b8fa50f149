"""An imported item's article written as a new saved page of the library: one HTML file
that any browser opens, whose metadata (title, authors, date, address, tags, language) the
library reads back like any saved page's. The export's HTML is cleaned first: nothing that
runs (scripts, handlers, javascript: links), nothing that fetches by itself (frames,
objects, styles' imports), only the article's text, structure, links and pictures."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from reader.exchange.items import Item

DROPPED = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "template",
           "form", "input", "button", "select", "textarea", "link", "meta", "base", "svg", "math", "head",
           "title", "audio", "video", "source", "track", "canvas", "dialog", "portal"}
VOID = {"area", "br", "col", "hr", "img", "wbr"}
KEPT_ATTRIBUTES = {"href", "src", "alt", "title", "lang", "dir", "colspan", "rowspan", "datetime", "cite", "start",
                   "reversed", "type", "width", "height", "id"}
MAX_NAME_CHARS = 80


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping: list[str] = []  # the dropped elements we are inside

    def handle_starttag(self, tag, attrs):
        if self.dropping or tag in DROPPED:
            if tag in DROPPED and tag not in VOID:
                self.dropping.append(tag)
            return
        kept = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in attrs
                       if name in KEPT_ATTRIBUTES and value is not None and _safe(name, value))
        self.out.append(f"<{tag}{kept}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.dropping and self.dropping[-1] == tag:
            self.dropping.pop()

    def handle_endtag(self, tag):
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag not in DROPPED and tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))


def _safe(name: str, value: str) -> bool:
    if name in ("href", "src", "cite"):
        scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value)
        return scheme is None or scheme.group(1).lower() in ("http", "https", "mailto")
    return True


def cleaned(content: str) -> str:
    """The export's HTML with nothing that runs or fetches by itself."""
    cleaner = _Cleaner()
    cleaner.feed(content)
    cleaner.close()
    return "".join(cleaner.out)


def page_bytes(item: Item, service: str) -> bytes:
    """The saved page of an item that carries its article."""
    title = item.title or "Untitled"
    if item.html.strip():
        body = cleaned(item.html)
    else:
        body = "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", item.text) if p.strip())
    head = [
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f'<meta property="og:title" content="{html.escape(title)}">',
        f'<meta name="generator" content="Article Reader, imported from {html.escape(service)}">',
    ]
    if item.url:
        head.append(f'<link rel="canonical" href="{html.escape(item.url)}">')
    head += [f'<meta name="author" content="{html.escape(a)}">' for a in item.authors[:1]]
    date = item.published.isoformat() if item.published else item.saved[:10]
    if date:
        head.append(f'<meta property="article:published_time" content="{date}">')
    head += [f'<meta property="article:tag" content="{html.escape(t)}">' for t in item.tags]
    lang = f' lang="{html.escape(item.lang)}"' if re.fullmatch(r"[A-Za-z]{2,3}", item.lang or "") else ""
    byline = " · ".join(p for p in (", ".join(item.authors), date) if p)
    return (f"<!DOCTYPE html>\n<html{lang}>\n<head>\n" + "\n".join(head) + "\n</head>\n<body>\n<article>\n"
            f"<h1>{html.escape(title)}</h1>\n" + (f'<p class="byline">{html.escape(byline)}</p>\n' if byline else "")
            + body + "\n</article>\n</body>\n</html>\n").encode("utf-8")


def file_name(title: str) -> str:
    """A file name from a title: its words, no character a file system refuses."""
    name = re.sub(r"[^\w\s.,'()&+-]", " ", title, flags=re.UNICODE)
    name = " ".join(name.split()).strip(". ")[:MAX_NAME_CHARS].rstrip(". ")
    return name or "Untitled"


def write_new(folder: Path, title: str, data: bytes) -> tuple[Path, bool]:
    """The page written under a name not taken in folder ('Title.html', 'Title 2.html', …),
    never over a file; or the file already there with exactly these bytes (an import run
    again). Returns (path, whether it was written now)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_name(title)
    for n in range(1, 10_000):
        path = folder / (f"{stem}.html" if n == 1 else f"{stem} {n}.html")
        try:
            with open(path, "xb") as handle:
                try:
                    handle.write(data)
                except OSError:
                    path.unlink(missing_ok=True)  # a full disk leaves no half page behind
                    raise
            return path, True
        except FileExistsError:
            try:
                if path.stat().st_size == len(data) and path.read_bytes() == data:
                    return path, False
            except OSError:
                pass
    raise OSError(f"no free file name for {stem!r} in {folder}")
