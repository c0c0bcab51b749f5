"""Ingest benchmark on a corpus it writes itself (PDFs of 10 to 500 pages, DOCX, XLSX, Markdown):

- PDF text extraction pages/s, pypdfium2 against pypdf on the same files in the same run;
- MB/s extraction for DOCX, XLSX and Markdown;
- end-to-end `Ingest` docs/s into a real store (extract, chunk, entities, graph + lexical index);
- retrieval latency p50/p99 on a store of 10,000 chunks, each query as `serve` runs it (reader
  opened under the store's lock, BM25, graph expansion, closed);
- peak RSS of a process that loads the embedded model and then ingests the 500-page PDF.

Medians of --runs; PDF extraction runs alternate between the two libraries. One core each.

    .venv/bin/python bench/ingest.py              # about 2-4 minutes on 2 shared cores
    .venv/bin/python bench/ingest.py --runs 1 --queries 100   # a quick look
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from doorman.boundary import Sanitiser
from doorman.knowledge.extract.docx import extract_docx
from doorman.knowledge.extract.markdown import extract_markdown
from doorman.knowledge.extract.pdf import extract_pdf
from doorman.knowledge.extract.xlsx import extract_xlsx
from doorman.knowledge.ingest import Candidate, Ingest
from doorman.knowledge.retrieve import retrieve
from doorman.knowledge.samples import write_docx, write_pdf, write_xlsx
from doorman.knowledge.store import KeptReader, KnowledgeStore

PDF_PAGES = (10, 50, 100, 250, 500)
SYLLABLES = ("ka lo ri ta ne mo su vi da pe ra lu ko mi sa te no ba gu fe hi jo we ze "
             "har bour ves sel ten ant lea se cla use no ti ce pe ri od de po sit").split()


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


WORDS = vocabulary(random.Random(1))
WEIGHTS = [1 / rank for rank in range(1, len(WORDS) + 1)]  # Zipf, as words in real text


def words(rng: random.Random, count: int) -> list[str]:
    return rng.choices(WORDS, WEIGHTS, k=count)


def sentence(rng: random.Random) -> str:
    return f"{' '.join(words(rng, rng.randint(8, 16))).capitalize()} {rng.randint(1, 999)}."


def make_corpus(folder: Path, rng: random.Random) -> dict[str, list[Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    pdfs = []
    for pages in PDF_PAGES:
        text = [[sentence(rng) for _ in range(40)] for _ in range(pages)]
        outline = [(f"Part {i + 1}", i * 10) for i in range(pages // 10)]
        pdfs.append(write_pdf(folder / f"report-{pages}.pdf", text, outline=outline))
    docx = [write_docx(folder / f"memo-{n}.docx", f"Memo {n}",
                       [(f"Section {s}", [" ".join(sentence(rng) for _ in range(6)) for _ in range(8)])
                        for s in range(12)],
                       table=[["Client", "Fee", "Due"]] + [[f"Client {i}", str(i * 17), f"2025-0{1 + i % 9}-1{i % 9}"]
                                                          for i in range(60)])
            for n in range(4)]
    xlsx = [write_xlsx(folder / f"ledger-{n}.xlsx",
                       {f"Sheet{s}": [["Client", "Service", "EUR", "Note"]] +
                        [[f"Client {i}", words(rng, 1)[0], i * 3, sentence(rng)] for i in range(2000)]
                        for s in range(3)})
            for n in range(2)]
    md = []
    for n in range(6):
        parts = []
        for h in range(30):
            parts.append(f"## Topic {h}\n\n" + "\n\n".join(" ".join(sentence(rng) for _ in range(5)) for _ in range(6)))
        path = folder / f"guide-{n}.md"
        path.write_text(f"# Guide {n}\n\n" + "\n\n".join(parts) + "\n")
        md.append(path)
    return {"pdf": pdfs, "docx": docx, "xlsx": xlsx, "markdown": md}


def pypdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    for page in reader.pages:
        page.extract_text()
    return len(reader.pages)


def pdfium_pages(path: Path) -> int:
    return len({b.page for b in extract_pdf(path)})


def timed(fn, *args) -> tuple[float, object]:
    start = time.process_time()
    result = fn(*args)
    return time.process_time() - start, result


def pdf_rate(library: str, pdfs: list[Path]) -> float:
    """Pages per CPU-second of one library over every PDF, on the calling thread."""
    fn = pdfium_pages if library == "pdfium" else pypdf_pages
    fn(min(pdfs, key=lambda p: p.stat().st_size))  # warm-up: imports and first allocations are start-up
    seconds = pages = 0
    for path in pdfs:
        spent, count = timed(fn, path)
        seconds += spent
        pages += count
    return pages / seconds


def pdf_extraction(pdfs: list[Path], runs: int) -> tuple[float, float]:
    """Steady-state pages per CPU-second (one core), each library and run in a fresh process after a
    warm-up, alternating, so neither library's heap (pypdf leaves a large one) weighs on the other's."""
    rates: dict[str, list[float]] = {"pdfium": [], "pypdf": []}
    paths = [str(p) for p in pdfs]
    for _ in range(runs):
        for library in rates:
            script = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import ingest; "
                      "print(ingest.pdf_rate(sys.argv[2], [Path(p) for p in sys.argv[3:]]))")
            done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent), library, *paths],
                                  capture_output=True, text=True, check=True)
            rates[library].append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(rates["pdfium"]), statistics.median(rates["pypdf"])


def format_rates(corpus: dict[str, list[Path]], runs: int) -> dict[str, float]:
    extractors = {"docx": extract_docx, "xlsx": extract_xlsx, "markdown": extract_markdown}
    rates = {}
    for kind, fn in extractors.items():
        samples = []
        for _ in range(runs):
            size = sum(p.stat().st_size for p in corpus[kind])
            spent = sum(timed(lambda path, extract=fn: sum(1 for _ in extract(path)), p)[0] for p in corpus[kind])
            samples.append(size / 1e6 / spent)
        rates[kind] = statistics.median(samples)
    return rates


class Quiet:
    def file_started(self, path, size): pass
    def page_done(self): pass
    def file_done(self, outcome): pass


def end_to_end(corpus: dict[str, list[Path]], workdir: Path, runs: int) -> tuple[float, float, int]:
    files = [p for paths in corpus.values() for p in paths]
    pages = []
    samples = []
    for run in range(runs):
        store = KnowledgeStore(workdir / f"e2e-{run}")
        start = time.perf_counter()
        outcomes = Ingest(store, "bench", Sanitiser(), Quiet()).run([Candidate(p, True) for p in files])
        samples.append(len(files) / (time.perf_counter() - start))
        assert all(o.status == "ingested" for o in outcomes), [o.reason for o in outcomes if o.reason]
        pages.append(sum(o.pages or 0 for o in outcomes))
    chunks = sum(o.chunks for o in outcomes)
    mb = sum(p.stat().st_size for p in files) / 1e6
    return statistics.median(samples), mb, chunks


def retrieval_store(workdir: Path, rng: random.Random) -> tuple[KnowledgeStore, int]:
    """About 10,000 chunks in two modules (so scoping is exercised): 24 PDFs of 100 pages."""
    store = KnowledgeStore(workdir / "retrieval")
    folder = workdir / "retrieval-docs"
    folder.mkdir()
    files = []
    for n in range(24):
        text = [[sentence(rng) for _ in range(40)] for _ in range(100)]
        files.append(write_pdf(folder / f"doc-{n}.pdf", text, outline=[(f"Part {i}", i * 5) for i in range(20)]))
    half = len(files) // 2
    Ingest(store, "bench", Sanitiser(), Quiet()).run([Candidate(p, True) for p in files[:half]])
    Ingest(store, "other", Sanitiser(), Quiet()).run([Candidate(p, True) for p in files[half:]])
    with store.reader() as reader:
        chunks = reader.catalog.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    return store, chunks


def retrieval_latency(store: KnowledgeStore, rng: random.Random, queries: int, kept: bool
                      ) -> tuple[float, float, float, float]:
    """p50/p99 ms per question, wall clock and CPU (the CPU figure holds on a busy box): through a
    KeptReader as `serve` does (kept=True), or opening the store for each question as a one-off `infer`."""
    reading = KeptReader(store)
    wall, cpu = [], []
    for _ in range(queries):
        question = " ".join(words(rng, rng.randint(3, 8))) + "?"
        start, start_cpu = time.perf_counter(), time.thread_time()
        with (reading.reader() if kept else store.reader()) as reader:
            passages = retrieve(reader, rng.choice(("bench", "other")), question, 1500)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        assert passages
    reading.close()
    wall.sort()
    cpu.sort()
    p99 = max(0, int(queries * 0.99) - 1)
    return statistics.median(wall), wall[p99], statistics.median(cpu), cpu[p99]


RSS_CHILD = """
import resource, sys, time
from pathlib import Path
from doorman.boundary import Sanitiser
from doorman.core.config import load_config
from doorman.core.home import Home
from doorman.knowledge.ingest import Candidate, Ingest
from doorman.knowledge.store import KeptReader, KnowledgeStore
from doorman.tiers.local import LocalTier

