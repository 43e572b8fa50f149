"""What travels, as registers: one value per key, the latest (by the hybrid logical clock)
winning. A note is four registers — `note:<uid>` (what it was made as, once: its article,
passage, time and origin), `text:<uid>` (its comment), `trash:<uid>` (in the trash or not),
`color:<uid>` — so that an edit on one machine and a deletion on another both hold. Then the
reader's tags (`tag:<article>\\t<key>`), read marks (`read:<article>`), reading positions
(`pos:<article>`) and the saved searches (`searches`). This module reads the local stores as
registers and writes registers back into them."""

from __future__ import annotations

import json
from collections.abc import Iterable

from reader.notes.reading import ReadingState
from reader.notes.store import NotesStore
from reader.search.saved_searches import SavedSearch, SavedSearches

Values = dict[str, object]


def canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def same(key: str, local, registered) -> bool:
    """Whether a local value is the one registered (a note's text by its words only)."""
    if key.startswith("text:") and isinstance(local, dict) and isinstance(registered, dict):
        return local.get("text") == registered.get("text")
    return canonical(local) == canonical(registered)


def local_values(store: NotesStore, library: str, reading: ReadingState, searches: SavedSearches) -> Values:
    values: Values = {}
    for (uid, article, article_hash, title, text, created, updated, deleted, made_on, exact, prefix, suffix,
         position, color, origin, origin_seq) in store.db.execute(
            "SELECT uid, article, article_hash, article_title, text, created, updated, deleted, made_on, quote_exact,"
            " quote_prefix, quote_suffix, position, color, origin, origin_seq FROM notes WHERE library=?", (library,)):
        values[f"note:{uid}"] = {"article": article, "hash": article_hash, "title": title, "created": created,
                                 "made_on": made_on, "quote": [exact, prefix, suffix] if exact else None,
                                 "position": position, "origin": origin, "seq": origin_seq}
        values[f"text:{uid}"] = {"text": text, "updated": updated}
        values[f"trash:{uid}"] = deleted
        if exact:
            values[f"color:{uid}"] = color
    for article, key, tag, hidden, created in store.db.execute(
            "SELECT article, key, tag, hidden, created FROM own_tags WHERE library=?", (library,)):
        values[f"tag:{article}\t{key}"] = {"tag": tag, "hidden": bool(hidden), "created": created}
    values.update({f"read:{article}": True for article in reading.read})
    values.update({f"pos:{article}": round(fraction, 4) for article, fraction in reading.positions.items()})
    values["searches"] = searches_value(searches)
    return values


def searches_value(searches: SavedSearches) -> list[list[str]]:
    return [[s.name, s.query] for s in searches.items]


def absent_value(key: str):
    """A key registered but no longer here: a read mark taken off, a tag removed. Notes never
    go (a deleted note is in the trash: its own register); a position stays."""
    if key.startswith("read:"):
        return False
    if key.startswith("tag:"):
        return None
    return ...  # nothing to send


def apply_notes(store: NotesStore, library: str, uids: Iterable[str], registers: dict[str, tuple[object, str]]) -> set[str]:
    """Make the local notes what the registers say (inside the caller's transaction); returns
    the articles whose notes changed (to re-index)."""
    changed: set[str] = set()
    for uid in sorted(set(uids)):
        made = registers.get(f"note:{uid}", (None, ""))[0]
        if not isinstance(made, dict):
            continue  # its text arrived before it: kept registered, applied when it comes
        text = registers.get(f"text:{uid}", ({"text": "", "updated": made["created"]}, ""))[0] or {}
        deleted = registers.get(f"trash:{uid}", (None, ""))[0]
        color = registers.get(f"color:{uid}", (None, ""))[0]
        row = store.db.execute("SELECT text, deleted, color, article FROM notes WHERE uid=?", (uid,)).fetchone()
        body, updated = str(text.get("text", "")), str(text.get("updated") or made["created"])
        quote = made.get("quote")
        if row is None:
            store.db.execute(
                "INSERT INTO notes(uid, library, article, article_hash, article_title, text, created, updated, made_on,"
                " quote_exact, quote_prefix, quote_suffix, position, color, deleted, origin, origin_seq)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (uid, library, made["article"], made["hash"], made["title"], body, made["created"], updated,
                 made.get("made_on") or made["hash"], *(quote or (None, "", "")), made.get("position"),
                 (color or "yellow") if quote else None, deleted, made.get("origin") or "", made.get("seq")))
            changed.add(made["article"])
        elif (row[0], row[1], row[2]) != (body, deleted, color if quote else row[2]):
            store.db.execute("UPDATE notes SET text=?, updated=?, deleted=?, color=? WHERE uid=?",
                             (body, updated, deleted, (color or row[2]) if quote else None, uid))
            changed.add(row[3])
    return changed


def apply_tags(store: NotesStore, library: str, values: dict[str, object]) -> set[str]:
    changed = set()
    for key, value in values.items():
        article, _, tag_key = key[len("tag:"):].partition("\t")
        if isinstance(value, dict):
            store.db.execute("INSERT OR REPLACE INTO own_tags VALUES (?,?,?,?,?,?,?)",
                             (library, article, "", tag_key, str(value.get("tag") or tag_key),
                              int(bool(value.get("hidden"))), str(value.get("created") or "")))
        else:
            store.db.execute("DELETE FROM own_tags WHERE library=? AND article=? AND key=?", (library, article, tag_key))
        changed.add(article)
    return changed


def apply_reading(reading: ReadingState, values: dict[str, object]) -> None:
    if not values:
        return
    for key, value in values.items():
        kind, _, article = key.partition(":")
        if kind == "read":
            (reading.read.add if value else reading.read.discard)(article)
        elif kind == "pos" and isinstance(value, (int, float)):
            reading.positions[article] = float(value)
    reading.save()


def apply_searches(searches: SavedSearches, value) -> None:
    if isinstance(value, list):
        items = [SavedSearch(str(n), str(q)) for n, q in value if str(n).strip() and str(q).strip()]
        searches.replace_all(items)
