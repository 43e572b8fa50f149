"""Related articles through the engine on real files: by shared distinctive terms, never the
article itself or a replaced copy of another, nearer in time first among equals."""

import os

from conftest import write

from reader.library.scanning import library_root
from reader.service import ReaderService

TOPICS = {
    "tides": "tide harbour estuary barrier flood surge moon",
    "bread": "flour yeast dough oven crust knead rye",
    "chess": "opening gambit endgame rook bishop pawn checkmate",
}


def test_related_articles_share_the_article_s_subject(library, data):
    for topic, words in TOPICS.items():
        for n in range(4):
            write(library, f"{topic}/{n}.md", f"---\ntitle: {topic.title()} notes {n}\ndate: 2024-0{n + 1}-01\n---\n"
                                              + f"{words} " * (5 + n) + "and some ordinary words in between.\n")
    svc = ReaderService(library_root(library), data)
    try:
        svc.update()
        related = svc.related("tides/0.md")
        assert [r.id.split("/")[0] for r in related[:3]] == ["tides"] * 3
        assert "tides/0.md" not in {r.id for r in related}
        # Nearer in time first among articles alike: tides/1 (a month on) before tides/3.
        ids = [r.id for r in related]
        assert ids.index("tides/1.md") < ids.index("tides/3.md")
        # An article changed since (its old copy deleted inside a segment) is still there once.
        path = library / "tides/2.md"
        path.write_text(path.read_text() + "More about the tide.\n")
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
        svc.update()
        again = [r.id for r in svc.related("tides/0.md")]
        assert again.count("tides/2.md") == 1 and len(again) == len(set(again))
        assert svc.related("bread/1.md", limit=2)[0].id.startswith("bread/")
        assert svc.related("missing.md") == []
    finally:
        svc.close()
