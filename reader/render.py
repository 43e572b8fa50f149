"""The reading page of an article (or a note) as the reader shows it.

The article's header, its body (reader.library.body: Markdown by Python-Markdown, then
sanitised by nh3), the links to its neighbours, where the searched words are, and one
pass that points every image and link at a scheme the viewer controls:

- ``reader-image:PATH``  a file inside the library (checked again when loaded)
- ``reader-missing:ALT`` a remote or missing image: the viewer draws a placeholder
- ``reader-article:ID``  another article of the library, opened in the reader
- ``reader-nav:prev|next`` the neighbouring articles
- ``http(s):``/``mailto:`` left for the system browser, on a click only

No other URL survives, so nothing here can reach the network or the file system.
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass
from typing import Any
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import markdown
import nh3
from pygments.formatters import HtmlFormatter

from reader.library.addresses import site_of
from reader.library.article import Article, valid_text
from reader.library.body import TAGS, WEB_SCHEMES, article_body
from reader.library.epub import BOOK_SCHEME
from reader.library.formats import ARTICLE_SUFFIXES
from reader.library.reading_time import minutes_for, minutes_text, word_count
from reader.library.shown_text import ShownText, collapse, shown_text
from reader.search.snippets import Terms, matches
from reader.text.analysis import fold_phrase
from reader.text.languages import name_of

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_DATA_IMAGE_CHARS = 4 * MAX_IMAGE_BYTES // 3 + 64  # an image given inline, as base64

_NOTE_EXTENSIONS = ["fenced_code", "sane_lists", "nl2br"]

_VOID = {"br", "hr", "img"}


@dataclass(frozen=True)
class Neighbour:
    id: str
    title: str


class _Rewriter(HTMLParser):
    """Re-serialises sanitised HTML, pointing images and links at our schemes."""

    def __init__(self, root: Path | None, article_id: str):
        super().__init__(convert_charrefs=True)
        self.root = root
        self.article_id = article_id
        self.folder = posixpath.dirname(article_id)
        self.out: list[str] = []
        # A paragraph that holds only an image is drawn without the text's line spacing
        # (in Qt it would stretch the image's line by half its height): where it opened,
        # and whether only an image followed.
        self._paragraph: int | None = None
        self._only_image = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._only_image = tag == "img" and self._paragraph is not None and not any(
            part.strip() for part in self.out[self._paragraph + 1:])
        if tag == "p":
            self._paragraph = len(self.out)
        if tag == "img" and _is_a_pixel(attrs):
            return  # a tracking pixel: nothing to show, not even a placeholder
        if tag == "img":
            attrs = self._image(attrs)
        elif tag == "a":
            attrs = self._link(attrs)
        rendered = "".join(f' {k}="{html.escape(v or "", quote=True)}"' for k, v in attrs.items() if v is not None)
        self.out.append(f"<{tag}{rendered}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "p" and self._only_image and self._paragraph is not None:
            self.out[self._paragraph] = self.out[self._paragraph].replace("<p", "<p class=\"image\"", 1)
        if tag == "p":
            self._paragraph, self._only_image = None, False
        if tag in _VOID:
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if data.strip():
            self._only_image = False
        self.out.append(html.escape(data, quote=False))

    def _inside(self, target: str) -> str | None:
        """The library-relative path of a relative URL, if it stays inside the library."""
        if self.root is None:
            return None
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        path = unquote(parts.path)
        joined = posixpath.normpath(posixpath.join(self.folder, path.lstrip("/") if path.startswith("/") else path))
        if joined.startswith("..") or joined.startswith("/"):
            return None
        try:
            resolved = (self.root / joined).resolve()
            resolved.relative_to(self.root)
        except (OSError, ValueError, RuntimeError):
            return None
        return joined

    def _image(self, attrs: dict) -> dict:
        src = (attrs.get("src") or "").strip()
        alt = attrs.get("alt") or attrs.get("title") or ""
        if src.startswith("data:image/") and len(src) <= MAX_DATA_IMAGE_CHARS:
            return attrs  # inside the page itself: the viewer decodes it, with the same guards
        if src.startswith(f"{BOOK_SCHEME}:{quote(self.article_id)}!/"):
            return attrs  # inside the book being read: the viewer reads it from there, with the same guards
        inside = self._inside(src)
        if inside and (self.root / inside).is_file() and (self.root / inside).stat().st_size <= MAX_IMAGE_BYTES:
            attrs["src"] = "reader-image:" + quote(inside)
        else:
            label = alt or ("remote image" if urlsplit(src).scheme else "missing image")
            attrs["src"] = "reader-missing:" + quote(label)
        attrs.pop("width", None) if not str(attrs.get("width", "")).isdigit() else None
        attrs.pop("height", None) if not str(attrs.get("height", "")).isdigit() else None
        return attrs

    def _link(self, attrs: dict) -> dict:
        href = (attrs.get("href") or "").strip()
        scheme = urlsplit(href).scheme.lower()
        if href.startswith("#") or scheme in WEB_SCHEMES or scheme == "reader-nav":
            return attrs
        inside = self._inside(href)
        if inside and Path(inside).suffix.lower() in ARTICLE_SUFFIXES and (self.root / inside).is_file():
            fragment = urlsplit(href).fragment
            attrs["href"] = "reader-article:" + quote(inside) + (f"#{quote(fragment)}" if fragment else "")
        else:
            attrs.pop("href", None)  # shown as text, goes nowhere
        return attrs


def _is_a_pixel(attrs: dict) -> bool:
    sizes = [attrs.get("width"), attrs.get("height")]
    return all(str(v).strip().isdigit() and int(str(v).strip()) <= 2 for v in sizes)


def _rewrite(html_text: str, root: Path | None, article_id: str) -> str:
    rewriter = _Rewriter(root, article_id)
    rewriter.feed(html_text)
    rewriter.close()
    return "".join(rewriter.out)


@dataclass(frozen=True)
class Page:
    """An article as the reading pane shows it: its HTML, the text of its body as
    shown (what passages are quoted from), how many blocks the header above the body
    takes (title, byline, tags, summary), so the pane can find where the body starts,
    and where the searched words are: in the body's flat text, and in the header's
    title and summary as (block, start, end), the block counted among the header's."""

    html: str
    shown: ShownText
    header_blocks: int
    notice: str | None = None
    hits: tuple[tuple[int, int], ...] = ()
    header_hits: tuple[tuple[int, int, int], ...] = ()
    layout: Any = None  # a PDF's pages and where its text stands on them (reader.library.pdf.PdfLayout)
    stamp: str = ""  # the version of the file shown (its content hash)
    url: str = ""  # the web address it was saved from (Open Original), "" when its file does not say


