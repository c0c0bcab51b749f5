"""The knowledge store on real LadybugDB and SQLite files: module scoping, versions, crash repair, the lock."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from doorman.boundary import Sanitiser
from doorman.boundary.vault import VaultEntry
from doorman.core.errors import DocumentNotFound, KnowledgeUnavailable
from doorman.knowledge.ingest import Candidate, Ingest
from doorman.knowledge.retrieve import retrieve
from doorman.knowledge.samples import write_pdf
from doorman.knowledge.store import KeptReader, KnowledgeStore


class Quiet:
    def file_started(self, path, size): pass
    def page_done(self): pass
    def file_done(self, outcome): pass


def ingest(store: KnowledgeStore, module: str, *paths: Path, vault=()):
    return Ingest(store, module, Sanitiser(list(vault)), Quiet()).run([Candidate(p, named=True) for p in paths])


def harbour_notes(folder: Path, owner: str, fee: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "harbour.md"
    path.write_text(f"# Harbour\n\nThe harbour fee is {fee} per day.\n\n## Owners\n\n"
                    f"The vessel Halcyon belongs to {owner}.\n\nIt sails from Rotterdam.\n")
    return path


def search_ids(store: KnowledgeStore, module: str, question: str) -> list[str]:
    with store.reader() as reader:
        return [p.text for p in retrieve(reader, module, question, 1500)]


def test_no_look_up_reaches_another_modules_documents(tmp_path):
    store = KnowledgeStore(tmp_path / "knowledge")
    vault_a = [VaultEntry("Northwind Maritime", "CLIENT")]
    ingest(store, "alpha", harbour_notes(tmp_path / "a", "Northwind Maritime", "120 EUR"), vault=vault_a)
    ingest(store, "beta", harbour_notes(tmp_path / "b", "Southwind Shipping", "95 EUR"))

    alpha = search_ids(store, "alpha", "Who owns the vessel Halcyon? What is the harbour fee?")
    beta = search_ids(store, "beta", "Who owns the vessel Halcyon? What is the harbour fee?")
    assert alpha and beta
    assert all("Southwind" not in t and "95 EUR" not in t for t in alpha)
    assert all("Northwind" not in t and "120 EUR" not in t for t in beta)
    with store.reader() as reader:
        beta_chunks = [h.chunk_id for h in reader.search("beta", "Halcyon harbour", 10)]
        assert beta_chunks and reader.graph.neighbours("alpha", beta_chunks) == []
        assert reader.search("gamma", "Halcyon harbour", 10) == []
        assert {m[1] for m in reader.graph.mentions_of("alpha", "northwind")} == {"Northwind Maritime"}
        assert reader.graph.mentions_of("beta", "northwind") == []
        assert [d.name for d in reader.documents("beta")] == ["harbour.md"]
        with pytest.raises(DocumentNotFound):
            reader.find("gamma", "harbour.md")
    with store.writer() as writer:
        writer.remove("alpha", "harbour.md")
    assert search_ids(store, "alpha", "Halcyon") == []
    assert any("Southwind" in t for t in search_ids(store, "beta", "Halcyon"))


def test_an_unchanged_file_is_a_no_op_and_a_changed_one_replaces_its_old_version(tmp_path):
    store = KnowledgeStore(tmp_path / "knowledge")
    notes = harbour_notes(tmp_path / "docs", "Northwind Maritime", "120 EUR")
    assert [o.status for o in ingest(store, "alpha", notes)] == ["ingested"]
    assert [o.status for o in ingest(store, "alpha", notes)] == ["unchanged"]
    harbour_notes(tmp_path / "docs", "Eastwind Lines", "140 EUR")
    assert [o.status for o in ingest(store, "alpha", notes)] == ["ingested"]
    texts = search_ids(store, "alpha", "harbour fee vessel Halcyon")
    assert any("140 EUR" in t for t in texts) and not any("120 EUR" in t for t in texts)
    with store.reader() as reader:
        assert len(reader.documents("alpha")) == 1
        assert reader.graph.rows("MATCH (d:Document) RETURN count(d)") == [[1]]
        assert reader.graph.mentions_of("alpha", "Northwind") == []  # the old version's entities went with it


def test_retrieval_widens_a_hit_to_its_neighbours_in_the_same_section_only(tmp_path):
    store = KnowledgeStore(tmp_path / "knowledge")
    pages = [[f"Clause {i}: the tenant pays {i} hundred for item {i}."] * 30 for i in range(4)]
    pdf = write_pdf(tmp_path / "lease.pdf", pages, outline=[("Rent", 0), ("Repairs", 2)])
    ingest(store, "alpha", pdf)
    with store.reader() as reader:
        hit = reader.search("alpha", "Clause 1 tenant pays 1 hundred", 1)[0]
        passage = retrieve(reader, "alpha", "Clause 1 tenant pays 1 hundred", 1500, top_k=1)[0]
    assert hit.chunk_id in passage.chunk_ids and len(passage.chunk_ids) > 1
    assert passage.section == "Rent" and "Clause 2" not in passage.text  # page 3 starts "Repairs"
    assert passage.source.startswith("lease.pdf, p")


def _crash_script(home: Path, doc: Path, point: str) -> str:
    return textwrap.dedent(f"""
        import os
        from pathlib import Path
        from doorman.boundary import Sanitiser
        from doorman.knowledge import store as store_module
        from doorman.knowledge.ingest import Candidate, Ingest

        class Quiet:
            def file_started(self, path, size): pass
            def page_done(self): pass
            def file_done(self, outcome): pass

        point = {point!r}
        if point == "after_graph":  # the graph holds the new version, the catalog has not promoted it
            real = store_module.Writer.put
            def put(self, version):
                original = self.catalog.promote
                self.catalog.promote = lambda *a: os._exit(9)
                real(self, version)
            store_module.Writer.put = put
        else:  # the catalog staged it, the graph never got it
            real_add = store_module.Graph.add
            store_module.Graph.add = lambda self, document, scratch: os._exit(9)
        store = store_module.KnowledgeStore(Path({str(home)!r}))
        Ingest(store, "alpha", Sanitiser(), Quiet()).run([Candidate(Path({str(doc)!r}), named=True)])
    """)


@pytest.mark.parametrize("point", ["after_graph", "before_graph"])
def test_a_crash_mid_ingest_leaves_the_old_version_readable_and_the_next_run_repairs(tmp_path, point):
    store = KnowledgeStore(tmp_path / "knowledge")
    notes = harbour_notes(tmp_path / "docs", "Northwind Maritime", "120 EUR")
    ingest(store, "alpha", notes)
    harbour_notes(tmp_path / "docs", "Eastwind Lines", "140 EUR")
    crashed = subprocess.run([sys.executable, "-c", _crash_script(store.folder, notes, point)],
                             capture_output=True, text=True, timeout=120)
    assert crashed.returncode == 9, crashed.stderr

    texts = search_ids(store, "alpha", "harbour fee")  # readers see the old version, whole
    assert any("120 EUR" in t for t in texts) and not any("140 EUR" in t for t in texts)

    outcome = ingest(store, "alpha", notes)  # the next writer reconciles, then ingests
    assert [o.status for o in outcome] == (["unchanged"] if point == "after_graph" else ["ingested"])
    texts = search_ids(store, "alpha", "harbour fee")
    assert any("140 EUR" in t for t in texts) and not any("120 EUR" in t for t in texts)
    with store.reader() as reader:
        assert len(reader.documents("alpha")) == 1
        assert reader.catalog.unsettled() == []
        assert reader.graph.rows("MATCH (d:Document) RETURN count(d)") == [[1]]
        chunks = reader.graph.rows("MATCH (c:Chunk) RETURN count(c)")[0][0]
        assert chunks == reader.catalog.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]


def test_ingest_waits_for_another_writer_with_a_clear_message(tmp_path, home):
    store = KnowledgeStore(home / "knowledge")
    notes = harbour_notes(tmp_path / "docs", "Northwind Maritime", "120 EUR")
    with store.writer():
        process = subprocess.Popen(
            [sys.executable, "-m", "doorman", "--home", str(home), "ingest", str(notes), "--module", "demo", "--json"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        # Held until the command says it waits, however slowly it starts on a busy machine.
        said = process.stderr.readline()
    stdout, rest = process.communicate(timeout=180)
    assert process.returncode == 0, said + rest
    assert "waiting for the knowledge store: doorman process" in said
    assert '"ingested": 1' in stdout


def test_a_reader_waits_out_a_writer_and_gives_up_clearly_past_its_wait(tmp_path):
    store = KnowledgeStore(tmp_path / "knowledge")
    ingest(store, "alpha", harbour_notes(tmp_path / "docs", "Northwind Maritime", "120 EUR"))
    with store.writer():
        with pytest.raises(KnowledgeUnavailable, match="busy"):
            with store.reader(timeout_s=0.3):
                pass
    with store.reader(timeout_s=0.3) as reader:
        assert reader.documents("alpha")


def test_a_reader_kept_open_by_serve_lets_ingest_in_and_then_sees_the_new_version(tmp_path, home):
    store = KnowledgeStore(home / "knowledge")
    notes = harbour_notes(tmp_path / "docs", "Northwind Maritime", "120 EUR")
    ingest(store, "demo", notes)
    kept = KeptReader(store, idle_s=60)  # idle long: only the writer's note can make it let go
    with kept.reader() as reader:
        assert any("120 EUR" in p.text for p in retrieve(reader, "demo", "harbour fee", 1500))

    harbour_notes(tmp_path / "docs", "Eastwind Lines", "140 EUR")
    env = {k: v for k, v in os.environ.items() if k != "DOORMAN_HOME"}
    writer = subprocess.Popen([sys.executable, "-m", "doorman", "--home", str(home), "ingest", str(notes),
                               "--module", "demo"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not store.lock.intent.exists() and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert store.lock.intent.exists(), "the writer never had to wait for the kept reader"
    with kept.reader() as reader:  # sees the writer waiting: lets go, waits for the commit, reopens
        texts = [p.text for p in retrieve(reader, "demo", "harbour fee", 1500)]
    _, err = writer.communicate(timeout=60)
    kept.close()
    assert writer.returncode == 0, err
    assert any("140 EUR" in t for t in texts) and not any("120 EUR" in t for t in texts)
