"""What the reader has read, where they stopped in each article, and which PDFs they read
as text (per library)."""

from __future__ import annotations

import json
from pathlib import Path

from reader.locations import library_state_dir
from reader.storage import write_atomically


class ReadingState:
    def __init__(self, path: Path):
        self.path = path
        self.read: set[str] = set()
        self.positions: dict[str, float] = {}
        self.text_mode: set[str] = set()  # PDFs read as their text (View → Text) rather than their pages
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.read = {str(i) for i in data.get("read", [])}
            self.positions = {str(k): float(v) for k, v in data.get("positions", {}).items()}
            self.text_mode = {str(i) for i in data.get("text_mode", [])}
        except (OSError, ValueError, TypeError, AttributeError):
            pass  # a lost reading state is a small loss; never a reason to fail

    @classmethod
    def of_library(cls, data: Path, root: Path) -> "ReadingState":
        """The reading state of the library at root, kept in its folder of the data folder."""
        return cls(library_state_dir(data, root) / "reading.json")

    def save(self) -> None:
        payload = {"read": sorted(self.read), "positions": self.positions, "text_mode": sorted(self.text_mode)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(payload).encode("utf-8"))
        except OSError:
            pass