home = Path(sys.argv[1])
tier = LocalTier(load_config(home / "doorman.toml").local, Home(home))
tier.load()
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

class Quiet:
    def file_started(self, path, size): pass
    def page_done(self): pass
    def file_done(self, outcome): pass

start = time.perf_counter()
outcome = Ingest(KnowledgeStore(home / "knowledge"), "bench", Sanitiser(), Quiet()).run([Candidate(Path(sys.argv[2]), True)])
assert outcome[0].status == "ingested", outcome
print(loaded, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.perf_counter() - start)
"""


def peak_rss(workdir: Path, pdf: Path) -> tuple[float, float, float]:
    from doorman.tiers.embedded_model import embedded_model_path

    home = workdir / "rss-home"
    (home / "models").mkdir(parents=True)
    embedded_model_path(home / "models")
    out = subprocess.run([sys.executable, "-c", RSS_CHILD, str(home), str(pdf)], capture_output=True, text=True,
                         check=True)
    loaded, peak, seconds = map(float, out.stdout.split())
    return loaded, peak, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="doorman-bench-ingest-") as tmp:
        workdir = Path(tmp)
        corpus = make_corpus(workdir / "corpus", rng)
        total_pages = sum(PDF_PAGES)
        print(f"corpus: {len(corpus['pdf'])} PDFs ({total_pages} pages), {len(corpus['docx'])} DOCX, "
              f"{len(corpus['xlsx'])} XLSX, {len(corpus['markdown'])} Markdown")
        pdfium, pypdf = pdf_extraction(corpus["pdf"], args.runs)
        print(f"PDF extraction, one core: pypdfium2 {pdfium:,.0f} pages/s, pypdf {pypdf:,.0f} pages/s "
              f"(x{pdfium / pypdf:.1f}); target >= 500 pages/s")
        for kind, rate in format_rates(corpus, args.runs).items():
            print(f"{kind} extraction: {rate:.2f} MB/s")
        docs_per_s, mb, chunks = end_to_end(corpus, workdir, args.runs)
        files = sum(len(v) for v in corpus.values())
        print(f"end-to-end ingest into the store: {docs_per_s:.2f} docs/s ({files} docs, {mb:.1f} MB, "
              f"{chunks} chunks per run)")
        store, count = retrieval_store(workdir, rng)
        kept = [retrieval_latency(store, rng, args.queries, kept=True) for _ in range(args.runs)]
        cold = [retrieval_latency(store, rng, max(20, args.queries // 5), kept=False) for _ in range(args.runs)]
        def figures(runs: list[tuple]) -> str:
            p50, p99, cpu50, cpu99 = (statistics.median(r[i] for r in runs) for i in range(4))
            return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (CPU p50 {cpu50:.1f} ms, p99 {cpu99:.1f} ms)"

        print(f"retrieval on {count:,} chunks, {args.queries} questions, as serve does (reader kept open): "
              f"{figures(kept)}; target p99 <= 50 ms")
        print(f"retrieval, store opened for each question (a one-off infer): {figures(cold)}")
        print(f"load average while it ran: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        loaded, peak, seconds = peak_rss(workdir, corpus["pdf"][-1])
        print(f"peak RSS, embedded model loaded then a 500-page PDF ingested: {peak:.0f} MB "
              f"(model alone {loaded:.0f} MB; ingest {seconds:.1f} s); envelope 550 MB")


if __name__ == "__main__":
    main()
