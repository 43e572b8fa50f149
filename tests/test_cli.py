"""The `article-reader` command, run as an installed program in a subprocess."""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE, write

HIT_KEYS = {"id", "title", "authors", "date", "tags", "score", "snippet", "matched_in", "minutes", "url"}


def test_index_json_reports_each_count_then_nothing_changed(cli, sample_copy):
    first = cli.json("--library", sample_copy, "index", "--json")
    assert set(first) == {"library", "added", "updated", "removed", "unchanged", "skipped", "warnings", "seconds"}
    assert (first["library"], first["added"], first["unchanged"], first["skipped"]) == (str(sample_copy), 21, 0, [])
    second = cli.json("--library", sample_copy, "index", "--json")
    assert (second["added"], second["updated"], second["removed"], second["unchanged"]) == (0, 0, 0, 21)


def test_index_reports_skipped_files_and_warnings(cli, library):
    write(library, "good.md", "# Good\ntext")
    write(library, "binary.md", b"\x00\x01\x02")
    write(library, "broken.md", "---\ntitle: [oops\n---\nbody")
    report = cli.json("--library", library, "index", "--json")
    assert report["skipped"] == [{"path": "binary.md", "reason": "binary file (contains NUL bytes)"}]
    assert report["warnings"][0]["path"] == "broken.md" and "malformed YAML" in report["warnings"][0]["message"]
    text = cli("--library", library, "index", "--rebuild", "-v").stdout
    assert text.splitlines()[0].startswith(f"Indexed {library}: 2 added, 0 updated, 0 removed, 0 unchanged, 1 skipped, 1 warning")
    assert "skipped binary.md: binary file" in text


def test_search_json_contract(cli, sample_copy):
    cli("--library", sample_copy, "index")
    result = cli.json("--library", sample_copy, "search", "drills", "--json")
    assert set(result) == {"query", "total", "hits", "suggestion"}
    assert result["query"] == "drills" and result["total"] == 1 and result["suggestion"] is None
    hit = result["hits"][0]
    assert set(hit) == HIT_KEYS
    assert hit["id"] == "world/japan-us-drills-near-russia.md"
    assert hit["authors"] == ["Mariko Sato"] and hit["date"] == "2025-09-26"
    assert hit["tags"] == ["defence", "Japan", "Russia", "diplomacy"]
    assert "drills" in hit["snippet"] and "**" not in hit["snippet"]
    assert hit["matched_in"] == ["body", "title"]


def test_search_text_shows_title_date_path_and_emphasised_snippet(cli, sample_copy):
    out = cli("--library", sample_copy, "search", "marmalade").stdout
    assert out.splitlines()[0] == "1 match for 'marmalade'"
    assert "The Short Season of Seville Orange Marmalade  2024-01-21" in out
    assert "food/seville-orange-marmalade.md" in out and "*marmalade*" in out


def test_search_builds_a_missing_index_first_and_says_so(cli, sample_copy):
    proc = cli("--library", sample_copy, "search", "octopuses", "--json")
    assert "no index yet" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert json.loads(proc.stdout)["total"] == 1


def test_search_sees_files_added_since_the_last_index(cli, library):
    write(library, "a.md", "first article")
    cli("--library", library, "index")
    write(library, "b.md", "second article")
    assert cli.json("--library", library, "search", "article", "--json")["total"] == 2


def test_search_limit_total_sort_and_suggestion(cli, sample_copy):
    result = cli.json("--library", sample_copy, "search", "the", "--limit", "3", "--sort", "date", "--json")
    assert result["total"] == 21 and len(result["hits"]) == 3
    dates = [h["date"] for h in result["hits"]]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2025-10-11"
    assert cli.json("--library", sample_copy, "search", "marmelade", "--json")["suggestion"] == "marmalade"
    assert "Did you mean: marmalade" in cli("--library", sample_copy, "search", "marmelade").stdout


def test_search_stdin_answers_each_line_as_json_lines(cli, sample_copy):
    proc = cli("--library", sample_copy, "search", "-", "--json", input="drills\n\ncafé\nNOT OR x\nmarm*\n")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["drills", "café", "NOT OR x", "marm*"]
    assert [line["total"] for line in lines] == [1, 1, 0, 1]


