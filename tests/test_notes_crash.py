"""SIGKILL in the middle of note writes, 20 times: nothing acknowledged is lost."""

import json
import subprocess
import sys

from conftest import REPO


def test_sigkill_during_a_burst_of_note_writes_loses_nothing():
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "notes_crash.py"), "--runs", "20", "--json"],
                          capture_output=True, text=True, timeout=180)
    result = json.loads(proc.stdout)
    assert result["path"] == "engine" and result["runs"] == 20 and result["acked"] > 200 and result["highlights"] > 50
    assert result["lost"] == 0 and result["integrity_failures"] == 0
    assert proc.returncode == 0


def test_sigkill_while_comments_and_highlights_are_saved_in_the_window_loses_nothing():
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "notes_crash.py"), "--runs", "20", "--gui", "--json"],
                          capture_output=True, text=True, timeout=400)
    result = json.loads(proc.stdout)
    assert result["path"] == "window" and result["runs"] == 20 and result["acked"] > 40 and result["highlights"] > 5, result
    assert result["lost"] == 0 and result["integrity_failures"] == 0
    assert proc.returncode == 0
