"""Search in every language a library holds: CJK by bigrams, each article stemmed in its
own language, versions and identifiers by their parts. Real non-English pages are copied
from ../shared/web-pages into tmp_path; the command line runs in a subprocess."""

import gzip
import sqlite3
from contextlib import contextmanager

import pytest
from conftest import CORPORA, REPO, SAMPLE, write
from whoosh.lang.porter import stem as porter_stem

from reader.library.formats import parse_article
from reader.library.scanning import library_root, scan_library
from reader.render import article_page
from reader.search.searching import LibraryIndex
from reader.search.snippets import Terms
from reader.text.analysis import analysed, fold, term_positions, words

PAGES = REPO.parent / "shared" / "web-pages"
needs_pages = pytest.mark.skipif(not PAGES.is_dir(), reason="../shared/web-pages is not beside this checkout")

# The issue's own example: Japanese, then Chinese, in one article.
CJK_ARTICLE = """---
title: 天気と交通
date: 2025-04-01
---
今日は東京で雨が降りました。

北京市人民政府发布了新的交通规定。
"""

# Real pages, named for what they are: (readability-dev folder or html/ file prefix, name).
REAL = {
    "lemonde-1": "fr-lemonde", "liberation-1": "fr-liberation", "nytimes-5": "es-nytimes",
    "aktualne": "cs-aktualne", "002": "en-fetch",
    "57b4dafd18cfd053": "de-patientenakte", "ba07d1e64775f409": "de-dmexco",
    "f6ac15a4d9851139": "pt-veiculos", "b3c19dd5f0612d09": "pt-amor", "3252222e61fe7898": "pt-loja",
    "85439e26c41c7590": "ja-shohyo", "f105de6e63ca91ea": "ja-kindle", "0ec95c7261d122f3": "ko-drama",
    "20b2b64916b00b25": "it-blackfriday", "f81c6c05d9cbc933": "en-retire",
}


def real_page(key: str) -> bytes:
    folder = PAGES / "readability-dev" / key
    if folder.is_dir():
        return (folder / "source.html").read_bytes()
    return gzip.decompress(next((PAGES / "html").glob(key + "*.html.gz")).read_bytes())


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """An index over real pages in eight languages."""
    if not PAGES.is_dir():
        pytest.skip("../shared/web-pages is not beside this checkout")
    root = tmp_path_factory.mktemp("pages")
    for key, name in REAL.items():
        (root / f"{name}.html").write_bytes(real_page(key))
    index = LibraryIndex(library_root(root), tmp_path_factory.mktemp("data"))
    report = index.update()
    assert report.added == len(REAL) and report.skipped == []
    yield index
    index.close()


@contextmanager
def indexed(library, data):
    """The library's index, up to date, closed after."""
    index = LibraryIndex(library_root(library), data)
    index.update()
    try:
        yield index
    finally:
        index.close()


def found(index, query: str) -> list[str]:
    return [h.id.removesuffix(".html") for h in index.search(query, limit=50).hits]


# ---------------------------------------------------------------- Chinese, Japanese, Korean

@pytest.fixture
def cjk(library, data):
    write(library, "weather.md", CJK_ARTICLE)
    write(library, "scattered.md", "# Scattered\n\n東の空。\n\nそして雨。\n\n京都の秋。\n")
    write(library, "english.md", "# English\n\nRain fell on Tokyo today and traffic rules were published.\n")
    with indexed(library, data) as index:
        yield index


@pytest.mark.parametrize("query", ["東京", "雨", "交通", "交通规定", "降りました", "人民政府", "北京市", "新的交通"])
def test_any_substring_of_a_cjk_run_finds_its_article(cjk, query):
    assert "weather.md" in [h.id for h in cjk.search(query).hits]


@pytest.mark.parametrize("query", ["京東", "東雨", "规交", "東京都", "交通事故"])
def test_cjk_characters_that_are_not_neighbours_make_no_false_hit(cjk, query):
    """京東 (reversed), 東雨 (both in the article, far apart), 東京都 (one more character)."""
    assert cjk.search(query).hits == []


