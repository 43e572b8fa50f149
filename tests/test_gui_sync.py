"""A note made on another machine (another data folder) appears in the open window through
the sync folder, and one posted in the window reaches the other machine."""

import shutil

from conftest import SAMPLE, Cli
from PySide6.QtWidgets import QLabel, QListWidget, QMenu
from qt_helpers import SAMPLE_ROWS, comments, find, leave_comment, open_window

DRILLS = "world/japan-us-drills-near-russia.md"


def test_notes_travel_both_ways_between_the_window_and_another_machine(qtbot, tmp_path):
    folder = tmp_path / "Sync"
    folder.mkdir()
    machines = {}
    for name in ("desk", "laptop"):
        library, data, home = tmp_path / f"library-{name}", tmp_path / f"data-{name}", tmp_path / f"home-{name}"
        shutil.copytree(SAMPLE, library)
        data.mkdir()
        home.mkdir()
        cli = Cli(data, home)
        cli("--library", library, "sync", "--folder", folder)
        machines[name] = (library, data, cli)
    desk_library, desk_data, _ = machines["desk"]
    laptop_library, _, laptop = machines["laptop"]

    window = open_window(qtbot, desk_library, desk_data, rows=SAMPLE_ROWS)
    try:
        window.open_article(DRILLS)
        status = find(window, QLabel, "syncStatus")
        qtbot.waitUntil(lambda: status.text().startswith("Synced"), timeout=10_000)

        laptop("--library", laptop_library, "notes", "add", DRILLS, "Written on the laptop.")
        laptop("--library", laptop_library, "sync")
        qtbot.waitUntil(lambda: any("Written on the laptop." in c for c in comments(window)), timeout=15_000)

        leave_comment(qtbot, window, "Answered at the desk.")

        def arrived() -> bool:
            laptop("--library", laptop_library, "sync")
            listed = laptop.json("--library", laptop_library, "notes", "list", DRILLS, "--json")
            return "Answered at the desk." in [n["text"] for n in listed]

        qtbot.waitUntil(arrived, timeout=20_000)

        # The laptop's note edited on both machines at once: the later text shows, the other is kept.
        desk_cli = Cli(desk_data, tmp_path / "home-desk")
        [desk_note] = [n for n in desk_cli.json("--library", desk_library, "notes", "list", DRILLS, "--json")
                       if n["text"] == "Written on the laptop."]
        [laptop_note] = [n for n in laptop.json("--library", laptop_library, "notes", "list", DRILLS, "--json")
                         if n["text"] == "Written on the laptop."]
        desk_cli("--library", desk_library, "notes", "edit", str(desk_note["id"]), "Desk's wording.")
        laptop("--library", laptop_library, "notes", "edit", str(laptop_note["id"]), "Laptop's wording, later.")
        laptop("--library", laptop_library, "sync")
        window.sync.sync_now()
        view = find(window, QListWidget, "commentsList")

        def row_of(text):
            return next((view.item(r) for r in range(view.count()) if view.item(r).text() == text), None)

        qtbot.waitUntil(lambda: row_of("Laptop's wording, later.") is not None, timeout=15_000)
        row = row_of("Laptop's wording, later.")
        assert "Desk's wording." in row.toolTip()
        view.customContextMenuRequested.emit(view.visualItemRect(row).center())  # a right-click on it
        menu = window.findChild(QMenu, "earlierVersionsMenu")
        [restore] = menu.actions()
        restore.trigger()
        qtbot.waitUntil(lambda: row_of("Desk's wording.") is not None, timeout=10_000)
    finally:
        window.close()
