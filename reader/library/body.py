"""An article's body as the reader is shown it: Markdown converted by Python-Markdown
(with Pygments for code), a saved page's extracted HTML as it is, both sanitised by nh3
to a fixed set of tags and attributes; and its shown text, what passages are quoted from.

Python-Markdown has crashed and gone quadratic on odd input before: a body it cannot
handle quickly or at all is shown as plain paragraphs, with a note saying so.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3

from reader.library.article import Article
from reader.library.shown_text import ShownText, shown_text

HTML_FORMATS = ("html", "pdf", "epub")  # formats whose body is HTML already

# Python-Markdown is quadratic on some inputs (16 KB of nested '[' takes seconds):
# past these, an article is shown as plain paragraphs instead.
MAX_MARKDOWN_CHARS = 400_000
MAX_BRACKETS = 4_000

_EXTENSIONS = ["tables", "fenced_code", "codehilite", "footnotes", "sane_lists"]
_EXTENSION_CONFIG = {"codehilite": {"guess_lang": False, "css_class": "codehilite"}}

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title", "id"}, "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"}, "th": {"colspan", "rowspan", "align"},
    "li": {"id"}, "sup": {"id"}, "div": {"class"}, "span": {"class"}, "code": {"class"}, "pre": {"class"},
    "ol": {"start"},
}
WEB_SCHEMES = {"http", "https", "mailto"}


def sanitised(html_text: str) -> str:
    # data: survives for images only (a page saved as one file keeps them so); a data:
    # link is dropped with every other link that is not to the web or the library.
    return nh3.clean(
        html_text, tags=TAGS, attributes=_ATTRIBUTES, url_schemes=WEB_SCHEMES | {"reader-nav", "data", "reader-book"},
        clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"},
        link_rel=None, strip_comments=True,
    )


# Deep nesting makes Python-Markdown's output grow quadratically (10,000 nested
# list items: 100 MB of HTML, 1.2 s), and the viewer would then choke on it.
_DEEP_NESTING = re.compile(r"^(?:[ \t]{120,}|(?:>[ \t]*){40,})", re.MULTILINE)
MAX_HTML_GROWTH = 20


def is_too_hard_for_markdown(text: str) -> bool:
    return (len(text) > MAX_MARKDOWN_CHARS or text.count("[") > MAX_BRACKETS or text.count("`") > MAX_BRACKETS
            or text.count("<![") > 100 or _DEEP_NESTING.search(text) is not None)


def plain_paragraphs(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def body_html(body: str) -> str:
    """The article body as sanitised HTML (before our URL rewriting)."""
    if is_too_hard_for_markdown(body):
        note = "<p class='notice'>This article is very large or unusual, so it is shown as plain text.</p>"
        return note + plain_paragraphs(body)
    try:
        converted = markdown.markdown(body, extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIG,
                                      output_format="html")
    except Exception:  # noqa: BLE001 - Python-Markdown has crashed on odd input before (#1534, #1554)
        return "<p class='notice'>This article could not be formatted, so it is shown as plain text.</p>" + \
            plain_paragraphs(body)
    if len(converted) > MAX_HTML_GROWTH * len(body) + 100_000:
        return "<p class='notice'>This article is unusually nested, so it is shown as plain text.</p>" + \
            plain_paragraphs(body)
    # A fenced block's code ends with its last newline, which the viewer shows as an empty line.
    return sanitised(converted).replace("\n</code></pre>", "</code></pre>")


def _drop_leading_title(body: str, title: str) -> str:
    """A body that opens with its own title as a heading would show it twice."""
    match = re.match(r"\s*(?:#[ \t]+(.+?)[ \t#]*\n|(.+)\n=+[ \t]*\n)", body)
    if match and (match.group(1) or match.group(2) or "").strip() == title.strip():
        return body[match.end():]
    return body


def article_body(article: Article) -> str:
    """The body as sanitised HTML, as shown (a heading repeating the title dropped).
    A saved web page's body is already HTML (the extracted article): sanitised the same way."""
    if article.format in HTML_FORMATS:
        return sanitised(article.body)
    return body_html(_drop_leading_title(article.body, article.title))


def article_shown_text(article: Article) -> ShownText:
    return shown_text(article_body(article))