def test_single_cjk_characters_find_every_article_holding_them(cjk):
    assert sorted(h.id for h in cjk.search("雨").hits) == ["scattered.md", "weather.md"]
    assert [h.id for h in cjk.search("京都").hits] == ["scattered.md"]


def test_cjk_phrases_match_only_in_order(cjk):
    assert [h.id for h in cjk.search('"東京で雨"').hits] == ["weather.md"]
    assert [h.id for h in cjk.search('"发布了新的"').hits] == ["weather.md"]
    assert cjk.search('"雨で東京"').hits == []


def test_cjk_snippets_mark_the_matched_characters(cjk):
    hit = cjk.search("交通规定").hits[0]
    marked = [hit.snippet.text[a:b] for a, b in hit.snippet.spans]
    assert marked == ["交通规定"]
    hit = cjk.search("東京").hits[0]
    assert [hit.snippet.text[a:b] for a, b in hit.snippet.spans] == ["東京"]


def test_the_article_view_marks_cjk_hits(cjk, library):
    results = cjk.search("東京")
    article = parse_article((library / "weather.md").read_bytes(), "weather.md").article
    page = article_page(article, library, Terms(results.highlight))
    assert [page.shown.flat[a:b] for a, b in page.hits] == ["東京"]
    assert page.header_hits == ()  # the title 天気と交通 does not hold the word searched


def test_cjk_from_the_command_line(cli, library):
    write(library, "weather.md", CJK_ARTICLE)
    write(library, "english.md", "# English\n\nRain in Tokyo.\n")
    for query in ("東京", "雨", "交通", "交通规定"):
        hits = cli.json("--library", library, "search", query, "--json")["hits"]
        assert [h["id"] for h in hits] == ["weather.md"], query
    assert cli.json("--library", library, "search", "京東", "--json")["total"] == 0
    text = cli("--library", library, "search", "交通规定").stdout
    assert "*交通规定*" in text
    shown = cli.json("--library", library, "show", "weather.md", "--json")
    assert shown["lang"] == "ja"


@needs_pages
@pytest.mark.parametrize("query, article", [
    ("商標", "ja-shohyo"), ("標法", "ja-shohyo"), ("品質保証", "ja-shohyo"), ('"商標法違反"', "ja-shohyo"),
    ("ショート", "ja-kindle"), ("キー", "ja-kindle"), ('"Kindle for PCを"', "ja-kindle"),
    ("사진", "ko-drama"), ("사진을", "ko-drama"), ("진흙탕", "ko-drama"), ('"사진 공개"', "ko-drama"),
])
def test_real_japanese_and_korean_pages_are_found_by_substrings_and_phrases(pages, query, article):
    assert found(pages, query) == [article]


@needs_pages
@pytest.mark.parametrize("query", ["標商", "品保", '"公開 写真"', '"공개 사진"', "商標権法"])
def test_real_cjk_pages_give_no_false_hits(pages, query):
    assert found(pages, query) == []


# ---------------------------------------------------------------- each language stemmed as itself

@needs_pages
@pytest.mark.parametrize("query, article", [
    # French: plural for singular, other forms of a verb, the elided article
    ("renseignements", "fr-lemonde"), ("gouvernements", "fr-lemonde"), ("approuver", "fr-lemonde"),
    ("approuvent", "fr-lemonde"), ("assemblées", "fr-lemonde"), ("l'assemblée", "fr-lemonde"),
    ("séismes", "fr-liberation"), ("tremblements", "fr-liberation"), ("tuer", "fr-liberation"),
    # German: plural, umlaut plural, compound's singular
    ("Patientenakten", "de-patientenakte"), ("Krankenhäuser", "de-patientenakte"),
    ("Krankenhaus", "de-patientenakte"), ("Ausstellung", "de-dmexco"), ("Messen", "de-dmexco"),
    # Spanish
    ("compañía", "es-nytimes"), ("tecnológica", "es-nytimes"), ("prometer", "es-nytimes"),
    ("promesa", "es-nytimes"), ("avanzar", "es-nytimes"),
    # Portuguese, with and without its accents
    ("veículo", "pt-veiculos"), ("veiculo", "pt-veiculos"), ("atendimentos", "pt-veiculos"),
    ("arrombar", "pt-veiculos"), ("amar", "pt-amor"), ("amado", "pt-amor"), ("amores", "pt-amor"),
])
def test_a_native_readers_words_find_real_articles_in_their_language(pages, query, article):
    assert article in found(pages, query)


