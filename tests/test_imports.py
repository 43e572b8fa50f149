"""Importing read-later exports (reader.exchange): each real sample of ../shared/imports
imported, in its README's order, into a copy of its library through the installed command,
and checked against the counts, tags, read marks and highlights its expected.json gives;
again, adding nothing; every bad input refused in one line with nothing touched."""

import json
import shutil

import pytest
from conftest import REPO, Cli
from test_no_network import server  # noqa: F401 - the fixture: a server here that counts requests

from reader.exchange.items import moment
from reader.exchange.lists import _python_tags
from reader.exchange.omnivore import highlights_of
from reader.exchange.pages import cleaned

IMPORTS = REPO.parent / "shared" / "imports"
EXPECTED = json.loads((IMPORTS / "expected.json").read_text(encoding="utf-8"))
SAMPLES = EXPECTED["samples"]


def copy_library(target):
    shutil.copytree(IMPORTS / "library", target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


class Imported:
    """The samples imported once, in order, with everything needed to check them."""

    def __init__(self, tmp):
        self.root = copy_library(tmp / "library")
        self.before = snapshot(self.root)
        data, home = tmp / "data", tmp / "home"
        data.mkdir()
        home.mkdir()
        self.cli = Cli(data, home)
        self.reports, self.new_ids = {}, {}
        for sample in SAMPLES:
            args = ["--into", sample["into"]] if sample["into"] else []
            done = self.cli("--library", self.root, "import", IMPORTS / "samples" / sample["file"], *args, "--json")
            self.reports[sample["file"]] = json.loads(done.stdout)
            for new in sample["new"]:
                hits = self.search(new["find"])
                assert len(hits) == 1, (new, hits)
                self.new_ids[new["key"]] = hits[0]["id"]
        self.ids = {key: article["id"] for key, article in EXPECTED["library"].items()} | self.new_ids

    def search(self, query):
        return self.cli.json("--library", self.root, "search", query, "--json")["hits"]

    def show(self, key):
        return self.cli.json("--library", self.root, "show", self.ids[key], "--json")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    return Imported(tmp_path_factory.mktemp("imports"))


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["file"] for s in SAMPLES])
def test_each_sample_reports_what_its_import_should(imported, sample):
    report = imported.reports[sample["file"]]
    assert any(name in report["service"] for name in sample["service"])
    if sample["added"] is not None:
        assert report["articles_added"] == sample["added"]
    assert (report["articles_matched"], report["unmatched"]) == (
        sample["matched"] + (2 if sample["file"] == "wallabag-export.csv" else 0), sample["unmatched"])
    assert report["highlights_added"] == len(sample["highlights"])
    assert report["highlights_detached"] == sum(not h["anchored"] for h in sample["highlights"])
    unmatched = [s for s in report["skipped"] if s["reason"].startswith("not in the library")]
    assert len(unmatched) == sample["unmatched"]  # listed, each with its reason, never dropped
    assert set(report) == {"service", "articles_added", "articles_matched", "unmatched", "highlights_added",
                           "highlights_detached", "notes_added", "tags_added", "marked_read", "skipped"}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["file"] for s in SAMPLES])
def test_items_get_their_tags_read_marks_and_highlights(imported, sample):
    for item in sample["matched_items"] + sample["new"]:
        shown = imported.show(item["key"])
        assert {t.lower() for t in item["tags"]} <= {t.lower() for t in shown["tags"]}, (item, shown["tags"])
        if item["read"]:
            assert shown["read"] is True
        if "url" in item:
            assert shown["url"] == item["url"] and shown["title"] == item["title"]
    for highlight in sample["highlights"]:
        notes = imported.show(highlight["article"])["notes"]
        found = [n for n in notes if n["quote"] and " ".join(n["quote"]["exact"].split()) == highlight["quote"]]
        assert len(found) == 1, (highlight, [n["quote"] for n in notes])
        note = found[0]
        assert (note["anchor"]["state"] != "detached") == highlight["anchored"]
        assert note["text"] == highlight["comment"]
        if highlight["day"]:
            assert note["created"].startswith(highlight["day"])


def test_a_bookmark_with_a_note_brings_the_note_as_a_comment(imported):
    notes = imported.show("Q3")["notes"]
    assert [n["text"] for n in notes if n["quote"] is None] == ["Survey numbers for the talk."]
    assert imported.reports["karakeep-export.json"]["notes_added"] == 1


def test_new_articles_are_saved_pages_inside_the_library_and_nothing_else_changed(imported):
    after = snapshot(imported.root)
    assert {k: after[k] for k in imported.before} == imported.before
    added = sorted(set(after) - set(imported.before))
    assert added == sorted(imported.new_ids.values())
    assert all(k.endswith(".html") for k in added)
    assert imported.new_ids["N1"].startswith("Reading/Omnivore/")
    assert imported.new_ids["V1"].startswith("Imported/wallabag/")
    page = after[imported.new_ids["N1"]].decode("utf-8")
    assert '<link rel="canonical" href="https://hakibenita.com/sql-anomaly-detection">' in page
    assert imported.show("N1")["authors"] == ["Haki Benita"] and imported.show("N1")["date"] == "2020-09-21"


