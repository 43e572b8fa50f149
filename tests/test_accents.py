"""A word finds the same articles whether it is typed with its accents, without them, or in
capitals — plain, as a prefix, in a phrase, in a field, fuzzy or corrected — while each
language's stemming still joins its inflections and no other language's words creep in.
The issue's own sentences, then real pages in German, Spanish, French and Portuguese from
../shared/web-pages (copied into tmp_path); the command line runs in a subprocess."""

import json
import sqlite3
import unicodedata

import pytest
from conftest import write
from test_languages import REAL, indexed, needs_pages, pages, real_page  # noqa: F401 - pages: a fixture

from reader.library.formats import parse_article
from reader.text.analysis import has_accents, is_stop_word, words

SPANISH = "---\ntitle: La escuela\nlang: es\n---\nLa educación pública necesita más información.\n"
FRENCH = ("---\ntitle: L'été\nlang: fr\n---\n"
          "Une église créée pendant l'été est déjà fermée. La soirée était animée.\n")
PORTUGUESE = "---\ntitle: Censo\nlang: pt\n---\nA população do Brasil cresceu muito.\n"
GERMAN = ("---\ntitle: Die Straße\nlang: de\n---\n"
          "Herr Müller wohnt in der Goethestraße in Düsseldorf. Die Bücher gehören ihm.\n")
ENGLISH = "---\ntitle: Weather\nlang: en\n---\nRain fell all day on the old town.\n"


def unaccented(word: str) -> str:
    """As typed on a keyboard without accents: marks dropped, ß as ss."""
    text = word.replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def found(index, query: str) -> list[str]:
    return sorted(h.id for h in index.search(query, limit=100).hits)


@pytest.fixture
def sentences(library, data):
    for name, text in (("es.md", SPANISH), ("fr.md", FRENCH), ("pt.md", PORTUGUESE), ("de.md", GERMAN),
                       ("en.md", ENGLISH)):
        write(library, name, text)
    with indexed(library, data) as index:
        yield index


@pytest.mark.parametrize("query, article", [
    ("educacion", "es.md"), ("informacion", "es.md"), ("publica", "es.md"), ("EDUCACION", "es.md"),
    ("Educación", "es.md"),
    ("creee", "fr.md"), ("fermee", "fr.md"), ("soiree", "fr.md"), ("animee", "fr.md"), ("eglise", "fr.md"),
    ("deja", "fr.md"), ("etait", "fr.md"), ("ete", "fr.md"), ("CREEE", "fr.md"),
    ("populacao", "pt.md"), ("POPULACAO", "pt.md"),
    ("Mueller", "de.md"), ("Muller", "de.md"), ("Duesseldorf", "de.md"), ("Buecher", "de.md"),
    ("Goethestrasse", "de.md"), ("gehoeren", "de.md"),
])
def test_the_issues_words_typed_without_accents_find_their_article(sentences, query, article):
    assert found(sentences, query) == [article]


@pytest.mark.parametrize("query, article", [
    # inflections each language's stemming joins: still joined, typed either way
    ("educaciones", "es.md"), ("populações", "pt.md"), ("populacoes", "pt.md"), ("fermées", "fr.md"),
    ("fermees", "fr.md"), ("animées", "fr.md"), ("animees", "fr.md"),
    # prefixes, phrases, fields, fuzzy words
    ("educac*", "es.md"), ("informaci*", "es.md"), ("eglis*", "fr.md"), ("Buch*", "de.md"),
    ('"la educacion publica"', "es.md"), ('"educacion publica necesita mas informacion"', "es.md"),
    ('"soiree etait animee"', "fr.md"), ('"Herr Mueller"', "de.md"), ('"populacao do brasil"', "pt.md"),
    ("title:ete", "fr.md"), ("title:strasse", "de.md"), ("educacoin~2", "es.md"), ("fermeee~", "fr.md"),
])
def test_every_kind_of_query_is_blind_to_accents(sentences, query, article):
    assert found(sentences, query) == [article]


def test_did_you_mean_offers_the_word_as_the_library_writes_it(sentences):
    results = sentences.search("educacoin")
    assert results.hits == [] and results.suggestion == "educación"
    assert found(sentences, results.suggestion) == ["es.md"]
    assert sentences.search("fermeee").suggestion == "fermée"


def test_snippets_mark_the_accented_words_an_unaccented_query_found(sentences):
    hit = sentences.search("educacion publica").hits[0]
    assert [hit.snippet.text[a:b] for a, b in hit.snippet.spans] == ["educación", "pública"]
    hit = sentences.search("soiree").hits[0]
    assert [hit.snippet.text[a:b] for a, b in hit.snippet.spans] == ["soirée"]
    hit = sentences.search("Mueller").hits[0]
    assert [hit.snippet.text[a:b] for a, b in hit.snippet.spans] == ["Müller"]