@needs_pages
@pytest.mark.parametrize("query", ["projection", "Techno", "atendente", "tecno", "promedio", "gigant"])
def test_a_word_that_only_shares_a_prefix_finds_nothing(pages, query):
    """projet/projection, Technologie/Techno, atendimento/atendente, tecnológica/tecno,
    promesa/promedio, gigantům/gigant (Czech has no stemmer: folded only)."""
    assert found(pages, query) == []


@needs_pages
def test_each_language_is_stemmed_by_its_own_rules(pages):
    # The same word, two languages: French Snowball joins gouvernement and gouvernements,
    # and Porter (English) never sees the French text.
    assert analysed("gouvernements", "fr")[0] == analysed("gouvernement", "fr")[0] == "gouvern"
    assert analysed("Regierungen", "de")[0] == analysed("Regierung", "de")[0]
    assert analysed("veículos", "pt")[0] == analysed("veículo", "pt")[0]
    assert analysed("compañías", "es")[0] == analysed("compañía", "es")[0]
    assert found(pages, "renseignements") == ["fr-lemonde"]


def test_a_stem_of_one_language_finds_only_articles_in_that_language(library, data):
    """'Regierungen' is searched as German 'regier' too; an English article that happens to
    hold the letters 'regier' is not a German article, and is not a hit."""
    write(library, "de.md", "---\nlang: de\n---\n# Berlin\n\nDie Regierung hat heute das Gesetz beschlossen.\n")
    write(library, "en.md", "---\nlang: en\n---\n# Codes\n\nThe code regier appears in the old register.\n")
    with indexed(library, data) as index:
        assert [h.id for h in index.search("Regierungen").hits] == ["de.md"]
        assert sorted(h.id for h in index.search("regier").hits) == ["de.md", "en.md"]  # both analyses agree


def test_a_snippet_marks_only_what_the_articles_own_language_matches(library, data):
    write(library, "de.md", "---\nlang: de\n---\n# Berlin\n\nDie Regierung hat heute das Gesetz beschlossen.\n")
    write(library, "en.md", "---\nlang: en\n---\n# Words\n\nThe German word Regierungen; the code regier is another thing.\n")
    with indexed(library, data) as index:
        hits = {h.id: h.snippet for h in index.search("Regierungen").hits}
    assert set(hits) == {"de.md", "en.md"}
    assert [hits["en.md"].text[a:b] for a, b in hits["en.md"].spans] == ["Regierungen"]
    assert [hits["de.md"].text[a:b] for a, b in hits["de.md"].spans] == ["Regierung"]


def test_stop_words_of_a_language_do_not_find_every_article_alone(library, data):
    write(library, "fr.md", "---\nlang: fr\n---\n# Le vote\n\nLes députés ont adopté le projet de loi.\n")
    write(library, "fr2.md", "---\nlang: fr\n---\n# La pluie\n\nIl pleut sur la ville et les rues.\n")
    with indexed(library, data) as index:
        assert [h.id for h in index.search("les députés").hits] == ["fr.md"]
        assert [h.id for h in index.search('"le projet de loi"').hits] == ["fr.md"]


# ---------------------------------------------------------------- the language of an article

