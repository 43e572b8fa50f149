"""Saved searches: queries kept under a name, in the reader's order, in the data folder
(saved-searches.json, shared by every library there).

The file is the user's settings, not a cache: it is written whole and atomically, and a
file that cannot be read is never overwritten but set aside (renamed, with the time) and
said so, the built-in searches standing in until the reader saves again. ``@name`` in a
query stands for the saved search of that name (case, spaces and dashes ignored).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from reader.storage import write_atomically

FILE_NAME = "saved-searches.json"
FORMAT = 1
MAX_NAME = 80


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str


BUILT_IN = (
    SavedSearch("Unread", "is:unread"),
    SavedSearch("Annotated", "has:notes"),
    SavedSearch("Edited since annotated", "is:edited"),
)


class SavedSearchError(Exception):
    """A change that cannot be made (an unknown name, a name taken, a disk that refuses)."""


def name_key(name: str) -> str:
    """What two names must share to be the same: 'Edited since annotated' is @edited-since-annotated."""
    return re.sub(r"[\W_]+", "", name.casefold())


_REFERENCE = re.compile(r"(?<![\w@])@([\w-]+)")


class SavedSearches:
    def __init__(self, data: Path):
        self.path = data / FILE_NAME
        self.problem: str | None = None  # what happened to a damaged file, to tell the reader once
        self._seen: tuple[int, int] | None = None
        self.items: list[SavedSearch] = self._load()

    # ------------------------------------------------------------ reading

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
            return st.st_mtime_ns, st.st_size
        except OSError:
            return None

    def _load(self) -> list[SavedSearch]:
        self._seen = self._stamp()
        if self._seen is None:
            return list(BUILT_IN)
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
            return [SavedSearch(_checked_name(i["name"]), _checked_query(i["query"])) for i in payload["searches"]]
        except OSError as exc:
            self.problem = f"The saved searches could not be read ({exc.strerror or exc}); showing the built-in ones."
            return list(BUILT_IN)
        except (ValueError, TypeError, KeyError, AttributeError, SavedSearchError):
            return self._set_aside()

    def _set_aside(self) -> list[SavedSearch]:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.stem}.damaged-{stamp}.json")
        try:
            self.path.rename(aside)
            self.problem = (f"The saved searches file was damaged: it was set aside as {aside.name} "
                            "and the built-in searches are back.")
        except OSError:
            self.problem = "The saved searches file is damaged; showing the built-in searches."
        self._seen = self._stamp()
        return list(BUILT_IN)

    def reload_if_changed(self) -> None:
        """Read the file again if another thread or process has saved it since."""
        if self._stamp() != self._seen:
            self.items = self._load()

    def find(self, name: str) -> SavedSearch | None:
        key = name_key(name)
        return next((s for s in self.items if name_key(s.name) == key), None) if key else None

    def expanded(self, text: str) -> str:
        """The query with each @name replaced by its saved query (one level: a saved query's
        own @names stay as words, so two searches naming each other cannot loop)."""
        whole = text.strip()
        if whole.startswith("@") and (found := self.find(whole[1:])):
            return found.query
        return _REFERENCE.sub(lambda m: f"({s.query})" if (s := self.find(m.group(1))) else m.group(0), text)

    # ------------------------------------------------------------ changing

    def add(self, name: str, query: str) -> SavedSearch:
        """Save a query under a name; a search of that name already there keeps its name and
        place and takes the new query."""
        saved = SavedSearch(_checked_name(name), _checked_query(query))
        existing = self.find(saved.name)
        if existing:
            saved = SavedSearch(existing.name, saved.query)
        items = [saved if s is existing else s for s in self.items] if existing else [*self.items, saved]
        self._save(items)
        return saved

    def rename(self, name: str, new_name: str) -> SavedSearch:
        existing = self._existing(name)
        new_name = _checked_name(new_name)
        taken = self.find(new_name)
        if taken is not None and taken is not existing:
            raise SavedSearchError(f"there is already a saved search named {taken.name!r}")
        renamed = SavedSearch(new_name, existing.query)
        self._save([renamed if s is existing else s for s in self.items])
        return renamed

    def delete(self, name: str) -> SavedSearch:
        existing = self._existing(name)
        self._save([s for s in self.items if s is not existing])
        return existing

    def move(self, name: str, position: int) -> None:
        """Put a saved search at a place in the order (0 is the top)."""
        existing = self._existing(name)
        items = [s for s in self.items if s is not existing]
        items.insert(max(0, min(position, len(items))), existing)
        self._save(items)

    def replace_all(self, items: list[SavedSearch]) -> None:
        """The whole list, as another machine has it (reader.sync)."""
        self._save(list(items))

    def _existing(self, name: str) -> SavedSearch:
        found = self.find(name)
        if found is None:
            raise SavedSearchError(f"no saved search named {name!r}")
        return found

    def _save(self, items: list[SavedSearch]) -> None:
        payload = {"format": FORMAT, "searches": [{"name": s.name, "query": s.query} for s in items]}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        except OSError as exc:
            raise SavedSearchError(f"cannot save the searches in {self.path.parent}: {exc.strerror or exc}") from None
        self.items = items
        self._seen = self._stamp()


def _checked_name(name) -> str:
    name = " ".join(str(name).split()) if isinstance(name, str) else ""
    if not name_key(name):
        raise SavedSearchError("a saved search needs a name with a letter or digit in it")
    if len(name) > MAX_NAME:
        raise SavedSearchError(f"a saved search's name is at most {MAX_NAME} characters")
    return name


def _checked_query(query) -> str:
    query = query.strip() if isinstance(query, str) else ""
    if not query:
        raise SavedSearchError("a saved search needs a query")
    return query
