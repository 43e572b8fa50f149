"""Two processes on one data directory, and an indexer killed in the middle."""

import json
import signal
import subprocess
import time

import pytest
from conftest import CORPORA


def start(cli, *args):
    return subprocess.Popen([cli.exe, *map(str, args)], env=cli.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_two_indexers_at_once_on_a_fresh_data_dir_both_succeed(cli, sample_copy):
    runs = [start(cli, "--library", sample_copy, "index", "--json") for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    assert all("Traceback" not in err for _, err in outputs)
    reports = [json.loads(out) for out, _ in outputs]
    assert sorted(r["added"] for r in reports) == [0, 21]  # one built it, the other found it done
    assert cli.json("--library", sample_copy, "search", "drills", "--json")["total"] == 1


def test_searches_during_an_update_read_the_last_committed_state(cli, sample_copy):
    cli("--library", sample_copy, "index")
    (sample_copy / "food" / "extra.md").write_text("# Extra\n\nmarmalade again\n", encoding="utf-8")
    indexer = start(cli, "--library", sample_copy, "index", "--rebuild")
    totals = set()
    while indexer.poll() is None:
        proc = cli("--library", sample_copy, "search", "marmalade", "--json", check=None)
        assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr
        if proc.returncode == 0:
            totals.add(json.loads(proc.stdout)["total"])
    assert indexer.returncode == 0
    assert totals <= {0, 1, 2}
    assert cli.json("--library", sample_copy, "search", "marmalade", "--json")["total"] == 2


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")
def test_an_indexer_killed_mid_build_leaves_no_stale_lock_and_the_next_run_finishes(cli, data):
    killed = start(cli, "--library", CORPORA, "index")
    time.sleep(3)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    started = time.monotonic()
    report = cli.json("--library", CORPORA, "index", "--json", timeout=300)
    assert time.monotonic() - started < 240
    assert report["added"] + report["unchanged"] == 857
    assert cli.json("--library", CORPORA, "search", "ferrocene", "--json")["total"] == 11


def test_many_processes_opening_a_fresh_notes_store_at_once_all_succeed(tmp_path):
    import sys

    go = tmp_path / "go"
    code = ("import sys, time, pathlib\n"
            "from reader.notes.store import NotesStore\n"
            "go = pathlib.Path(sys.argv[2])\n"
            "while not go.exists(): time.sleep(0.001)\n"
            "store = NotesStore.open(pathlib.Path(sys.argv[1]))\n"
            "store.add('/lib', 'a.md', 'h', 'A', 'hello from ' + sys.argv[3])\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "data"), str(go), str(i)],
                              stderr=subprocess.PIPE, text=True) for i in range(8)]
    time.sleep(1.0)  # all started and waiting
    go.touch()
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    from reader.notes.store import NotesStore
    assert len(NotesStore.open(tmp_path / "data").all_notes()) == 8