@needs_pages
@pytest.mark.parametrize("key, lang", [
    ("lemonde-1", "fr"), ("aktualne", "cs"), ("nytimes-5", "es"), ("85439e26c41c7590", "ja"),
    ("0ec95c7261d122f3", "ko"), ("f6ac15a4d9851139", "pt"), ("002", "en"),
    # pages whose <html lang> is their site's, not their article's: the text wins
    ("liberation-1", "fr"), ("57b4dafd18cfd053", "de"), ("f81c6c05d9cbc933", "en"),
])
def test_the_language_of_real_pages(key, lang):
    assert parse_article(real_page(key), "page.html").article.lang == lang


def test_front_matter_names_the_language_in_any_usual_way(library):
    text = "# Title\n\nThis article is written in plain English, whatever its front matter says.\n"
    for declared, code in (("fr", "fr"), ("fr-CA", "fr"), ("French", "fr"), ("Deutsch", "de"), ("pt_BR", "pt")):
        for key in ("lang", "language"):
            path = write(library, "a.md", f"---\n{key}: {declared}\n---\n{text}")
            assert parse_article(path.read_bytes(), "a.md").article.lang == code, (key, declared)
    toml = write(library, "b.md", f'+++\nlang = "es"\n+++\n{text}')
    assert parse_article(toml.read_bytes(), "b.md").article.lang == "es"


def test_a_text_too_short_or_unclear_to_tell_has_no_language_and_english_rules(library, data):
    write(library, "short.md", "# Hi\n\nok\n")
    write(library, "codes.md", "# Codes\n\nzqx vbnm plokij qwrtz xkcd fnord blorp quux waldo\n")
    assert parse_article((library / "short.md").read_bytes(), "short.md").article.lang == ""
    assert parse_article((library / "codes.md").read_bytes(), "codes.md").article.lang == ""
    with indexed(library, data) as index:
        assert [h.id for h in index.search("waldos").hits] == ["codes.md"]  # Porter: waldos -> waldo


def test_the_header_and_show_json_give_the_language_and_lang_filters(cli, library):
    write(library, "fr.md", "---\ntitle: Le vote\nlang: fr\n---\nLes députés ont adopté le projet de loi sur le renseignement.\n")
    write(library, "en.md", "---\ntitle: The vote\n---\nThe members of parliament adopted the intelligence bill today.\n")
    write(library, "und.md", "---\ntitle: Codes\n---\nzqx vbnm\n")
    assert cli.json("--library", library, "show", "fr.md", "--json")["lang"] == "fr"
    assert cli.json("--library", library, "show", "en.md", "--json")["lang"] == "en"
    assert cli.json("--library", library, "show", "und.md", "--json")["lang"] is None
    assert "French" in cli("--library", library, "show", "fr.md").stdout

    def ids(query):
        return sorted(h["id"] for h in cli.json("--library", library, "search", query, "--json", "--limit", "50")["hits"])

    assert ids("lang:fr") == ["fr.md"]
    assert ids("language:french") == ["fr.md"]
    assert ids("lang:en") == ["en.md"]
    assert ids("vote -lang:fr") == ["en.md"]
    assert ids("vote lang:fr") == ["fr.md"]
    assert ids("lang:fr OR lang:en") == ["en.md", "fr.md"]

    article = parse_article((library / "fr.md").read_bytes(), "fr.md").article
    assert "French" in article_page(article, library).html


# ---------------------------------------------------------------- versions and identifiers

@pytest.fixture
def technical(library, data):
    write(library, "r170.md", "# Announcing Rust 1.70.0\n\nRust 1.70.0 is out: sparse registry access by default.\n")
    write(library, "r1701.md", "# Announcing Rust 1.70.1\n\nA point release, 1.70.1, fixes a regression.\n")
    write(library, "r180.md", "# Announcing Rust 1.80.0\n\nRust 1.80.0 brings LazyCell. Since 1.70 much changed.\n")
    write(library, "r17.md", "# Rust 1.7\n\nAn old release, 1.7, from long ago.\n")
    write(library, "maps.md", "# Maps in Rust\n\nUse a `HashMap` for lookups and `async_fn` helpers; publish on crates.io.\n")
    write(library, "prose.md", "# Talking about maps\n\nA hash map is what the hash of a key into a map gives you. Async code too.\n")
    with indexed(library, data) as index:
        yield index


