"""An article's web address: the page it was saved from, as its file says, and the keys it
is found by — its site (`site:nytimes.com` finds `www.nytimes.com` and `cooking.nytimes.com`)
and the address itself normalised (`url:`; the read-later imports match by it too).

Where a file says it: front matter `url`, `link`, `canonical`, `original_url`, or `source`
when that is an http(s) address (Obsidian Web Clipper and MarkDownload write `source: <url>`);
a saved page's `<link rel=canonical>`, `og:url`, SingleFile's `url:` comment, or the
browser's `<!-- saved from url=(NNNN)… -->`; an MHTML file's `Snapshot-Content-Location`.
Only http(s) addresses count: nothing here is ever fetched.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

FRONT_MATTER_KEYS = ("url", "link", "canonical", "original_url", "source")
# Query parameters that say who sent the reader, not what the page is.
_TRACKING = re.compile(r"^(utm_\w*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src|_hsenc|_hsmi|"
                       r"mkt_tok|yclid|oly_enc_id|oly_anon_id|vero_id|wt_mc|__twitter_impression|s_cid|cmpid)$",
                       re.IGNORECASE)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(https?://[^\s>]+?)\s*-->", re.IGNORECASE)
_SINGLEFILE = re.compile(r"<!--\s*Page saved with SingleFile\s.*?\burl:\s*(https?://\S+)", re.IGNORECASE | re.DOTALL)
MAX_URL_CHARS = 4096


def web_address(value) -> str:
    """value if it is an http(s) address (trimmed), else ""."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if not text or len(text) > MAX_URL_CHARS or any(c.isspace() for c in text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


def front_matter_url(meta: dict) -> str:
    """The address a Markdown or text file's front matter gives, or ""."""
    for key in FRONT_MATTER_KEYS:
        if found := web_address(meta.get(key)):
            return found
    return ""


def page_comment_url(html: str) -> str:
    """The address a saved page's own comments give: SingleFile's, then the browser's."""
    head = html[:20_000]
    for pattern in (_SINGLEFILE, _SAVED_FROM):
        match = pattern.search(head)
        if match and (found := web_address(match.group(1))):
            return found
    return ""


def as_typed(text: str) -> str:
    """An address as a person types it in a query: the scheme may be left out."""
    return text if "://" in text else f"http://{text}"


def site_of(url: str) -> str:
    """The host, lowercased, without a leading `www.`: what the header shows."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def site_keys(url: str) -> list[str]:
    """The site and every domain above it but the last (`news.bbc.co.uk` -> also `bbc.co.uk`,
    `co.uk`): `site:` matches subdomains."""
    labels = site_of(url).split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] if len(labels) > 1 else [l for l in labels if l]


def url_key(url: str) -> str:
    """An address normalised for matching: no scheme, no `www.`, the host lowercased, no
    fragment, no tracking parameters, the other parameters sorted, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    host = site_of(url)
    if not host:
        return ""
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)))
    path = parts.path.rstrip("/")
    return f"{host}{port}{path}" + (f"?{query}" if query else "")