def article_page(article: Article, root: Path | None, terms: Terms | None = None,
                 previous: Neighbour | None = None, following: Neighbour | None = None,
                 notice: str | None = None) -> Page:
    """The whole reading page: header (with a notice, such as that the article was edited
    since it was annotated), body, and links to the neighbours."""
    byline = []
    if article.authors:
        byline.append(html.escape(", ".join(article.authors)))
    if article.date:
        byline.append(article.date.strftime("%-d %B %Y"))
    if article.source:
        byline.append(html.escape(article.source))
    site = site_of(article.url) if article.url else ""
    if site and fold_phrase(site) != fold_phrase(article.source):
        byline.append(html.escape(site))
    if article.lang:
        byline.append(html.escape(name_of(article.lang)))
    if minutes := minutes_for(word_count(article.text)):
        byline.append(minutes_text(minutes))
    if article.url:  # a link like any in the page: opened in the browser only when clicked
        byline.append(f"<a href='{html.escape(article.url, quote=True)}'>Open Original</a>")
    head = [f"<h1 class='title'>{html.escape(article.title)}</h1>"]
    if byline:
        head.append(f"<p class='byline'>{' · '.join(byline)}</p>")
    if article.tags:
        tags = " ".join(f"<span class='tag'>&nbsp;{html.escape(t)}&nbsp;</span>" for t in article.tags)
        head.append(f"<p class='tags'>{tags}</p>")
    marked = [(0, collapse(article.title))]
    if article.summary:
        marked.append((len(head), collapse(article.summary)))
        head.append(f"<p class='summary'>{html.escape(article.summary)}</p>")
    if notice:
        head.append(f"<p class='edited'>✎ {html.escape(notice)}.</p>")
    body = article_body(article)
    # Where the related articles go once the searcher thread has found them (ui/related.py):
    # the article shows without waiting for them.
    foot = f"<hr><p><a name='{RELATED_SLOT}'>\u200b</a></p>{neighbours_html(previous, following)}"
    page = "".join(head) + "<div class='body'>" + body + "</div>" + foot
    shown = shown_text(body)
    header_hits = tuple((block, start, end) for block, text in marked for start, end in _spans(text, terms, article.lang))
    return Page(_rewrite(page, root, article.id), shown, len(head), notice, _spans(shown.flat, terms, article.lang),
                header_hits, article.layout, article.hash, article.url)


def neighbours_html(previous: Neighbour | None, following: Neighbour | None) -> str:
    """The links to the previous and the next article, at the end of a page."""
    nav = []
    if previous:
        nav.append(f"<p class='nav'>Previous article: <a href='reader-nav:prev'>{html.escape(previous.title)}</a></p>")
    if following:
        nav.append(f"<p class='nav'>Next article: <a href='reader-nav:next'>{html.escape(following.title)}</a></p>")
    return "".join(nav)


