#!/usr/bin/env python3
"""The library of trouble, indexed through the installed command: bounded time and memory.

Builds the same library of hostile and broken files the tests use, but with a real
50 MB file (CI uses a sparse 9 MB one), indexes it with `article-reader index` in a
fresh process and reports wall time, peak memory and what was skipped and why.
Exits 1 if a good file is missing or a bad one was not skipped with its reason.

    .venv/bin/python bench/trouble.py              # 50 MB file
    .venv/bin/python bench/trouble.py --huge-mb 200
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOOD = {
    "good.md": "# Good Article\n\nA perfectly ordinary zebrafish story.\n",
    "legacy.txt": "Caf\xe9 cr\xe8me in an old code page: quokka".encode("cp1252"),
    "utf16.md": "# UTF-16\n\nWide characters: wombat é".encode("utf-16"),
    "invalid-utf8.md": b"Mostly fine text about narwhals \xff\xfe broken bytes in the middle.",
    "long-line.md": ("axolotl " + "word " * 210_000).encode(),  # a 1 MB single line
    "deep-list.md": ("- " * 10_000 + "pangolin\n").encode(),
    "deep-quote.md": (">" * 10_000 + " capybara\n").encode(),
    "brackets.md": ("[" * 16_000 + " ocelot").encode(),
    "laughs.md": ("---\n" + "\n".join(
        [f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]" if i else 'a: &a ["lol"]'
         for i in range(10)]) + "\ntags: *j\n---\nBody of the laughing okapi.\n").encode(),
    "unsafe-yaml.md": b"---\ntitle: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\nTapir body.\n",
    "weird\nname.md": b"A file whose name has a newline: tarsier.\n",
    "html.md": b"<script>alert(1)</script><iframe src='http://127.0.0.1:9/'></iframe>\n\nGecko text.\n",
}
# name: (bytes, or None for the huge file; the reason it must be skipped for)
BAD = {
    "binary.md": (bytes(range(256)) * 8, "binary"),
    "nul.md": (b"text with \x00 NUL bytes inside", "binary"),
    "empty.md": (b"", "empty"),
    "blank.md": (b"   \n\n  ", "empty"),
    "huge.md": (None, "larger than"),
}
GOOD_WORDS = ("zebrafish", "quokka", "wombat", "narwhals", "axolotl", "pangolin", "capybara", "ocelot",
              "okapi", "tapir", "tarsier", "gecko", "gibbon")


def make_trouble(root: Path, huge_mb: int = 9, sparse: bool = True) -> Path:
    """The library of trouble below root/trouble, and a file it links to beside it."""
    library = root / "trouble"
    library.mkdir(parents=True)
    for name, text in GOOD.items():
        (library / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    for name, (data, _) in BAD.items():
        if data is not None:
            (library / name).write_bytes(data)
        elif sparse:
            with open(library / name, "wb") as handle:
                handle.truncate(huge_mb * 1024 * 1024)
        else:
            line = b"A very long article about nothing in particular, said again and again.\n"
            with open(library / name, "wb") as handle:
                for _ in range(huge_mb * 1024 * 1024 // len(line) + 1):
                    handle.write(line)
    os.mkfifo(library / "fifo.md")
    os.symlink(library, library / "loop")  # a symlink loop
    outside = root / "outside.md"
    outside.write_text("Linked from outside the library: gibbon.\n")
    os.symlink(outside, library / "linked-outside.md")
    os.symlink(library / "nowhere.md", library / "dangling.md")
    os.close(os.open(os.fsencode(library) + b"/caf\xe9-latin1-name.md", os.O_CREAT | os.O_WRONLY))
    return library


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--huge-mb", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        library = make_trouble(Path(tmp), args.huge_mb, sparse=False)
        cmd = [sys.executable, "-m", "reader", "--data-dir", str(Path(tmp) / "data"), "--library", str(library),
               "index", "--json"]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate(timeout=600)
        wall = time.perf_counter() - started
        peak = _peak_children_mib()
        if proc.returncode != 0:
            print(f"index failed ({proc.returncode}): {err.decode()[-500:]}", file=sys.stderr)
            return 1
        report = json.loads(out)
        skipped = {s["path"]: s["reason"] for s in report["skipped"]}
        problems = [name for name, (_, reason) in BAD.items() if reason not in skipped.get(name, "")]
        if report["added"] != len(GOOD) + 1:
            problems.append(f"{report['added']} indexed, expected {len(GOOD) + 1}")
    print(f"library of trouble with a {args.huge_mb} MB file: {report['added']} indexed, {len(skipped)} skipped, "
          f"{wall:.2f} s, peak memory {peak:.0f} MiB")
    for name, reason in sorted(skipped.items()):
        print(f"  skipped {name!r}: {reason}")
    if problems:
        print(f"PROBLEMS: {problems}", file=sys.stderr)
    return 1 if problems else 0


def _peak_children_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