def test_importing_everything_again_adds_nothing(imported):
    for sample in SAMPLES:
        args = ["--into", sample["into"]] if sample["into"] else []
        again = imported.cli.json("--library", imported.root, "import", IMPORTS / "samples" / sample["file"],
                                  *args, "--json")
        assert {k: again[k] for k in ("articles_added", "highlights_added", "notes_added", "tags_added",
                                      "marked_read")} == dict.fromkeys(
            ("articles_added", "highlights_added", "notes_added", "tags_added", "marked_read"), 0), sample["file"]
        assert again["unmatched"] == sample["unmatched"]


@pytest.mark.parametrize("name", sorted(EXPECTED["bad"]))
def test_a_bad_input_is_refused_in_one_line_and_nothing_is_touched(cli, tmp_path, name):
    root = copy_library(tmp_path / "library")
    before = snapshot(root)
    done = cli("--library", root, "import", IMPORTS / "bad" / name, check=1)
    assert done.stderr.count("\n") == 1 and name in done.stderr and done.stdout == ""
    assert snapshot(root) == before
    assert cli.json("--library", root, "notes", "list", "--json") == []


def test_records_of_the_wrong_shape_are_listed_in_the_json_report(cli, tmp_path):
    root = copy_library(tmp_path / "library")
    done = cli("--library", root, "import", IMPORTS / "bad" / "omnivore-invalid.zip", "--json", check=1)
    skipped = json.loads(done.stdout)["skipped"]
    assert len(skipped) == 7
    reasons = " | ".join(s["reason"] for s in skipped)
    for problem in ("'not a url'", "labels 'RSS'", "'2024-10-29'", "invalidAdditionalField", "'Deleted'"):
        assert problem in reasons


def test_a_2_gb_file_is_refused_unread(cli, tmp_path):
    root = copy_library(tmp_path / "library")
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(2 * 2**30)  # sparse: no disk used
    done = cli("--library", root, "import", huge, check=1)
    assert "too big" in done.stderr


def test_into_must_be_inside_the_library_and_a_name_taken_gets_another(cli, tmp_path):
    root = copy_library(tmp_path / "library")
    outside = cli("--library", root, "import", IMPORTS / "samples" / "wallabag-export.json",
                  "--into", tmp_path / "elsewhere", check=1)
    assert "inside the library" in outside.stderr and not (tmp_path / "elsewhere").exists()
    taken = root / "Imported" / "wallabag" / "Mass Surveillance As Art.html"
    taken.parent.mkdir(parents=True)
    taken.write_text("<html><body><p>Mine, not the export's.</p></body></html>", encoding="utf-8")
    report = cli.json("--library", root, "import", IMPORTS / "samples" / "wallabag-export.json", "--json")
    assert report["articles_added"] == 2
    assert taken.read_text(encoding="utf-8") == "<html><body><p>Mine, not the export's.</p></body></html>"
    assert (taken.parent / "Mass Surveillance As Art 2.html").is_file()


def test_html_content_with_scripts_is_written_without_them(cli, tmp_path):
    root = copy_library(tmp_path / "library")
    entry = {"title": "Scripted", "url": "https://example.org/scripted", "is_archived": 0, "is_starred": 1,
             "tags": ["x"], "annotations": [],
             "content": '<p onclick="steal()">Kept words.<script>alert(1)</script></p>'
                        '<iframe src="https://tracker.example/"></iframe><a href="javascript:alert(2)">link</a>'
                        '<img src="https://example.org/a.png" onerror="steal()"><style>@import url(x.css)</style>'}
    export = tmp_path / "scripted.json"
    export.write_text(json.dumps([entry]), encoding="utf-8")
    report = cli.json("--library", root, "import", export, "--json")
    assert report["articles_added"] == 1
    page = (root / "Imported" / "wallabag" / "Scripted.html").read_text(encoding="utf-8")
    for gone in ("<script", "onclick", "iframe", "javascript:", "onerror", "@import"):
        assert gone not in page
    assert "Kept words." in page and '<img src="https://example.org/a.png">' in page
    shown = cli.json("--library", root, "show", "Imported/wallabag/Scripted.html", "--json")
    assert "favorite" in shown["tags"] and "Kept words." in shown["text"]


def test_nothing_an_export_names_is_fetched(cli, tmp_path, server):
    """Addresses, pictures and frames of an export point at a server here: it is never asked."""
    root = copy_library(tmp_path / "library")
    base = f"http://127.0.0.1:{server.port}"
    entry = {"title": "Local", "url": f"{base}/article", "is_archived": 0, "tags": [], "annotations": [],
             "content": f'<p>Words.</p><img src="{base}/a.png"><iframe src="{base}/frame"></iframe>'
                        f'<link rel="stylesheet" href="{base}/s.css">'}
    export = tmp_path / "local.json"
    export.write_text(json.dumps([entry]), encoding="utf-8")
    bookmarks = tmp_path / "bookmarks.html"
    bookmarks.write_text(f'<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p><DT><A HREF="{base}/b">B</A></DL>',
                         encoding="utf-8")
    assert cli.json("--library", root, "import", export, "--json")["articles_added"] == 1
    assert cli.json("--library", root, "import", bookmarks, "--json")["unmatched"] == 1
    cli("--library", root, "show", "Imported/wallabag/Local.html")
    assert server.requests == []