def _spans(text: str, terms: Terms | None, lang: str) -> tuple[tuple[int, int], ...]:
    """Where the searched words are in a text (the reading pane marks them there)."""
    return tuple((start, end) for start, end, _ in matches(text, terms, lang)) if terms else ()


def note_html(text: str) -> str:
    """A note (Markdown) as safe HTML: no images, no raw HTML, web links only."""
    converted = markdown.markdown(html.escape(valid_text(text), quote=False), extensions=_NOTE_EXTENSIONS)
    cleaned = nh3.clean(converted, tags=TAGS - {"img"}, attributes={"a": {"href"}}, url_schemes=WEB_SCHEMES,
                        link_rel=None)
    return cleaned


def message_html(title: str, text: str) -> str:
    """A friendly page shown in place of an article (empty library, missing file)."""
    return f"<h1 class='title'>{html.escape(title)}</h1><p>{text}</p>"


RELATED_SLOT = "reader-related"


def related_html(related, dark: bool) -> str:
    """The related articles as inline HTML for the page's slot: a heading line, then one
    line each, a link with its date (colours inline: inserted HTML gets no style sheet)."""
    if not related:
        return ""
    c = _DARK if dark else _LIGHT
    lines = ["<span style='font-weight:600; font-size:large'>Related articles</span>"]
    for item in related:
        when = item.date.strftime("%-d %B %Y") if item.date else ""
        lines.append(f"<a href='reader-article:{quote(item.id)}' style='color:{c['link']}'>{html.escape(item.title)}</a>"
                     + (f"&nbsp;&nbsp;<span style='color:{c['muted']}'>{when}</span>" if when else ""))
    return "<br>".join(lines)


# ---------------------------------------------------------------- styles

_LIGHT = {"fg": "#1f2328", "muted": "#5f6670", "link": "#0b5cad", "rule": "#d6d9dd", "code_bg": "#f4f5f7",
          "tag_bg": "#e8eef6", "tag_fg": "#27476e", "quote": "#4a5058",
          "notice_bg": "#fdf3d8", "notice_fg": "#6b4e00"}
_DARK = {"fg": "#e3e5e8", "muted": "#a0a7b1", "link": "#7cb4f0", "rule": "#3b4048", "code_bg": "#262a30",
         "tag_bg": "#2d3a4c", "tag_fg": "#c7dbf5", "quote": "#c2c7ce",
         "notice_bg": "#3d3420", "notice_fg": "#f0d890"}


def article_css(dark: bool) -> str:
    c = _DARK if dark else _LIGHT
    code = HtmlFormatter(style="monokai" if dark else "friendly").get_style_defs(".codehilite")
    code = "\n".join(line for line in code.splitlines() if "background" not in line or ".hll" in line)
    return f"""
body {{ color: {c['fg']}; }}
h1.title {{ font-size: 170%; font-weight: 700; margin-bottom: 4px; }}
h1 {{ font-size: 150%; }} h2 {{ font-size: 128%; margin-top: 18px; }} h3 {{ font-size: 112%; }}
p {{ margin-top: 0px; margin-bottom: 11px; line-height: 150%; }}
li {{ line-height: 150%; }}
p.byline {{ color: {c['muted']}; margin-bottom: 6px; }}
p.tags {{ margin-bottom: 10px; }}
span.tag {{ background-color: {c['tag_bg']}; color: {c['tag_fg']}; font-size: 88%; }}
p.summary {{ font-style: italic; color: {c['muted']}; font-size: 108%; }}
p.notice {{ color: {c['muted']}; font-style: italic; }}
p.image {{ line-height: 100%; }}
p.edited {{ color: {c['notice_fg']}; background-color: {c['notice_bg']}; font-size: 92%; }}
p.nav {{ margin-bottom: 4px; }}
a {{ color: {c['link']}; text-decoration: none; }}
blockquote {{ color: {c['quote']}; margin-left: 18px; font-style: italic; }}
pre {{ white-space: pre-wrap; background-color: {c['code_bg']}; padding: 8px; margin-top: 0px; margin-bottom: 0px; line-height: 118%;
       font-family: 'DejaVu Sans Mono', monospace; font-size: 88%; }}
div.codehilite {{ margin-bottom: 12px; }}
code {{ font-family: 'DejaVu Sans Mono', monospace; background-color: {c['code_bg']}; }}
table {{ border-collapse: collapse; margin-bottom: 12px; }}
th {{ font-weight: 700; border-bottom: 1px solid {c['rule']}; padding: 4px 10px 4px 0px; text-align: left; }}
td {{ padding: 3px 10px 3px 0px; border-bottom: 1px solid {c['rule']}; }}
hr {{ color: {c['rule']}; }}
div.footnote {{ font-size: 90%; color: {c['muted']}; }}
{code}
"""
