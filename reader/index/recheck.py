"""The window's re-check, in a child process: whether the library has changes its index
has not taken (reader.index.index.Index.pending). Scanning 10,000 files and comparing them
with the catalog is ~0.35 s of Python; in the window's process it held the interpreter
against the first searches typed at launch, and nearly always found nothing to do.

    python -m reader.index.recheck LIBRARY DATA   ->   {"pending": bool, "skipped": int}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader.index.index import Index


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    index = Index(Path(argv[0]), Path(argv[1]))
    try:
        pending, skipped = index.pending()
    finally:
        index.close()
    print(json.dumps({"pending": pending, "skipped": skipped}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