def ids(index, query):
    return [h.id for h in index.search(query, limit=50).hits]


def test_a_version_is_found_by_its_leading_parts(technical):
    assert set(ids(technical, "1.70")) == {"r170.md", "r1701.md", "r180.md"}
    assert "r17.md" not in ids(technical, "1.70") and ids(technical, "1.7") == ["r17.md"]
    assert ids(technical, "1.70.0") == ["r170.md"]
    assert ids(technical, "1.70.1") == ["r1701.md"]


def test_identifiers_are_found_by_their_parts_and_whole(technical):
    assert "maps.md" in ids(technical, "async")
    assert set(ids(technical, "hash map")) == {"maps.md", "prose.md"}
    assert set(ids(technical, '"hash map"')) == {"maps.md", "prose.md"}
    assert ids(technical, "HashMap")[0] == "maps.md"  # the whole form, typed whole, first
    assert ids(technical, "async_fn")[0] == "maps.md"
    assert ids(technical, "crates.io") == ["maps.md"]


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")
def test_rust_1_70_on_the_real_blogs_ranks_its_announcement_first(tmp_path):
    index = LibraryIndex(library_root(CORPORA), tmp_path / "data")
    index.update()
    top = index.search("rust 1.70").hits[0]
    assert top.title == "Announcing Rust 1.70.0"
    assert {h.title for h in index.search("1.70", limit=100).hits} >= {"Announcing Rust 1.70.0"}
    index.close()


# ---------------------------------------------------------------- English unchanged

def test_english_words_keep_porter_stems():
    """Every plain word of the English articles (the sample, and the real blogs when they are
    here) has the term it always had: folded, then Porter."""
    checked, english = 0, 0
    for root in (SAMPLE, CORPORA) if CORPORA.is_dir() else (SAMPLE,):
        for entry in scan_library(root).files:
            article = parse_article((root / entry.id).read_bytes(), entry.id).article
            if article.lang != "en":
                continue
            english += 1
            for word in words(article.text):
                folded = fold(word)
                if folded.isalpha() and folded.isascii() and analysed(word, "en")[1:] == ((), ()):
                    assert analysed(word, "en")[0] == porter_stem(folded), word
                    checked += 1
    assert english >= 21 and checked > 1000


def test_an_english_library_searches_english_stems_only(library, data):
    write(library, "a.md", "# Runners\n\nThe runners were running through the city at night.\n")
    with indexed(library, data) as index:
        results = index.search("running")
        assert [h.id for h in results.hits] == ["a.md"] and results.highlight == {porter_stem("running")}
        write(library, "b.md", "---\nlang: fr\n---\n# Course\n\nLes coureurs couraient dans la ville la nuit.\n")
        index.update()
        assert index.search("running").highlight > {porter_stem("running")}  # and each library language's stem
        assert [h.id for h in index.search("coureur").hits] == ["b.md"]


def test_english_terms_sit_where_they_always_did():
    positions = term_positions("The state of the art, twice: the state of the art.", "en")
    assert positions["state"] == [1, 7] and positions["art"] == [4, 10] and positions["the"] == [0, 3, 6, 9]


def test_an_index_of_the_last_format_is_rebuilt_with_a_message(library, data, cli):
    write(library, "weather.md", CJK_ARTICLE)
    cli("--library", library, "index")
    catalogs = list(data.rglob("catalog.sqlite"))
    assert len(catalogs) == 1
    with sqlite3.connect(catalogs[0]) as db:
        db.execute("UPDATE meta SET value='4.5' WHERE key='format'")
    proc = cli("--library", library, "search", "東京", "--json")
    assert "rebuil" in proc.stderr.lower()
    assert [h["id"] for h in __import__("json").loads(proc.stdout)["hits"]] == ["weather.md"]