def test_a_word_written_without_its_accents_is_found_by_one_typed_with_them(library, data):
    write(library, "informal.md", "---\ntitle: Notas\nlang: es\n---\nLa educacion es un derecho y la informacion tambien.\n")
    with indexed(library, data) as index:
        assert found(index, "educación") == ["informal.md"]
        assert found(index, "información") == ["informal.md"]


def test_no_other_languages_word_creeps_in(library, data):
    """Tomáš is a Czech name; folded it is 'tomas', which Spanish stems as 'tom' (tomar, to
    take). The Spanish article holds neither spelling and is not a hit; the English one holds
    'Tomas' and is."""
    write(library, "cs.md", "---\ntitle: Praha\nlang: cs\n---\nTomáš Novák přijel včera do Prahy vlakem.\n")
    write(library, "en.md", "---\ntitle: Prague\nlang: en\n---\nTomas Novak arrived in Prague yesterday by train.\n")
    write(library, "es.md", "---\ntitle: Café\nlang: es\n---\nVamos a tomar un café y tomamos el tren.\n")
    with indexed(library, data) as index:
        assert found(index, "Tomáš") == ["cs.md", "en.md"]
        assert found(index, "tomar") == ["es.md"]


# ---------------------------------------------------------------- real pages

LANGUAGES = {"de-patientenakte": "de", "de-dmexco": "de", "es-nytimes": "es", "fr-lemonde": "fr",
             "fr-liberation": "fr", "pt-veiculos": "pt", "pt-amor": "pt", "pt-loja": "pt"}


def page_text(name: str):
    key = next(key for key, page in REAL.items() if page == name)
    return parse_article(real_page(key), f"{name}.html").article


def accented_words(name: str, lang: str) -> list[str]:
    article = page_text(name)
    assert article.lang == lang
    chosen = {w for w in words(f"{article.title} {article.text}")
              if w.isalpha() and has_accents(w) and len(w) > 2 and not is_stop_word(w, {lang})}
    return sorted(chosen)


@needs_pages
@pytest.mark.parametrize("name", sorted(LANGUAGES))
def test_every_accented_word_of_a_real_page_is_found_typed_without_accents(pages, name):
    """Each word written with accents on a real page, typed without them, finds the page,
    and finds in the page's language exactly what the word typed with them finds."""
    lang = LANGUAGES[name]
    same_language = {f"{n}.html" for n, code in LANGUAGES.items() if code == lang}
    checked = accented_words(name, lang)
    assert len(checked) >= 8
    missed, differ = [], []
    for word in checked:
        plain, typed = found(pages, unaccented(word)), found(pages, word)
        if f"{name}.html" not in plain:
            missed.append(word)
        if [i for i in plain if i in same_language] != [i for i in typed if i in same_language]:
            differ.append(word)
    assert missed == [] and differ == []


@needs_pages
@pytest.mark.parametrize("query, article", [
    ("Krankenhauser", "de-patientenakte"), ("Krankenhaeuser", "de-patientenakte"),
    ("Krankenhaus", "de-patientenakte"),
    ("compania", "es-nytimes"), ("tecnologica", "es-nytimes"), ("companias", "es-nytimes"),
    ("assemblee", "fr-lemonde"), ("deputes", "fr-lemonde"), ("seismes", "fr-liberation"),
    ("veiculos", "pt-veiculos"), ("veiculo", "pt-veiculos"),
])
def test_real_words_and_their_inflections_typed_without_accents(pages, query, article):
    assert f"{article}.html" in found(pages, query)


@needs_pages
def test_a_real_phrase_typed_without_accents(pages):
    text = page_text("fr-lemonde").text
    phrase = next(p for p in (" ".join(words(text)[i:i + 3]) for i in range(len(words(text))))
                  if any(has_accents(w) for w in p.split()) and all(w.isalpha() for w in p.split()))
    assert "fr-lemonde.html" in found(pages, f'"{unaccented(phrase)}"'), phrase


def test_an_index_of_the_format_before_is_rebuilt_with_a_message(library, data, cli):
    write(library, "es.md", SPANISH)
    cli("--library", library, "index")
    catalog = next(data.rglob("catalog.sqlite"))
    with sqlite3.connect(catalog) as db:  # the catalog as the version before wrote it
        fmt = db.execute("SELECT value FROM meta WHERE key='format'").fetchone()[0]
        db.execute("UPDATE meta SET value=? WHERE key='format'", (fmt.rsplit(".", 1)[0] + ".6",))
        db.execute("DROP TABLE spellings")
        db.execute("DROP TABLE vocab")
        db.execute("CREATE TABLE vocab(word TEXT PRIMARY KEY) WITHOUT ROWID")
    proc = cli("--library", library, "search", "educacion", "--json")
    assert "rebuil" in proc.stderr.lower()
    assert [h["id"] for h in json.loads(proc.stdout)["hits"]] == ["es.md"]
