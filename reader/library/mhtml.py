"""Pages saved as one file, read through the saved-page path (reader.library.webpage):

- MHTML (``.mhtml``, ``.mht``: Chrome's and Edge's "Webpage, single file"): a MIME
  multipart/related message; its page part decoded (quoted-printable or base64, in the
  part's charset) and its images, saved as other parts, put back into the page as data:
  URIs (nothing is fetched: an image the file lacks stays a placeholder);
- SingleFile's self-extracting ZIP pages (an ``.html`` that is, or holds, a ZIP): the
  page inside it (index.html) and its images, the same way.

Runs in a sandbox child with the rest of the saved-page path (reader.library.formats).
"""

from __future__ import annotations

import base64
import email
import email.policy
import io
import posixpath
import re
import zipfile
from urllib.parse import unquote, urljoin, urlsplit

from reader.library.addresses import web_address
from reader.library.article import NotAnArticle, ParsedArticle
from reader.library.webpage import parse_webpage

MAX_IMAGE_BYTES = 8 * 1024 * 1024  # one image put back into the page
MAX_IMAGES_BYTES = 40 * 1024 * 1024  # all of them
_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["']?)([^"'\s>]+)\2""", re.IGNORECASE)
_SRCSET = re.compile(r"""\s(?:srcset|data-srcset)\s*=\s*(["'])[^"']*\1""", re.IGNORECASE)


def read_mhtml(data: bytes, article_id: str, metadata_only: bool = False) -> ParsedArticle:
    page, base, images = split_mhtml(data)
    return parse_webpage(with_images(page, base, images).encode("utf-8"), article_id, metadata_only,
                         address=web_address(base))


def is_zip_page(data: bytes) -> bool:
    """A SingleFile self-extracting page: HTML with a ZIP after it (or a bare ZIP). A ZIP's
    local header never occurs in a page's text, so one that holds it but is no readable ZIP
    is such a page cut off or damaged (read_zip_page says so)."""
    return b"PK\x03\x04" in data


def read_zip_page(data: bytes, article_id: str, metadata_only: bool = False) -> ParsedArticle:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise NotAnArticle(f"not a readable page (a page saved as a ZIP, cut off or damaged: {exc})") from None
    index = next((n for n in names if posixpath.basename(n).lower() == "index.html"), None)
    if index is None:
        raise NotAnArticle("not a readable page (its ZIP holds no index.html)")
    page = _read(archive, index, 40 * 1024 * 1024).decode("utf-8", "replace")
    images: dict[str, tuple[str, bytes]] = {}
    total = 0
    for name in names:
        kind = _image_type(name)
        if kind and total < MAX_IMAGES_BYTES:
            content = _read(archive, name, MAX_IMAGE_BYTES)
            if content and len(content) <= MAX_IMAGE_BYTES:
                images[name] = (kind, content)
                total += len(content)
    folder = posixpath.dirname(index)
    return parse_webpage(with_images(page, folder + "/" if folder else "", images, relative=True).encode("utf-8"),
                         article_id, metadata_only)


def split_mhtml(data: bytes) -> tuple[str, str, dict[str, tuple[str, bytes]]]:
    """The page part as text, its address, and the images saved beside it by address."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if not message.is_multipart():
        if message.get_content_type() == "text/html":
            return _text(message), message.get("Content-Location", ""), {}
        raise NotAnArticle("not a readable MHTML page (no page in it)")
    root = message.get("Snapshot-Content-Location", "")
    page, base, images, total, rooted = None, root, {}, 0, False
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        where = part.get("Content-Location", "")
        if kind == "text/html" and not rooted and (page is None or (root and where == root)):
            # the page itself: the part at the snapshot's address, else the first (frames come after)
            page, base, rooted = _text(part), where or base, bool(root) and where == root
        elif kind.startswith("image/") and total < MAX_IMAGES_BYTES:
            content = part.get_payload(decode=True) or b""
            if len(content) <= MAX_IMAGE_BYTES:
                for key in _keys(part, where):
                    images[key] = (kind, content)
                total += len(content)
    if page is None:
        raise NotAnArticle("not a readable MHTML page (no HTML part in it)")
    if not page.strip():
        raise NotAnArticle("not a readable MHTML page (its page is empty or cut off)")
    return page, base, images


def with_images(page: str, base: str, images: dict[str, tuple[str, bytes]], relative: bool = False) -> str:
    """The page with each image it has saved put in as a data: URI (srcset dropped: it
    would name images the file does not have)."""
    page = _SRCSET.sub("", page)

    def replace(match: re.Match) -> str:
        src = match.group(3)
        key = posixpath.normpath(posixpath.join(base, unquote(src))) if relative else urljoin(base, src)
        found = images.get(key) or images.get(src)
        if not found:
            return match.group(0)
        kind, content = found
        return f'{match.group(1)}"data:{kind};base64,{base64.b64encode(content).decode("ascii")}"'

    return _SRC.sub(replace, page)


def _text(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", "replace")


def _keys(part, where: str) -> list[str]:
    keys = [where] if where else []
    content_id = (part.get("Content-ID") or "").strip("<> ")
    if content_id:
        keys.append(f"cid:{content_id}")
    return keys


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        with archive.open(name) as handle:
            return handle.read(limit + 1)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return b""


def _image_type(name: str) -> str | None:
    extension = posixpath.splitext(urlsplit(name).path)[1].lower()
    return {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
            ".webp": "image/webp", ".svg": "image/svg+xml", ".bmp": "image/bmp"}.get(extension)
