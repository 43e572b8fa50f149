"""The columnar postings (reader.index.columnar) against Whoosh's own W3 codec: the same
documents, the same updates, deletions, merges and an optimize, built both ways; every
query of a mix must give the same hits with the same scores, in the same order, the
same totals and the same did-you-mean."""

import sys

import pytest
from conftest import CORPORA, REPO, write
from whoosh import index as whoosh_index

from reader.index import parallel, writing as index_writing
from reader.index.codec import ColumnarTermsReader
from reader.index.columnar import ArrayMatcher, ColumnarWriter
from reader.index.schema import make_schema
from reader.library.scanning import library_root
from reader.search.searching import LibraryIndex

sys.path.insert(0, str(REPO / "bench"))
import corpus  # noqa: E402  (bench/corpus.py: the benchmark's generated library and query mix)
from differential import answers, differences, stock_writer  # noqa: E402  (the 10k run's own check)


def assert_same(ours: dict, stock: dict) -> None:
    assert ours.keys() == stock.keys()
    assert differences(ours, stock) == []


def build_both(files: list, work, monkeypatch) -> tuple[LibraryIndex, LibraryIndex, list]:
    """Both indexes through the same steps, in this process (the same segments, so the same
    document numbers): half the files; the rest with some edited and some deleted; then
    an optimize that merges every segment and drops the deleted documents."""
    monkeypatch.setattr(parallel, "worker_count", lambda files, per_worker: 1)
    library = work / "library"
    half = len(files) // 2
    for source, rel in files[:half]:
        write(library, rel, source.read_bytes())
    indexes = {}
    for kind, writer in (("columnar", ColumnarWriter), ("stock", stock_writer)):
        monkeypatch.setattr(index_writing, "segment_writer", writer)
        indexes[kind] = LibraryIndex(library_root(library), work / kind)
        indexes[kind].update()
    for source, rel in files[half:]:
        write(library, rel, source.read_bytes())
    for _, rel in files[:half:9]:
        path = library / rel
        path.write_bytes(path.read_bytes() + b"\n\nAn added closing line about releases and state of the art.\n")
    for _, rel in files[1:half:13]:
        (library / rel).unlink()
    steps = []
    for kind, writer in (("columnar", ColumnarWriter), ("stock", stock_writer)):
        monkeypatch.setattr(index_writing, "segment_writer", writer)
        report = indexes[kind].update()
        steps.append((report.added, report.updated, report.removed))
    assert steps[0] == steps[1] and steps[0][1] > 0 and steps[0][2] > 0
    before = {kind: index.searcher().doc_count_all() for kind, index in indexes.items()}
    for kind, writer in (("columnar", ColumnarWriter), ("stock", stock_writer)):
        index = indexes[kind]
        writer(index._ix).commit(optimize=True)
    return indexes["columnar"], indexes["stock"], before


def test_generated_library_and_the_benchmark_mix_match_the_stock_codec(tmp_path, monkeypatch):
    source = corpus.generate(tmp_path / "generated", count=240)
    files = [(p, p.relative_to(source).as_posix()) for p in sorted(source.rglob("*.md"))]
    words = [q for kind, q, _ in corpus.queries() if kind == "word"]
    typos = [w[:2] + w[1:] for w in words[:8]]  # one letter doubled: did-you-mean should answer
    queries = [q for _, q, _ in corpus.queries()] + typos
    columnar, stock, _ = build_both(files, tmp_path, monkeypatch)
    before = answers(columnar, queries)
    assert_same(before, answers(stock, queries))
    assert sum(total for total, *_ in before.values()) > 2000
    assert any(suggestion for *_, suggestion, _ in before.values())


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")
def test_the_real_blogs_match_the_stock_codec(tmp_path, monkeypatch):
    from test_corpora import queries_of_the_blogs

    files = [(p, p.relative_to(CORPORA).as_posix()) for p in sorted(CORPORA.rglob("*")) if p.is_file()]
    columnar, stock, before = build_both(files, tmp_path, monkeypatch)
    assert before["columnar"] == before["stock"]
    queries = queries_of_the_blogs()
    ours = answers(columnar, queries)
    assert_same(ours, answers(stock, queries))
    assert sum(total for total, *_ in ours.values()) > 3000


