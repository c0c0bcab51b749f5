"""Tier A speed: the Doorman path against llama-cpp-python called directly.

Same loaded model, same threads, same prompts, interleaved runs; prints median
prompt tokens/s (prompt tokens / time to first token) and generation tokens/s
(tokens after the first / time after the first), their ratios, and peak RSS.

    python bench/local_inference.py [--threads 1,2] [--runs 5] [--max-tokens 64]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import llama_cpp

from doorman.core.config import DEFAULTS, merge, parse_config
from doorman.core.home import Home
from doorman.core.types import Delta, Request
from doorman.door import Doorman

PASSAGE = (
    "The river town grew around a stone bridge built by merchants who carried salt, wool and "
    "timber between the hill villages and the coast. Each spring the water rose over the lower "
    "streets, and the townspeople moved their goods to the upper floors, counting sacks and barrels "
    "by lamplight. Over two centuries the bridge was widened three times, a market hall rose beside "
    "it, and a guild of ferrymen kept the old crossing alive for those who could not pay the toll. "
)


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def prompt_for(run: int) -> str:
    # A different opening per run defeats the KV prefix cache, so every run evaluates its prompt.
    return f"Story {run}. {PASSAGE * 2}Tell the rest of the story of the town in detail."


def timed(events, text_of) -> tuple[float, float]:
    """(seconds to the first visible text, seconds after it) for one streamed call.

    Both paths are timed to the first non-blank text, since the Doorman drops an
    answer's leading whitespace.
    """
    start = time.perf_counter()
    first = None
    for event in events:
        if first is None and text_of(event).strip():
            first = time.perf_counter()
    return first - start, time.perf_counter() - first


def recorded(events, into: list):
    for event in events:
        into.append(event)
        yield event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="", help="comma-separated thread counts (default: config)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="doorman-bench-"))
    # No stop sequences: both paths generate exactly max_tokens, so the work is the same.
    config = parse_config(merge(DEFAULTS, {"local": {"frame": {"stop": []}}}))
    doorman = Doorman(config, Home(root))
    tier = doorman.tiers["A"]
    started = time.perf_counter()
    llm = tier.load()
    load_s = time.perf_counter() - started
    rss_loaded = status_kb("VmRSS")

    print(f"model: {tier.model_name}  load: {load_s:.2f} s  RSS after load: {rss_loaded / 1024:.0f} MB")
    thread_counts = [int(t) for t in args.threads.split(",") if t] or [tier.threads]
    for threads in thread_counts:
        tier.model_thread.call(llama_cpp.llama_set_n_threads, llm.ctx, threads, threads)
        figures = {"doorman": [], "direct": []}
        for run in range(args.runs + 1):  # run 0 warms up and is not counted
            prompt = prompt_for(run + 1000 * threads)
            request = Request.from_prompt("demo", prompt, max_tokens=args.max_tokens, temperature=0.0)
            framed = tier.prompt_for(request).text
            n_prompt = len(llm.tokenize(framed.encode("utf-8"), add_bos=True, special=True))

            llm.reset()  # no KV prefix reuse between the two paths
            # On the tier's model thread too: llama.cpp's OpenMP team belongs to the calling
            # thread, and switching threads between paths would slow whichever came second.
            direct = tier.model_thread.iterate(lambda: llm.create_completion(
                framed, max_tokens=args.max_tokens, temperature=0.0,
                repeat_penalty=config.local.repeat_penalty, stream=True))
            d_first, d_rest = timed(direct, lambda chunk: chunk["choices"][0]["text"])

            events = []
            llm.reset()
            g_first, g_rest = timed(recorded(doorman.stream(request), events),
                                    lambda e: e.text if isinstance(e, Delta) else "")
            g_tokens = events[-1].usage.completion_tokens
            if run:
                figures["direct"].append((n_prompt / d_first, (g_tokens - 1) / d_rest))
                figures["doorman"].append((n_prompt / g_first, (g_tokens - 1) / g_rest))

        med = {path: (statistics.median(p for p, _ in runs), statistics.median(g for _, g in runs))
               for path, runs in figures.items()}
        print(f"\nthreads={threads}  prompt={n_prompt} tokens  generated={args.max_tokens} tokens  "
              f"runs={args.runs} (medians)")
        print(f"  {'path':<10}{'prompt tok/s':>14}{'gen tok/s':>12}")
        for path in ("direct", "doorman"):
            print(f"  {path:<10}{med[path][0]:>14.1f}{med[path][1]:>12.1f}")
        print(f"  {'ratio':<10}{med['doorman'][0] / med['direct'][0]:>14.3f}"
              f"{med['doorman'][1] / med['direct'][1]:>12.3f}   (doorman / direct; target >= 0.97)")

    print(f"\npeak RSS of this process (both paths, VmHWM): {status_kb('VmHWM') / 1024:.0f} MB")
    # The figure that matters for the envelope: one `doorman infer` process on its own.
    # It reports its own VmHWM (a child's ru_maxrss would count the fork of this process).
    report = (
        "import atexit, runpy, sys\n"
        "atexit.register(lambda: print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0],"
        " file=sys.stderr))\n"
        "sys.argv = ['doorman'] + sys.argv[1:]\n"
        "runpy.run_module('doorman', run_name='__main__')\n"
    )
    child = subprocess.run([sys.executable, "-c", report, "--home", str(root), "infer", "-m", "demo",
                            "--max-tokens", str(args.max_tokens), "--json", prompt_for(1)],
                           check=True, capture_output=True, text=True)
    child_mb = int(child.stderr.split("VmHWM:")[1].split()[0]) / 1024
    print(f"peak RSS of `doorman infer` with the model loaded: {child_mb:.0f} MB   (target <= 450 MB)")


if __name__ == "__main__":
    main()
