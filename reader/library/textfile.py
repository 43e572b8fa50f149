"""A Markdown or plain text file: its bytes decoded (UTF-8/16/32, legacy code pages),
its YAML or TOML front matter read safely, its fields with their fallbacks (title from
the first heading or the file name, dates from the path), and its plain text."""

from __future__ import annotations

import codecs
import datetime as dt
import re
import tomllib
from pathlib import PurePosixPath
from typing import Any

from reader.library.addresses import front_matter_url, site_of, web_address
from reader.library.article import (
    Article, NotAnArticle, ParsedArticle, article_language, content_hash, date_from_value, date_in_path, readable_name,
)
from reader.library.plaintext import plain_text
from reader.text.analysis import fold_phrase

# Past these, front matter is not parsed: a billion-laughs document is tiny on
# disk and in memory (aliases share nodes), but walking its values is not.
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_FRONT_MATTER_NODES = 5_000
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-/](\d{2})[-/](\d{2})(?!\d)")


# ---------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f]")  # NUL is checked on its own
_SINGLE_BYTE_CODEPAGES = [
    "cp1251", "koi8_r", "cp1250", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "iso8859_5", "cp866",
]


def decode_text(data: bytes) -> str:
    """Text from bytes in UTF-8, UTF-16/32 with BOM, or a legacy 8-bit code page."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    head = data[:65536]
    if b"\x00" in head:
        raise NotAnArticle("binary file (contains NUL bytes)")
    if head and len(_CONTROL_BYTES.findall(head)) > max(8, len(head) // 10):
        raise NotAnArticle("binary file (mostly control characters)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    good = sum(1 for c in lenient if ord(c) > 127) - bad
    if good > 2 * bad:
        return lenient  # UTF-8 with a few broken bytes: keep the rest right
    return _decode_legacy(data)


def _decode_legacy(data: bytes) -> str:
    western = data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1")
    letters = [c for c in western if c.isalpha()]
    foreign = sum(1 for c in letters if ord(c) > 127)
    # Western European prose is mostly ASCII letters; a Cyrillic or Greek file
    # read as cp1252 is mostly accented Latin letters. Only then ask a detector,
    # which is unreliable on short Western text.
    if len(letters) >= 8 and foreign > 0.3 * len(letters):
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=_SINGLE_BYTE_CODEPAGES).best()
        if best is not None:
            return str(best)
    return western


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


# ---------------------------------------------------------------- front matter

_FENCES = {"---": "yaml", "+++": "toml"}


def split_front_matter(text: str) -> tuple[str | None, str, str]:
    """(kind, front matter, body); kind is 'yaml', 'toml' or None."""
    first, sep, rest = text.partition("\n")
    kind = _FENCES.get(first.rstrip())
    if kind is None or not sep:
        return None, "", text
    closers = ("---", "...") if kind == "yaml" else ("+++",)
    pos = 0
    while pos <= len(rest):
        end = rest.find("\n", pos)
        line = rest[pos:] if end == -1 else rest[pos:end]
        if line.rstrip() in closers:
            body = "" if end == -1 else rest[end + 1 :]
            return kind, rest[:pos], body
        if end == -1:
            break
        pos = end + 1
    return None, "", text  # an opening fence with no closing one is just a rule


def parse_front_matter(kind: str, raw: str, warnings: list[str]) -> dict[str, Any]:
    if len(raw.encode("utf-8", "replace")) > MAX_FRONT_MATTER_BYTES:
        warnings.append(f"front matter larger than {MAX_FRONT_MATTER_BYTES // 1024} KB ignored")
        return {}
    try:
        import yaml  # here, not at the top: a re-check that finds nothing changed never needs it

        data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if kind == "yaml" else tomllib.loads(raw)
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        warnings.append(f"malformed {kind.upper()} front matter: {_first_line(exc)}")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        warnings.append(f"{kind.upper()} front matter is not a mapping of fields")
        return {}
    if _too_many_nodes(data):
        warnings.append("front matter too deeply nested or aliased; ignored")
        return {}
    return data


def _too_many_nodes(value: Any) -> bool:
    budget = MAX_FRONT_MATTER_NODES
    stack = [value]
    while stack:
        budget -= 1
        if budget < 0:
            return True
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return False


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())[:160]


# ---------------------------------------------------------------- fields

_DATE_KEYS = ("date", "published", "pubDate", "pubdate", "created")
_TAG_KEYS = ("tags", "categories", "category", "keywords")
_SOURCE_KEYS = ("source", "publisher", "site")
_SUMMARY_KEYS = ("description", "summary")


def _strings(value: Any, split_commas: bool) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        parts = value.split(",") if split_commas else [value]
    elif isinstance(value, (list, tuple)):
        parts = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("name", "")
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                parts.append(str(item))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        parts = [str(value)]
    elif isinstance(value, dict) and isinstance(value.get("name"), str):
        parts = [value["name"]]
    else:
        parts = []
    return [_unlinked(" ".join(p.split())) for p in parts if p and p.strip()]


def _unlinked(value: str) -> str:
    """An Obsidian wiki link ('[[Jane Doe]]', '[[Jane Doe|Jane]]': Obsidian Web Clipper writes
    authors so) as the name it links to, else the value."""
    match = _WIKI_LINK.fullmatch(value)
    return match.group(1).strip() if match else value


_WIKI_LINK = re.compile(r"\[\[([^\[\]|]+)(?:\|([^\[\]]+))?\]\]")


def _unique_folded(items: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for item in items:
        key = fold_phrase(item) or item.lower()
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return tuple(kept)


def _text_field(meta: dict, keys: tuple[str, ...], warnings: list[str]) -> str:
    for key in keys:
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = " ".join(str(value).split())
            if text:
                return text
        else:
            warnings.append(f"front matter '{key}' is not text; ignored")
    return ""


def _article_date(meta: dict, article_id: str, warnings: list[str]) -> dt.date | None:
    for key in _DATE_KEYS:
        if meta.get(key) is None:
            continue
        try:
            return date_from_value(meta[key])
        except ValueError as exc:
            warnings.append(f"front matter '{key}': {exc}")
    for key in ("path", "permalink", "slug"):
        value = meta.get(key)
        if isinstance(value, str) and (found := date_in_path(value)):
            return found
    path = PurePosixPath(article_id)
    match = _DATE_IN_NAME.match(path.name)
    if match:
        found = date_in_path(path.name[:10])
        if found:
            return found
    return date_in_path(str(path.parent)) if path.parent != PurePosixPath(".") else None


_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$|^([^\n]*\S[^\n]*)\n=+[ \t]*$", re.MULTILINE)


def _title(meta: dict, body: str, article_id: str, warnings: list[str]) -> str:
    title = _text_field(meta, ("title",), warnings)
    if title:
        return title
    match = _H1.search(body[:20000])
    if match:
        heading = plain_text(match.group(1) or match.group(2)).strip()
        if heading:
            return heading
    return readable_name(article_id)


# ---------------------------------------------------------------- the article


def parse_text_file(data: bytes, article_id: str, metadata_only: bool = False) -> ParsedArticle:
    """A Markdown or text file's bytes as an article; raises NotAnArticle when the file
    cannot be indexed. metadata_only skips the plain text (the costly part)."""
    if not data.strip():
        raise NotAnArticle("empty file")
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise NotAnArticle("empty file")
    warnings: list[str] = []
    kind, raw, body = split_front_matter(text)
    meta = parse_front_matter(kind, raw, warnings) if kind else {}
    meta = {str(k): v for k, v in meta.items()}
    authors = _strings(meta.get("author"), split_commas=False) + _strings(meta.get("authors"), split_commas=False)
    tags: list[str] = []
    for key in _TAG_KEYS:
        tags += _strings(meta.get(key), split_commas=True)
    text_plain = "" if metadata_only else plain_text(body)
    title = _title(meta, body, article_id, warnings)
    url = front_matter_url(meta)
    source = _text_field(meta, _SOURCE_KEYS, warnings)
    if web_address(source):  # `source: <url>` (Obsidian Web Clipper): the address, not a name
        source = _text_field(meta, _SOURCE_KEYS[1:], warnings) or site_of(source)
    article = Article(
        id=article_id,
        title=title,
        authors=_unique_folded(authors),
        date=_article_date(meta, article_id, warnings),
        tags=_unique_folded(tags),
        source=source,
        summary=_text_field(meta, _SUMMARY_KEYS, warnings),
        body="" if metadata_only else body,
        text=text_plain,
        hash=content_hash(data),
        lang=article_language(meta.get("lang") or meta.get("language"), title, text_plain),
        url=url,
    )
    return ParsedArticle(article, warnings)
