"""Link lists in HTML: a browser's bookmarks (the Netscape bookmark file every browser and
Shaarli export: `<DT><A HREF ADD_DATE TAGS>` inside `<DL>` folders, a `<DD>` after one its
description, taken as a comment on the article) and Pocket's older
ril_export.html (`<h1>Unread</h1>` and `<h1>Read Archive</h1>` lists of
`<a href time_added tags>`). Read with Python's own HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser

from reader.exchange.items import ExportFile, Item, Skipped, moment, tag_list
from reader.library.addresses import web_address


class _Links(HTMLParser):
    """Every <a href> with its attributes, its text, the last heading before it, and the
    <dd> description after it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[list] = []  # [attributes, text, heading, description]
        self.heading = ""
        self._open: dict | None = None
        self._text: list[str] = []
        self._in = ""  # "heading" or "description" while reading one

    def handle_starttag(self, tag, attrs):
        self._end_description()
        if tag == "a":
            self._open, self._text = {k.lower(): v or "" for k, v in attrs}, []
        elif tag in ("h1", "h2", "h3"):
            self._in, self._text = "heading", []
        elif tag == "dd" and self.links:
            self._in, self._text = "description", []

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append([self._open, _joined(self._text), self.heading, ""])
            self._open = None
        elif tag in ("h1", "h2", "h3") and self._in == "heading":
            self.heading, self._in = _joined(self._text), ""
        elif tag in ("dl", "dd"):
            self._end_description()

    def handle_data(self, data):
        if self._open is not None or self._in:
            self._text.append(data)

    def close(self):
        super().close()
        self._end_description()

    def _end_description(self) -> None:
        if self._in == "description":
            self.links[-1][3], self._in = _joined(self._text), ""


def _joined(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def _links(text: str) -> list[list]:
    parser = _Links()
    parser.feed(text)
    parser.close()
    return parser.links


def netscape(text: str) -> ExportFile:
    export = ExportFile("bookmarks", [])
    for attrs, title, _, description in _links(text):
        url = web_address(attrs.get("href"))
        if not url:
            if attrs.get("href", "").strip():
                export.skipped.append(Skipped(title or attrs["href"], "not a web page's address"))
            continue
        export.items.append(Item(title=title, url=url, saved=moment(attrs.get("add_date")),
                                 tags=tag_list(attrs.get("tags", "")), comments=[description] if description else []))
    return export


def pocket_html(text: str) -> ExportFile:
    export = ExportFile("pocket", [])
    for attrs, title, heading, _ in _links(text):
        url = web_address(attrs.get("href"))
        if not url:
            export.skipped.append(Skipped(title or attrs.get("href", "(a link)"), "no web address"))
            continue
        export.items.append(Item(title=title, url=url, saved=moment(attrs.get("time_added")),
                                 tags=tag_list(attrs.get("tags", "")), read=heading.lower() == "read archive"))
    return export