def test_values_exports_write_are_read_as_they_mean():
    assert moment("2016-09-08T12:10:00+0200") == "2016-09-08T10:10:00Z"
    assert moment(1703851200) == moment("1703851200") == "2023-12-29T12:00:00Z"
    assert moment(1704283200000) == "2024-01-03T12:00:00Z"
    assert moment("2020-12-16 12:00:00+00:00") == "2020-12-16T12:00:00Z"
    assert moment("yesterday") == ""
    assert _python_tags("['test', 'test2', \"it's crazy\"]") == ("test", "test2", "it's crazy")
    assert _python_tags("['tag\\\\'s', 'another']") == ("tag's", "another")
    assert [(p.quote, p.comment) for p in highlights_of("> one \n\n> two \n\n#stats #sql\n\nSame here.\n\n> three ")] == \
        [("one", ""), ("two", "Same here."), ("three", "")]
    assert cleaned('<p>a<script>b</script>c</p><svg><script>d</script></svg>e') == "<p>ac</p>e"


# ---------------------------------------------------------------- the services' own test fixtures
# tests/fixtures/imports: files of wallabag's test suite, byte for byte (README.md there says which).

FIXTURES = REPO / "tests" / "fixtures" / "imports"


def saved_page(root, name: str, url: str, words: str):
    path = root / "saved" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<html><head><title>{name}</title><link rel="canonical" href="{url}"></head>'
                    f"<body><article><p>{words}</p></article></body></html>", encoding="utf-8")


def test_pockets_csv_matches_despite_a_tracking_fragment(cli, library):
    saved_page(library, "numerama.html", "https://www.numerama.com/politique/646826-tu-vas-pleurer-les-premieres-"
               "fois-que-se-passe-t-il-au-sein-du-studio-dubisoft-derriere-trackmania.html", "Trackmania studio.")
    saved_page(library, "reddit.html", "https://reddit.com/r/DataHoarder/comments/ioupbk/"
               "archivebox_question_how_do_i_import_links_from_a", "ArchiveBox and RSS.")
    report = cli.json("--library", library, "import", FIXTURES / "pocket.csv", "--json")
    assert (report["service"], report["articles_matched"], report["unmatched"], report["marked_read"]) == \
        ("pocket", 2, 5, 1)
    assert cli.json("--library", library, "show", "saved/reddit.html", "--json")["read"] is True
    assert cli.json("--library", library, "show", "saved/numerama.html", "--json")["read"] is False


def test_instapapers_new_csv_brings_tags_archive_and_starred(cli, library):
    saved_page(library, "amp.html", "http://redditblog.com/2016/09/20/amp-and-reactredux", "AMP and React.")
    saved_page(library, "swarm.html", "https://medium.com/@the_minh/why-foursquare-swarm-is-still-my-favourite-"
               "social-network-e38228493e6c", "Swarm.")
    report = cli.json("--library", library, "import", FIXTURES / "instapaper-export-new.csv", "--json")
    assert (report["articles_matched"], report["unmatched"], report["marked_read"], report["tags_added"]) == (2, 2, 1, 4)
    amp = cli.json("--library", library, "show", "saved/amp.html", "--json")
    assert (amp["read"], amp["tags"]) == (True, ["react", "javascript"])
    assert cli.json("--library", library, "tags", "saved/swarm.html", "--json")["tags"] == ["social", "favorite"]


def test_a_bookmarks_description_becomes_a_comment(cli, library):
    saved_page(library, "lapins.html", "https://www.20minutes.fr/sport/4002755-20220928-tarn-lapins-ravagent-"
               "terrain-match-rugby-doit-etre-annule", "Des lapins.")
    report = cli.json("--library", library, "import", FIXTURES / "shaarli-bookmarks.html", "--json")
    assert (report["articles_matched"], report["unmatched"], report["notes_added"]) == (1, 1, 1)
    notes = cli.json("--library", library, "show", "saved/lapins.html", "--json")["notes"]
    assert notes[0]["text"].startswith("In the two years or so since Mozilla announced")


def test_wallabag_annotations_not_in_the_content_are_kept_detached_with_their_quotes(cli, library):
    report = cli.json("--library", library, "import", FIXTURES / "wallabag-v2-annotations.json", "--json")
    assert (report["articles_added"], report["highlights_added"], report["highlights_detached"]) == (1, 3, 3)
    shown = cli.json("--library", library, "show", "Imported/wallabag/An entry with annotations.html", "--json")
    assert [(n["quote"]["exact"], n["text"], n["anchor"]["state"]) for n in shown["notes"]] == [
        ("some quoted text", "my imported annotation", "detached"), ("a highlight without a note", "", "detached"),
        ("no text at all", "", "detached")]
    assert shown["notes"][0]["created"] == "2024-01-02T09:00:00Z"
