"""What a saved web page says of itself: title, authors, date, site, summary, language.

Read from where publishers put it — JSON-LD (schema.org articles), OpenGraph and other
``<meta>``, ``<time datetime>``, the byline printed under the headline — with the
title chosen as Firefox's reader mode (Mozilla Readability) chooses it, since that is
the title readers know: JSON-LD, else the ``<meta>`` titles, else ``<title>`` with the
site's name cut off unless what is left is too short to be a title. Dates follow the
front-matter rule: the calendar date as written, never shifted to UTC.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass

from reader.library.addresses import web_address
from reader.library.article import date_from_value

_ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "report", "scholarlyarticle", "techarticle", "socialmediaposting",
    "liveblogposting", "discussionforumposting", "satiricalarticle", "medicalscholarlyarticle", "webpage",
}
_SPACES = re.compile(r"\s+")
BARE_URL = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
_BYLINE_PREFIX = re.compile(r"^\s*(?:by|par|von|por|di|door|av|af|written by|posted by|author:?)\s+", re.IGNORECASE)
_BYLINE_HINT = re.compile(r"(?<![a-z])(?:byline|author|writtenby|p-author)(?![a-z])", re.IGNORECASE)
# Where a byline is not the article's: page furniture, as a reader mode sets it aside.
_ASIDE_TAGS = {"nav", "footer", "aside", "header", "menu"}
_ASIDE_HINT = re.compile(r"menu|nav|footer|sidebar|comment|header|banner|related|social|share|popup", re.IGNORECASE)
_SEPARATOR = re.compile(r" [|\-–—\\/>»] ")
_SEPARATORS = re.compile(r"[|\-–—\\/>»]+")
_HIERARCHY = re.compile(r" [\\/>»] ")
_WORD = re.compile(r"\w+")


@dataclass
class PageMeta:
    title: str = ""
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    tags: tuple[str, ...] = ()
    site: str = ""
    summary: str = ""
    lang: str = ""
    url: str = ""


def text_of(value) -> str:
    """Text as shown: NFC, white space runs as one space, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip() if value else ""


def page_meta(tree) -> PageMeta:
    """The metadata of a parsed page (an lxml HTML tree; not changed)."""
    metas = _metas(tree)
    ld = _json_ld(tree)
    publisher = ld.get("publisher")
    site = text_of(metas.get("og:site_name") or (publisher.get("name") if isinstance(publisher, dict) else "")
                   or metas.get("application-name"))
    byline = _byline(tree)
    authors = names_of([byline] if byline else _names(ld.get("author")) or [
        metas[k] for k in ("author", "article:author", "byl", "parsely-author", "dc.creator")
        if k in metas and not BARE_URL.match(metas[k])])
    time_tag = next((t.get("datetime") for t in tree.iter("time") if t.get("datetime")), None)
    date = date_of(ld.get("datePublished"), metas.get("article:published_time"), metas.get("og:published_time"),
                   metas.get("datepublished"), metas.get("pubdate"), metas.get("date"), metas.get("dc.date"), time_tag)
    summary = metas.get("description") or metas.get("og:description") or text_of(ld.get("description"))
    lang = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    url = _canonical(tree) or web_address(metas.get("og:url")) or web_address(ld.get("url"))
    return PageMeta(_title(tree, metas, ld), authors, date, _tags(tree, metas, ld), site, summary, lang, url)


def _canonical(tree) -> str:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return web_address(link.get("href"))
    return ""


def names_of(values: list[str]) -> tuple[str, ...]:
    """Author names from bylines and metadata: "By A and B, C" -> (A, B, C); a date or
    time printed after a name ("Chris Davies - Nov 19, 2019", "Aleš Vávra před 2
    hodinami") is not part of it."""
    kept: list[str] = []
    for value in values:
        for part in _NAME_SPLIT.split(_BYLINE_PREFIX.sub("", text_of(value))):
            part = _name_only(part)
            if part and not BARE_URL.match(part) and len(part) <= 80 and part.casefold() not in (
                    k.casefold() for k in kept):
                kept.append(part)
    return tuple(kept)


_NAME_SPLIT = re.compile(r"\s*(?:[,;|·]|\s[-–—]\s|\band\b|&|\n)\s*")


def _name_only(part: str) -> str:
    words = part.strip(" .").split()
    for n, word in enumerate(words):
        if any(c.isdigit() for c in word):
            words = words[:n]
            break
    while len(words) > 1 and words[-1][:1].islower():
        words.pop()  # "před", "ago": what follows a name, never the end of one
    if len(words) == 1 and words[0].strip(".").lower() in _MONTHS:
        return ""  # what is left of a date
    return " ".join(words).strip(" .")


_MONTHS = {m.lower() for m in (
    "Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June July August "
    "September October November December").split()}


