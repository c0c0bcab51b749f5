"""Load on `doorman serve` over loopback: does queueing for the one local model cost little?

At concurrency 1, 4 and 16 (bounded: a fixed number of streamed requests each, and a
time cap), prints p50/p99 latency, p50 time to first token, aggregate generated
tokens/s against the single-request tokens/s measured in the same run, errors, and
the server's peak RSS.

    python bench/serve_load.py [--levels 1,4,16] [--requests 2] [--max-tokens 32] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from doorman.testing import ServeProcess, peak_rss_mb

# Plain completions with no stop sequence: every request generates exactly max_tokens,
# so tokens/s compare like with like across concurrency levels.
PROMPTS = ["The sea was calm that morning, and the fishermen", "In the market town, every Saturday,",
           "Bees wake in spring and begin to", "The night train left the city and"]


def one_call(url: str, n: int, max_tokens: int) -> dict:
    body = {"prompt": PROMPTS[n % len(PROMPTS)], "stream": True,
            "max_tokens": max_tokens, "temperature": 0.8, "seed": n,
            "stream_options": {"include_usage": True}}
    started = time.perf_counter()
    first = None
    tokens = 0
    with httpx.stream("POST", url + "/v1/completions", json=body, timeout=300,
                      headers={"X-Doorman-Module": "demo"}) as response:
        if response.status_code != 200:
            return {"error": response.status_code}
        for line in response.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            chunk = json.loads(line[6:])
            if first is None and chunk["choices"] and chunk["choices"][0]["text"]:
                first = time.perf_counter()
            if chunk.get("usage"):
                tokens = chunk["usage"]["completion_tokens"]
    end = time.perf_counter()
    return {"latency": end - started, "ttft": (first or end) - started, "tokens": tokens}


def run_level(url: str, concurrency: int, total: int, max_tokens: int, cap_s: float) -> dict:
    results: list[dict] = []
    counter = iter(range(total))
    lock = threading.Lock()
    deadline = time.perf_counter() + cap_s

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            results.append(one_call(url, n, max_tokens))

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(concurrency)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - started
    ok = [r for r in results if "error" not in r]
    latencies = sorted(r["latency"] for r in ok)
    return {
        "concurrency": concurrency,
        "done": len(ok),
        "errors": len(results) - len(ok),
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
        "ttft": statistics.median(r["ttft"] for r in ok),
        "aggregate": sum(r["tokens"] for r in ok) / wall,
        "single": statistics.median(r["tokens"] / r["latency"] for r in ok),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,4,16")
    parser.add_argument("--requests", type=int, default=2, help="requests per concurrent client")
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--cap-s", type=float, default=180, help="time cap per level")
    parser.add_argument("--threads", type=int, default=0, help="[local] threads (0: every core)")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="doorman-serve-bench-"))
    (home / "doorman.toml").write_text(f"[local]\nthreads = {args.threads}\n")
    with ServeProcess(home) as server:
        one_call(server.url, 0, 4)  # warm-up
        rows = [run_level(server.url, c, max(4, c * args.requests), args.max_tokens, args.cap_s)
                for c in (int(x) for x in args.levels.split(","))]
        rss = peak_rss_mb(server.process.pid)

    single = rows[0]["single"]  # concurrency 1: one request's own tokens/s
    print(f"{'conc':>4} {'done':>5} {'err':>4} {'p50 s':>7} {'p99 s':>7} {'ttft s':>7} "
          f"{'agg tok/s':>10} {'agg/single':>10}")
    for r in rows:
        print(f"{r['concurrency']:>4} {r['done']:>5} {r['errors']:>4} {r['p50']:>7.2f} {r['p99']:>7.2f} "
              f"{r['ttft']:>7.2f} {r['aggregate']:>10.1f} {r['aggregate'] / single:>10.3f}")
    print(f"single-request tokens/s (concurrency 1, median): {single:.1f}; target agg/single >= 0.9")
    print(f"server peak RSS (VmHWM): {rss:.0f} MB   (target <= 550 MB)")


if __name__ == "__main__":
    main()
