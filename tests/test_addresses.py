"""An article's web address (reader.library.addresses): read from where each kind of file says
it, normalised for url:, its site for site:, given by show --json and search --json."""

import gzip

import pytest
from conftest import REPO, write

from reader.library.addresses import site_keys, site_of, url_key
from reader.library.formats import parse_article
from reader.library.scanning import library_root
from reader.search.searching import LibraryIndex

PAGES = REPO.parent / "shared" / "web-pages" / "html"
MHTML = REPO.parent / "shared" / "pdf" / "mhtml"


def parsed(name: str, data: str | bytes):
    return parse_article(data.encode() if isinstance(data, str) else data, name).article


@pytest.mark.parametrize("key", ["url", "link", "canonical", "original_url", "source"])
def test_front_matter_gives_the_address(key):
    article = parsed("a.md", f"---\ntitle: A\n{key}: https://www.example.com/a?x=1\n---\nbody\n")
    assert article.url == "https://www.example.com/a?x=1"


def test_only_web_addresses_count_and_a_source_that_is_one_is_not_a_name():
    assert parsed("a.md", "---\nsource: The Harbour Gazette\n---\nbody").url == ""
    assert parsed("a.md", "---\nurl: javascript:alert(1)\n---\nbody").url == ""
    assert parsed("a.md", "---\nurl: ftp://example.com/x\n---\nbody").url == ""
    assert parsed("a.md", "---\nurl: [1, 2]\n---\nbody").url == ""
    clipped = parsed("a.md", "---\nsource: https://www.nytimes.com/2024/01/02/x.html\n---\nbody")
    assert clipped.url == "https://www.nytimes.com/2024/01/02/x.html" and clipped.source == "nytimes.com"
    named = parsed("a.md", "---\nsource: https://example.org/x\npublisher: Example Weekly\n---\nbody")
    assert named.source == "Example Weekly"
    assert parsed("a.txt", "just text, no front matter").url == ""


def page(head: str = "", comment: str = "") -> str:
    return (f"{comment}<html><head><title>T</title>{head}</head><body><article><h1>T</h1>"
            + "<p>Enough words to make an article of this page, said the reader. " * 10 + "</p></article></body></html>")


def test_a_saved_page_gives_its_address_by_each_way_browsers_and_tools_write_it():
    canonical = '<link rel="canonical" href="https://example.com/canonical">'
    og = '<meta property="og:url" content="https://example.com/og">'
    single = "<!--\n Page saved with SingleFile \n url: https://example.com/singlefile \n saved date: Mon Jan 01 2024\n-->"
    saved = "<!-- saved from url=(0029)https://example.com/browser -->"
    assert parsed("p.html", page(canonical + og, single)).url == "https://example.com/canonical"
    assert parsed("p.html", page(og, single)).url == "https://example.com/og"
    assert parsed("p.html", page("", single)).url == "https://example.com/singlefile"
    assert parsed("p.html", page("", saved)).url == "https://example.com/browser"
    assert parsed("p.html", page('<link rel="canonical" href="/relative">')).url == ""


@pytest.mark.skipif(not MHTML.is_dir(), reason="../shared/pdf is not beside this checkout")
def test_an_mhtml_file_gives_its_snapshot_address():
    cnet = parsed("cnet.mhtml", (MHTML / "cnet.mhtml").read_bytes())
    assert cnet.url == "https://www.cnet.com/news/zuckerberg-offers-peek-at-facebooks-acquisition-strategies/"


@pytest.mark.skipif(not PAGES.is_dir(), reason="../shared/web-pages is not beside this checkout")
def test_most_real_saved_news_pages_say_where_they_came_from():
    urls = [parsed(p.name.removesuffix(".gz"), gzip.decompress(p.read_bytes())).url for p in sorted(PAGES.iterdir())]
    assert len(urls) == 181 and sum(bool(u) for u in urls) >= 170
    assert all(u.startswith(("http://", "https://")) for u in urls if u)


def test_addresses_normalise_for_matching():
    assert url_key("https://www.Example.com:443/a/b/?utm_source=x&id=3&b=1#part") == "example.com/a/b?b=1&id=3"
    assert url_key("http://example.com/a/b?fbclid=1&b=1&id=3") == "example.com/a/b?b=1&id=3"
    assert url_key("https://example.com:8080/") == "example.com:8080"
    assert site_of("https://WWW.NYTimes.com/x") == "nytimes.com"
    assert site_keys("https://cooking.nytimes.com/r/1") == ["cooking.nytimes.com", "nytimes.com"]
    assert url_key("not a url") == "" and site_of("nonsense") == ""


def test_url_and_site_find_articles_in_the_query_language(library, data):
    def article(name, url):
        write(library, name, f"---\ntitle: {name}\nurl: {url}\n---\nharbour news\n")

    article("a.md", "https://www.nytimes.com/2024/01/02/harbour.html?utm_source=feed")
    article("b.md", "https://cooking.nytimes.com/recipes/1")
    article("c.md", "https://nytimes.com.example.org/fake")
    article("d.md", "https://example.org/2024/x#comments")
    write(library, "e.md", "# E\nharbour news without an address\n")
    index = LibraryIndex(library_root(library), data)
    index.update()
    ids = lambda q: sorted(h.id for h in index.search(q, limit=50).hits)  # noqa: E731
    assert ids("site:nytimes.com") == ["a.md", "b.md"]
    assert ids("site:www.nytimes.com harbour") == ["a.md", "b.md"]
    assert ids("site:cooking.nytimes.com") == ["b.md"]
    assert ids("site:example.org") == ["c.md", "d.md"]
    assert ids("url:http://nytimes.com/2024/01/02/harbour.html") == ["a.md"]
    assert ids('url:"https://example.org/2024/x/"') == ["d.md"]
    assert ids("url:nytimes.com/2024*") == ["a.md"]
    assert ids("harbour -site:nytimes.com") == ["c.md", "d.md", "e.md"]
    hits = {h.id: h.url for h in index.search("harbour", limit=50).hits}
    assert hits["d.md"] == "https://example.org/2024/x#comments" and hits["e.md"] == ""


def test_show_and_search_json_give_the_address(cli, library):
    write(library, "a.md", "---\ntitle: A\nsource: https://www.example.com/a\n---\nharbour\n")
    write(library, "b.md", "# B\nharbour\n")
    cli("--library", library, "index")
    shown = cli.json("--library", library, "show", "a.md", "--json")
    assert shown["url"] == "https://www.example.com/a" and shown["source"] == "example.com"
    assert cli.json("--library", library, "show", "b.md", "--json")["url"] == ""
    found = cli.json("--library", library, "search", "harbour", "--json")
    assert {h["id"]: h["url"] for h in found["hits"]} == {"a.md": "https://www.example.com/a", "b.md": ""}
    assert [h["id"] for h in cli.json("--library", library, "search", "site:example.com", "--json")["hits"]] == ["a.md"]