def date_of(*values) -> dt.date | None:
    """The first of the values that is a date (as written)."""
    for value in values:
        if value:
            try:
                return date_from_value(value)
            except ValueError:
                continue
    return None


# ---------------------------------------------------------------- where it is written


def _metas(tree) -> dict[str, str]:
    """<meta> values by property or name, lower-cased (the first of each wins)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = text_of(meta.get("content"))
        if key and content and key not in found:
            found[key] = content
    return found


def _json_ld(tree) -> dict:
    """The first schema.org article object in the page's JSON-LD, if any."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        raw = script.text.strip().removeprefix("<![CDATA[").removesuffix("]]>")
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                    return item
                stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity", "mainEntityOfPage"))
    return {}


def _tags(tree, metas: dict[str, str], ld: dict) -> tuple[str, ...]:
    """article:tag (there may be many), else JSON-LD keywords, else <meta name=keywords>."""
    found = [text_of(m.get("content")) for m in tree.iter("meta") if (m.get("property") or "").lower() == "article:tag"]
    if not found:
        keywords = ld.get("keywords") or metas.get("keywords") or metas.get("news_keywords") or ""
        found = keywords if isinstance(keywords, list) else str(keywords).split(",")
    tags: list[str] = []
    for tag in (text_of(t) for t in found if isinstance(t, str)):
        if tag and len(tag) <= 60 and tag.casefold() not in (t.casefold() for t in tags):
            tags.append(tag)
    return tuple(tags[:20])


def _names(value) -> list[str]:
    """Person names from a JSON-LD author (text, object, or a list of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [str(value["name"])] if isinstance(value.get("name"), str) else []
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _byline(tree) -> str:
    """The byline printed on the page: an author link or itemprop, or an element whose
    class or id says byline or author — as a reader mode looks for it."""
    body = tree.find("body")
    for element in (body.iter() if body is not None else ()):
        if not isinstance(element.tag, str):
            continue
        hints = " ".join((element.get("class") or "", element.get("id") or ""))
        if not (element.get("rel") == "author" or "author" in (element.get("itemprop") or "")
                or _BYLINE_HINT.search(hints)):
            continue
        text = text_of(element.text_content())
        if 0 < len(text) < 100 and not _in_page_furniture(element):
            return text
    return ""


def _in_page_furniture(element) -> bool:
    for ancestor in element.iterancestors():
        hints = " ".join((ancestor.get("class") or "", ancestor.get("id") or ""))
        if ancestor.tag in _ASIDE_TAGS or _ASIDE_HINT.search(hints):
            return True
    return False


# ---------------------------------------------------------------- the title


def _title(tree, metas: dict[str, str], ld: dict) -> str:
    from_tag = _title_from_tag(tree)
    name, headline = text_of(ld.get("name")), text_of(ld.get("headline"))
    if name and headline and name != headline:
        # Some sites put their own name in "name": take the one <title> agrees with.
        if _similarity(headline, from_tag) > 0.75 >= _similarity(name, from_tag):
            return headline
        return name
    for value in (name, headline, metas.get("dc.title"), metas.get("dcterm:title"), metas.get("og:title"),
                  metas.get("title"), metas.get("twitter:title")):
        if value:
            return value
    return from_tag


def _title_from_tag(tree) -> str:
    """<title> without the site's name, cut as Firefox's reader mode cuts it."""
    original = text_of(tree.findtext(".//title"))
    title, hierarchical = original, False
    separators = list(_SEPARATOR.finditer(original))
    if separators:
        hierarchical = bool(_HIERARCHY.search(original))
        title = original[:separators[-1].start()]
        if _words(title) < 3:
            title = original[separators[0].end():]
    elif ": " in original:
        if original not in {text_of(h.text_content()) for h in tree.iter("h1", "h2")}:
            title = original[original.rfind(":") + 1:]
            if _words(title) < 3:
                title = original[original.find(":") + 1:]
            elif _words(original[:original.find(":")]) > 5:
                title = original
    elif len(original) > 150 or len(original) < 15:
        headings = list(tree.iter("h1"))
        if len(headings) == 1:
            title = text_of(headings[0].text_content())
    title = text_of(title)
    count = _words(title)
    # Four words or fewer is probably a fragment: keep the whole — unless only the last
    # step of a hierarchy ("Section » Article") went.
    if count <= 4 and (not hierarchical or count != _words(_SEPARATORS.sub("", original)) - 1):
        return original
    return title


def _words(text: str) -> int:
    return len(text.split())


def _similarity(a: str, b: str) -> float:
    """How much of b's text a accounts for, from 0 to 1 (Readability's measure)."""
    tokens_a = set(_WORD.findall(a.lower()))
    tokens_b = _WORD.findall(b.lower())
    if not tokens_b:
        return 0.0
    unknown = " ".join(t for t in tokens_b if t not in tokens_a)
    return 1 - len(unknown) / len(" ".join(tokens_b))