def test_stdin_answers_arrive_as_each_query_comes(cli, sample_copy):
    cli("--library", sample_copy, "index")
    proc = subprocess.Popen([cli.exe, "--library", str(sample_copy), "search", "-", "--json"], env=cli.env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        proc.stdin.write("octopuses\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["total"] == 1  # answered before stdin closes
        proc.stdin.write("comet\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["hits"][0]["id"] == "science/comet-returns.txt"
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0


@pytest.mark.parametrize("query", ['"unbalanced', "(a OR", "NOT OR x", "date:[", "title:", "date:[oct 1970 to dec 8 19z70]", ")))"])
def test_malformed_queries_exit_zero(cli, sample_copy, query):
    assert cli.json("--library", sample_copy, "search", query, "--json")["query"] == query


def test_a_missing_library_is_exit_1_with_one_line(cli, tmp_path):
    proc = cli("--library", tmp_path / "nowhere", "search", "x", check=1)
    assert proc.stderr.strip() == f"article-reader: library not found: {tmp_path / 'nowhere'}"
    assert proc.stdout == ""


@pytest.mark.parametrize("args", [["search"], ["frobnicate"], ["search", "x", "--limit", "0"],
                                  ["search", "x", "--sort", "oldest"], ["index", "--bogus"]])
def test_bad_usage_is_exit_2(cli, args):
    proc = cli(*args, check=2)
    assert "usage:" in proc.stderr


def test_a_corrupted_index_is_rebuilt_with_a_one_line_message(cli, sample_copy, data):
    cli("--library", sample_copy, "index")
    for toc in data.glob("libraries/*/index/*.toc"):
        toc.write_bytes(b"\x00garbage" * 64)
    proc = cli("--library", sample_copy, "search", "comet", "--json")
    assert json.loads(proc.stdout)["total"] == 1
    assert proc.stderr.count("\n") == 1 and "rebuilt" in proc.stderr


def test_library_choice_flag_then_environment_then_last_used_then_sample(cli, sample_copy, library):
    write(library, "only.md", "# Only One\nunique zebra")
    assert cli.json("index", "--json")["library"] == str(SAMPLE)  # first run: the bundled sample
    cli.env["ARTICLE_READER_LIBRARY"] = str(library)
    assert cli.json("index", "--json")["library"] == str(library)
    assert cli.json("--library", sample_copy, "index", "--json")["library"] == str(sample_copy)
    del cli.env["ARTICLE_READER_LIBRARY"]
    assert cli.json("index", "--json")["library"] == str(sample_copy)  # the last one used


def test_data_dir_flag_overrides_the_environment(cli, sample_copy, tmp_path):
    other = tmp_path / "other-data"
    cli("--library", sample_copy, "--data-dir", other, "index")
    assert list(other.glob("libraries/*/index/*.toc"))


def test_python_dash_m_reader_is_the_same_command(sample_copy, cli):
    proc = subprocess.run([sys.executable, "-m", "reader", "--library", str(sample_copy), "search", "comet", "--json"],
                          capture_output=True, text=True, env=cli.env, timeout=120)
    assert proc.returncode == 0 and json.loads(proc.stdout)["total"] == 1


def test_the_cli_never_imports_qt(sample_copy, cli):
    code = ("import sys; from reader.cli import main; main(['--library', sys.argv[1], 'search', 'comet']); "
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'")
    proc = subprocess.run([sys.executable, "-c", code, str(sample_copy)], capture_output=True, text=True, env=cli.env)
    assert proc.returncode == 0, proc.stderr


def test_the_wheel_ships_the_sample_library(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("article_reader-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(n.removeprefix("reader/sample_library/") for n in names if n.startswith("reader/sample_library/"))
    expected = sorted(p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*") if p.is_file())
    assert shipped == expected and len(shipped) == 23
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    found = subprocess.run([sys.executable, "-c", "from reader.locations import sample_library as s; print(s())"],
                           capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(target)}, timeout=60)
    assert found.stdout.strip() == str(target / "reader" / "sample_library")


def test_install_desktop_puts_a_valid_menu_entry_and_icon_where_menus_look_then_takes_them_away(cli, tmp_path):
    import configparser

    cli.env.pop("XDG_DATA_HOME", None)
    home = Path(cli.env["HOME"])
    before = {p for p in tmp_path.rglob("*")}
    entry = home / ".local/share/applications/article-reader.desktop"
    icon = home / ".local/share/icons/hicolor/scalable/apps/article-reader.svg"
    config = home / ".config"
    config.mkdir()
    (config / "mimeapps.list").write_text("[Default Applications]\ntext/html=firefox.desktop\n", encoding="utf-8")
    proc = cli("install-desktop")
    assert proc.stdout.split() == ["wrote", str(entry), "wrote", str(icon), "wrote", str(config / "mimeapps.list")]
    # article-reader:// links (a notes export's links back) open it; the other defaults stay.
    assert (config / "mimeapps.list").read_text(encoding="utf-8").splitlines() == [
        "[Default Applications]", "x-scheme-handler/article-reader=article-reader.desktop", "text/html=firefox.desktop"]
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.read(entry, encoding="utf-8")
    values = parsed["Desktop Entry"]
    assert values["Exec"] == f"{cli.exe} open %u" and values["TryExec"] == cli.exe and values["Icon"] == "article-reader"
    assert values["MimeType"] == "x-scheme-handler/article-reader;"
    assert icon.read_bytes().startswith(b"<svg") or b"<svg" in icon.read_bytes()[:400]
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout + check.stderr
    written = {p for p in tmp_path.rglob("*")} - before
    assert all(p == home / ".local" or home / ".local" in p.parents or p in (config, config / "mimeapps.list")
               for p in written)  # nowhere else

    cli.env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    cli("install-desktop")
    assert (tmp_path / "xdg/applications/article-reader.desktop").is_file()

    cli.env.pop("XDG_DATA_HOME")
    assert cli("install-desktop", "--uninstall").stdout.split() == ["removed", str(entry), "removed", str(icon)]
    assert not entry.exists() and not icon.exists()
    assert (config / "mimeapps.list").read_text(encoding="utf-8") == "[Default Applications]\ntext/html=firefox.desktop\n"
    assert "nothing to remove" in cli("install-desktop", "--uninstall").stdout


def test_a_program_path_with_spaces_is_quoted_as_the_desktop_entry_spec_says():
    from reader.cli.desktop import exec_quoted

    assert exec_quoted("/usr/bin/article-reader") == "/usr/bin/article-reader"
    assert exec_quoted("/home/ann/my apps/bin/article-reader") == '"/home/ann/my apps/bin/article-reader"'
    assert exec_quoted('/x/$a"b') == '"/x/\\\\$a\\\\"b"'


# ---------------------------------------------------------------- daily reading (issue 14)

def test_related_lists_up_to_five_other_articles_with_dates(cli, sample_copy):
    article = "world/japan-us-drills-near-russia.md"
    found = cli.json("--library", sample_copy, "related", article, "--json")
    assert found["id"] == article and 1 <= len(found["related"]) <= 5
    assert article not in [r["id"] for r in found["related"]]
    assert set(found["related"][0]) == {"id", "title", "date", "score"}
    scores = [r["score"] for r in found["related"]]
    assert scores == sorted(scores, reverse=True)
    text = cli("--library", sample_copy, "related", article, "--limit", "2").stdout.splitlines()
    assert len(text) == 4 and text[0].startswith("  1. " + found["related"][0]["title"])
    missing = cli("--library", sample_copy, "related", "no/such.md", check=1)
    assert missing.stderr.startswith("article-reader: no article") and missing.stderr.count("\n") == 1


def test_smart_filters_and_reading_time_from_the_command_line(cli, library):
    for n in range(1, 9):  # n × 230 words: n minutes
        write(library, f"m{n}.md", f"---\ntitle: Piece {n}\n---\n" + "word " * (230 * n))
    lib = ("--library", library)
    every = cli.json(*lib, "search", "is:unread", "--json", "--limit", "100")
    assert every["total"] == 8 and sorted(h["minutes"] for h in every["hits"]) == list(range(1, 9))
    assert cli.json(*lib, "search", "minutes:<3", "--json")["total"] == 2
    assert {h["id"] for h in cli.json(*lib, "search", "minutes:>=7", "--json")["hits"]} == {"m7.md", "m8.md"}
    cli(*lib, "notes", "add", "m4.md", "Check the dates.")
    noted = cli.json(*lib, "search", "has:notes", "--json")
    assert [h["id"] for h in noted["hits"]] == ["m4.md"]
    assert cli.json(*lib, "search", "is:unread -has:notes minutes:2..5", "--json")["total"] == 3