def test_a_merged_segment_keeps_only_live_documents(tmp_path):
    library = tmp_path / "library"
    for n in range(30):
        write(library, f"a{n:02d}.md", f"# Note {n}\nalpha beta word{n} shared ending\n")
    index = LibraryIndex(library_root(library), tmp_path / "data")
    index.update()
    for n in range(0, 30, 3):
        (library / f"a{n:02d}.md").unlink()
    write(library, "a01.md", "# Note one\ngamma only now\n")
    index.update()
    ColumnarWriter(index._ix).commit(optimize=True)
    reader = index.searcher().reader()
    assert not reader.has_deletions() and reader.doc_count_all() == 20
    ((segment, _),) = reader.leaf_readers()
    assert isinstance(segment._terms, ColumnarTermsReader)
    assert reader.doc_frequency("body", "word0") == 0 and ("body", "word0") not in reader
    assert reader.doc_frequency("body", "alpha") == 19 and reader.doc_frequency("body", "gamma") == 1
    matcher = reader.postings("body", "share")
    assert isinstance(matcher, ArrayMatcher)
    assert len(list(matcher.all_ids())) == 19
    assert matcher.value_as("positions") == [5]  # "Note N alpha beta wordN shared ending"


def test_a_document_that_fails_half_way_leaves_no_postings(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = ColumnarWriter(ix)
    writer.add_document(id="good.md", body="kept words")
    with pytest.raises(ValueError):
        # "body" is indexed before "minutes", whose value cannot be a number
        writer.add_document(id="bad.md", body="lost words", minutes="not a number")
    writer.add_document(id="after.md", body="more words")
    writer.commit()
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert ("body", "lost") not in reader
        assert reader.doc_frequency("body", "word") == 2
        assert [searcher.stored_fields(d)["id"] for d in reader.postings("body", "word").all_ids()] == ["good.md", "after.md"]


def test_checking_an_index_reads_no_columns_and_imports_no_numpy(tmp_path):
    """A launch and every re-check open the index to check it: the codec named in its table
    of contents must not pull in numpy or map the postings."""
    import subprocess

    library = tmp_path / "library"
    write(library, "a.md", "# A\nalpha words\n")
    index = LibraryIndex(library_root(library), tmp_path / "data")
    index.update()
    index.close()
    script = ("import sys; from reader.search.searching import LibraryIndex; from reader.library.scanning import library_root; "
              f"i = LibraryIndex(library_root({str(library)!r}), __import__('pathlib').Path({str(tmp_path / 'data')!r})); "
              "r = i.update(); assert r.unchanged == 1, r; print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_the_query_side_imports_no_numpy_until_a_search_runs(tmp_path):
    """The window imports the query side at launch, before its first paint: numpy (~55 ms to
    import) comes with the first search, which scores whole columns with it."""
    import subprocess

    library = tmp_path / "library"
    write(library, "a.md", "# A\nalpha beta gamma words\n")
    write(library, "b.md", "# B\nbeta alpha words\n")
    LibraryIndex(library_root(library), tmp_path / "data").update()
    script = ("import sys; from pathlib import Path; from reader.search.searching import LibraryIndex; "
              "from reader.library.scanning import library_root; import reader.search.compiler, reader.search.hits; "
              f"i = LibraryIndex(library_root({str(library)!r}), Path({str(tmp_path / 'data')!r})); i.open(); "
              "before = 'numpy' in sys.modules; w = [h.id for h in i.search('alpha').hits]; "
              "p = [h.id for h in i.search('\"alpha beta\"').hits]; print(before, sorted(w), p, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False ['a.md', 'b.md'] ['a.md'] True", out.stderr
