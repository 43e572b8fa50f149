"""Searching a library of several languages in the real window: CJK found by a
substring, a French word by another form of it, the matches marked in the article and
its language in the header."""

import pytest
from conftest import write
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QTextBrowser
from qt_helpers import (
    WAIT, click_row, find, open_window, results_view, row_ids, search, search_marks, settled, type_text, wait_article,
)
from test_languages import CJK_ARTICLE

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FRENCH = """---
title: Le projet de loi sur le renseignement
date: 2025-05-05
lang: fr
---
Les députés ont adopté à une large majorité le projet de loi sur le renseignement défendu
par le gouvernement lors d'un vote solennel. Il sera examiné par le Sénat.
"""


@pytest.fixture
def window(qtbot, library, data):
    write(library, "weather.md", CJK_ARTICLE)
    write(library, "vote.md", FRENCH)
    write(library, "english.md", "---\ntitle: Rain in Tokyo\ndate: 2025-01-01\n---\nRain fell on Tokyo; the government voted.\n")
    return open_window(qtbot, library, data, rows=3)


def test_a_cjk_substring_finds_its_article_and_is_marked_in_it(qtbot, window):
    for query in ("交通规定", "東京", "雨"):
        search(qtbot, window, query)
        assert row_ids(results_view(window)) == ["weather.md"], query
    assert "<b>1</b> match" in find(window, QLabel, "resultsCount").text()
    snippet = window.search.model.hits[0].snippet
    assert [snippet.text[a:b] for a, b in snippet.spans] == ["雨"]
    search(qtbot, window, "東京")
    click_row(qtbot, results_view(window), 0)
    wait_article(qtbot, window, "北京市人民政府")
    view = find(window, QTextBrowser, "articleView")
    qtbot.waitUntil(lambda: search_marks(view) == ["東京"], timeout=WAIT)
    assert "Japanese" in view.toPlainText().split("今日は")[0]  # the header names the language


def test_cjk_characters_far_apart_find_nothing_in_the_window(qtbot, window):
    field = find(window, QLineEdit, "searchField")
    type_text(qtbot, field, "東雨")
    settled(qtbot, window, "東雨")
    assert window.search.model.rowCount() == 0
    assert "<b>0</b> matches" in find(window, QLabel, "resultsCount").text()


def test_a_french_word_finds_another_form_of_it_and_lang_filters(qtbot, window):
    search(qtbot, window, "gouvernements")
    assert row_ids(results_view(window)) == ["vote.md"]  # French stems; "government" is not a hit
    qtbot.keyClick(find(window, QLineEdit, "searchField"), Qt.Key_Return)
    wait_article(qtbot, window, "Les députés")
    view = find(window, QTextBrowser, "articleView")
    qtbot.waitUntil(lambda: search_marks(view) == ["gouvernement"], timeout=WAIT)
    assert "French" in view.toPlainText().split("Les députés")[0]
    search(qtbot, window, "lang:fr OR lang:ja")
    assert sorted(row_ids(results_view(window))) == ["vote.md", "weather.md"]
