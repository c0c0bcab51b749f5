"""Module memory: a module's evaluated prompt prefix is reused by its next calls, and by no one else's."""

import json
import logging
import sys
from pathlib import Path

import pytest

from conftest import FRANCE, run_cli
from doorman.adapters.validate import read_base_header
from doorman.core.config import AdapterRef, ModuleConfig
from doorman.core.types import Delta, Request
from doorman.tiers.kv_cache import CachedPrefix, ContextMemory, Namespace, PrefixCache

sys.path.insert(0, str(Path(__file__).parent / "adapters"))
from lora_files import make_lora  # noqa: E402

CONTEXT = (
    "Reference notes for the geography desk. The river town grew around a stone bridge built by "
    "merchants who carried salt, wool and timber between the hill villages and the coast. "
) * 8
ITALY = "What is the capital of Italy?"


# --- the cache itself: budget, eviction, files -------------------------------------------------

def entry(module: str, size: int, stack: str = "base") -> CachedPrefix:
    return CachedPrefix(Namespace(module, stack), tuple(range(10)), bytearray(b"k" * size))


def test_the_least_recently_used_prefix_is_evicted_to_stay_within_the_budget():
    cache = PrefixCache(budget_bytes=2500, fingerprint="m")
    for module in ("a", "b"):
        assert cache.put(entry(module, 1000))
    cache.get(Namespace("a", "base"))  # a is used again: b is now the oldest
    cache.put(entry("c", 1000))
    assert cache.namespaces() == [Namespace("a", "base"), Namespace("c", "base")]
    assert cache.nbytes <= 2500
    assert not cache.put(entry("huge", 5000)) and cache.get(Namespace("huge", "base")) is None


def test_a_saved_prefix_is_read_back_only_for_its_module_stack_and_model(tmp_path):
    PrefixCache(10_000, "model-1", tmp_path).save(entry("legal", 100, stack="s1"))
    assert (tmp_path / "legal.kv").exists()
    restored = PrefixCache(10_000, "model-1", tmp_path).get(Namespace("legal", "s1"))
    assert restored.tokens == tuple(range(10)) and restored.state == bytearray(b"k" * 100)
    assert PrefixCache(10_000, "model-1", tmp_path).get(Namespace("legal", "s2")) is None
    assert PrefixCache(10_000, "model-2", tmp_path).get(Namespace("legal", "s1")) is None
    assert PrefixCache(10_000, "model-1", tmp_path).get(Namespace("other", "s1")) is None


@pytest.mark.parametrize("damage", ["flip-a-state-byte", "truncate", "garbage"])
def test_a_corrupt_cache_file_is_discarded_with_a_warning(tmp_path, caplog, damage):
    PrefixCache(10_000, "m", tmp_path).save(entry("legal", 100))
    path = tmp_path / "legal.kv"
    data = bytearray(path.read_bytes())
    if damage == "flip-a-state-byte":
        data[-1] ^= 0xFF
    elif damage == "truncate":
        data = data[:-30]
    else:
        data = bytearray(b"\x00garbage\xff" * 20)
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="doorman.tiers.kv_cache"):
        assert PrefixCache(10_000, "m", tmp_path).get(Namespace("legal", "base")) is None
    assert "discarding the prefix cache file" in caplog.text and str(path) in caplog.text
    assert not path.exists()


# --- on the real model --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def poison_adapter(local_tier, tmp_path_factory):
    source = make_lora(tmp_path_factory.mktemp("lora") / "kv.gguf", local_tier.model_path, seed=3)
    base = read_base_header(local_tier.model_path)
    local_tier.adapter_store.add("kv-poison", source, 1.0, base, local_tier.model_name)
    return "kv-poison"


@pytest.fixture
def tier(local_tier):
    """The shared loaded model with this test's modules and memory; put back (and cleared) after."""
    saved = local_tier.modules, local_tier.memory
    yield local_tier
    local_tier.modules, local_tier.memory = saved
    local_tier.memory.forget(local_tier.load())


def use(tier, **stacks):
    tier.modules = {
        name: ModuleConfig(name, adapters=tuple(AdapterRef(a, s) for a, s in stack))
        for name, stack in stacks.items()
    }


def fresh_memory(tier, persist_dir=None, budget=64 * 2**20):
    """The memory a freshly started process has: an empty context, and whatever is on disk."""
    tier.memory.forget(tier.load())
    tier.memory = ContextMemory(PrefixCache(budget, tier.memory.cache.fingerprint, persist_dir))


def ask(tier, module, question=FRANCE):
    """(answer, prompt tokens taken from the module's memory) for one greedy call."""
    request = Request.from_prompt(module, question, system=CONTEXT, temperature=0.0, max_tokens=8)
    text = "".join(e.text for e in tier.stream(request) if isinstance(e, Delta))
    return text, tier.last_reused_tokens


