"""The CSV exports' tables: rows read safely, and each row as a record by column name."""

from __future__ import annotations

import csv
import io

from reader.exchange.items import ExportError


def rows_of(text: str, delimiter: str) -> list[list[str]]:
    try:
        rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise ExportError(f"a damaged CSV ({exc})") from None
    if not rows:
        raise ExportError("the file has no rows")
    return rows


def records(rows: list[list[str]], needed: tuple[str, ...], what: str) -> list[dict[str, str]]:
    """Each row after the header as {lower-cased column name: value}; ExportError naming
    the columns missing."""
    names = [c.strip().lower() for c in rows[0]]
    missing = [name for name in needed if name.lower() not in names]
    if missing:
        raise ExportError(f"{what} needs the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                          f"(it has {', '.join(c.strip() for c in rows[0])})")
    return [{name: (row[n].strip() if n < len(row) else "") for n, name in enumerate(names)} for row in rows[1:]]
