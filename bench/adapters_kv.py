"""Adapters and module memory on the embedded model: switch cost, prefix reuse, memory.

Prints, all measured in this one run:
  1. switching between two modules' adapter stacks (median) against reloading the
     base model (median), and their ratio;
  2. time to first token for a ~1,000-token shared prefix: cold (a module's first
     call), warm from the live context (the same module again) and warm restored
     (after another module used the context), and warm / cold (target <= 0.2);
  3. peak RSS with two adapters loaded and the prefix cache full (target <= 550 MB).

    python bench/adapters_kv.py [--runs 3] [--switches 200]

Needs the `gguf` package (a test dependency) to write the two LoRA adapters.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "adapters"))

from lora_files import make_lora  # noqa: E402

from doorman.adapters.validate import read_base_header  # noqa: E402
from doorman.core.config import DEFAULTS, AdapterRef, ModuleConfig, merge, parse_config  # noqa: E402
from doorman.core.home import Home  # noqa: E402
from doorman.core.types import Request  # noqa: E402
from doorman.tiers.local import LocalTier  # noqa: E402

SENTENCE = (
    "The river town grew around a stone bridge built by merchants who carried salt, wool and "
    "timber between the hill villages and the coast; each spring the water rose over the lower streets. "
)
QUESTIONS = ["What is the capital of France?", "What is the capital of Italy?", "What is the capital of Spain?",
             "What is the capital of Japan?", "What is the capital of Egypt?", "What is the capital of Peru?"]


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def first_token_s(tier: LocalTier, module: str, context: str, question: str) -> float:
    """Seconds until the tier yields its first event for a one-token answer."""
    request = Request.from_prompt(module, question, system=context, temperature=0.0, max_tokens=1)
    started = time.perf_counter()
    stream = tier.stream(request)
    next(stream)
    elapsed = time.perf_counter() - started
    for _ in stream:
        pass
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--switches", type=int, default=200)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="doorman-bench-"))
    try:
        run(root, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)  # the assembled model copy is 240 MB


def run(root: Path, args: argparse.Namespace) -> None:
    config = parse_config(merge(DEFAULTS, {}))
    modules = {
        "mod-a": ModuleConfig("mod-a", adapters=(AdapterRef("tone-a", 1.0),)),
        "mod-b": ModuleConfig("mod-b", adapters=(AdapterRef("tone-b", 1.0),)),
    }
    tier = LocalTier(config.local, Home(root), modules)
    started = time.perf_counter()
    llm = tier.load()
    print(f"model: {tier.model_name}  load: {time.perf_counter() - started:.2f} s  "
          f"RSS after load: {status_mb('VmRSS'):.0f} MB  threads: {tier.threads}  "
          f"prefix cache budget: {config.local.prefix_cache_mb} MiB")

    base = read_base_header(tier.model_path)
    for name, seed in (("tone-a", 1), ("tone-b", 2)):
        source = make_lora(root / f"{name}.gguf", tier.model_path, seed=seed)
        tier.adapter_store.add(name, source, 1.0, base, tier.model_name)

    context = SENTENCE * 30
    n_prefix = len(llm.tokenize(context.encode(), add_bos=True))
    print(f"shared prefix: {n_prefix} tokens")

    # 2. time to first token, cold and warm.
    cold, warm_live, warm_restored = [], [], []
    for run in range(args.runs):
        edition = f"Edition {run}. {context}"  # differs from the first token on: nothing to reuse
        cold.append(first_token_s(tier, "mod-a", edition, QUESTIONS[0]))
        warm_live.append(first_token_s(tier, "mod-a", edition, QUESTIONS[1]))
        first_token_s(tier, "mod-b", edition, QUESTIONS[0])  # another module takes the context
        warm_restored.append(first_token_s(tier, "mod-a", edition, QUESTIONS[2]))
    med_cold = statistics.median(cold)
    print(f"\ntime to first token, {n_prefix}-token shared prefix, runs={args.runs} (medians):")
    print(f"  cold                       {med_cold:8.3f} s")
    for label, figures in (("warm, live context", warm_live), ("warm, restored after mod-b", warm_restored)):
        med = statistics.median(figures)
        print(f"  {label:<27}{med:8.3f} s   warm/cold = {med / med_cold:.3f}   (target <= 0.2)")

    # 1. switching stacks: the adapter call alone, and a whole module switch with its prefix.
    stacks = [tier.adapter_store.resolve(m, modules[m].adapters) for m in ("mod-a", "mod-b")]
    switch = []
    for i in range(args.switches):
        t = time.perf_counter()
        tier._adapters.apply("bench", stacks[i % 2])
        switch.append(time.perf_counter() - t)
    med_switch = statistics.median(switch)

    # 3. peak RSS: two adapters loaded, the prefix cache filled to its budget.
    filler = 0
    cache = tier.memory.cache
    while cache.nbytes + 12 * 2**20 < cache.budget_bytes and filler < 12:
        name = f"fill-{filler}"
        tier.modules[name] = ModuleConfig(name, adapters=(AdapterRef("tone-a", 1.0), AdapterRef("tone-b", 1.0)))
        first_token_s(tier, name, context, QUESTIONS[3])
        filler += 1
    first_token_s(tier, "mod-a", context, QUESTIONS[4])  # stashes the last filler's prefix
    peak = status_mb("VmHWM")
    print(f"\nprefix cache: {len(cache.namespaces())} prefixes, {cache.nbytes / 2**20:.1f} MiB "
          f"of {cache.budget_bytes / 2**20:.0f} MiB")
    print(f"peak RSS with two adapters and the cache full (VmHWM): {peak:.0f} MB   (target <= 550 MB)")

    reload = []
    for _ in range(args.runs):
        t = time.perf_counter()
        fresh = tier._load()
        reload.append(time.perf_counter() - t)
        fresh.close()
    med_reload = statistics.median(reload)
    print(f"\nswitch adapter stack (mod-a <-> mod-b, {args.switches} switches): {med_switch * 1e3:.3f} ms median")
    print(f"reload the base model ({args.runs} loads):                    {med_reload * 1e3:.1f} ms median")
    print(f"ratio reload / switch: {med_reload / med_switch:,.0f}x")


if __name__ == "__main__":
    main()