def test_a_module_reuses_its_evaluated_prefix_for_its_next_question(tier):
    use(tier, geo=[])
    fresh_memory(tier)
    france, reused = ask(tier, "geo")
    assert reused == 0 and "Paris" in france
    italy, reused = ask(tier, "geo", ITALY)
    assert reused > 150  # the whole shared context, not re-evaluated
    assert "Rome" in italy
    assert ask(tier, "geo")[1] == reused  # back to France: the same shared part
    again, reused_again = ask(tier, "geo")
    assert again == france and reused_again > reused  # the same prompt: all but its last token


def test_nothing_cached_for_one_module_is_used_for_another(tier, poison_adapter):
    use(tier, first=[], poison=[(poison_adapter, 8.0)], second=[])
    fresh_memory(tier)
    reference, _ = ask(tier, "first")
    poisoned, reused = ask(tier, "poison")
    assert reused == 0 and poisoned != reference
    # `second` has the same prompt and the same bare model as `first`, and runs straight after
    # `poison`: it starts from nothing, and its answer is the clean one.
    assert ask(tier, "second") == (reference, 0)
    # Each module gets its own state back.
    assert ask(tier, "poison")[0] == poisoned and tier.last_reused_tokens > 0
    assert ask(tier, "first")[0] == reference and tier.last_reused_tokens > 0


def test_the_cache_key_includes_the_adapter_stack_and_its_scales(tier, poison_adapter):
    fresh_memory(tier)
    use(tier, legal=[(poison_adapter, 8.0)])
    tuned, _ = ask(tier, "legal")
    use(tier, legal=[])  # the module's config now runs the bare model
    assert ask(tier, "legal")[1] == 0
    use(tier, legal=[(poison_adapter, 4.0)])
    assert ask(tier, "legal")[1] == 0
    use(tier, legal=[(poison_adapter, 8.0)])
    assert ask(tier, "legal") == (tuned, tier.last_reused_tokens) and tier.last_reused_tokens > 0


def test_the_memory_budget_bounds_what_is_kept(tier):
    use(tier, one=[], two=[], three=[])
    fresh_memory(tier)
    ask(tier, "one")
    ask(tier, "two")  # stashes one's prefix
    size = tier.memory.cache.nbytes
    assert size > 0
    fresh_memory(tier, budget=int(size * 1.5))  # room for one prefix
    for module in ("one", "two", "three"):
        ask(tier, module)
    cache = tier.memory.cache
    assert cache.nbytes <= cache.budget_bytes
    assert cache.namespaces() == [Namespace("two", "base")]  # one was evicted; three is live
    assert ask(tier, "one")[1] == 0


def test_a_restarted_tier_starts_warm_from_disk_and_survives_a_corrupt_file(tier, tmp_path, caplog):
    use(tier, desk=[])
    fresh_memory(tier, persist_dir=tmp_path)
    cold, _ = ask(tier, "desk")
    path = tmp_path / "desk.kv"
    assert path.exists()

    fresh_memory(tier, persist_dir=tmp_path)  # a new process: nothing in memory
    assert ask(tier, "desk")[0] == cold and tier.last_reused_tokens > 150

    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    fresh_memory(tier, persist_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="doorman.tiers.kv_cache"):
        assert ask(tier, "desk") == (cold, 0)
    assert "discarding the prefix cache file" in caplog.text
    assert path.exists()  # rewritten from the fresh evaluation

    # A file whose header names fewer tokens than its state holds (checksums intact).
    magic, header, state = path.read_bytes().split(b"\n", 2)
    fields = json.loads(header)
    fields["tokens"] = fields["tokens"][:-5]
    path.write_bytes(magic + b"\n" + json.dumps(fields).encode() + b"\n" + state)
    fresh_memory(tier, persist_dir=tmp_path)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="doorman.tiers.kv_cache"):
        assert ask(tier, "desk") == (cold, 0)
    assert "discarding the cached prefix of module desk" in caplog.text


def test_doorman_infer_persists_a_module_prefix_when_asked(home):
    (home / "doorman.toml").write_text("[local]\nprefix_cache_persist = true\n")
    args = ("infer", "-m", "demo", "--temperature", "0", "--max-tokens", "8", "--system", CONTEXT, FRANCE)
    first = run_cli(home, *args)
    assert first.returncode == 0, first.stderr
    saved = home / "prefix-cache" / "demo.kv"
    assert saved.stat().st_size > 1_000_000  # KV state only: no 512 MiB logits array

    saved.write_bytes(b"doorman-prefix-cache 1\n{not json")
    second = run_cli(home, *args)
    assert second.returncode == 0 and second.stdout == first.stdout
    assert "discarding the prefix cache file" in second.stderr
