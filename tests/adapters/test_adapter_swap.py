"""Hot swap: each call runs under exactly its module's adapter stack, on the one loaded model."""

import pytest
from lora_files import make_lora

from doorman.adapters.validate import read_base_header
from doorman.core.config import AdapterRef, ModuleConfig
from doorman.core.errors import AdapterInvalid, AdapterNotFound
from doorman.core.types import Delta, Request

PROMPT = "What is the capital of France?"


@pytest.fixture
def tier(local_tier):
    """The shared loaded model, with modules of a test's own; put back as found afterwards."""
    saved = local_tier.modules
    loads = local_tier.loads
    yield local_tier
    local_tier.modules = saved
    assert local_tier.loads == loads  # no stack switch ever reloaded the model


@pytest.fixture(scope="module")
def adapters(local_tier, tmp_path_factory):
    """Two real rank-4 LoRA adapters in the shared tier's store: `swap-a` and `swap-b`."""
    folder = tmp_path_factory.mktemp("loras")
    base = read_base_header(local_tier.model_path)
    for name, seed in (("swap-a", 1), ("swap-b", 2)):
        source = make_lora(folder / f"{name}.gguf", local_tier.model_path, seed=seed)
        local_tier.adapter_store.add(name, source, 1.0, base, local_tier.model_name)
    return ("swap-a", "swap-b")


def use(tier, **stacks):
    tier.modules = {
        name: ModuleConfig(name, adapters=tuple(AdapterRef(a, s) for a, s in stack))
        for name, stack in stacks.items()
    }


def answer(tier, module, prompt=PROMPT, temperature=0.7, seed=7):
    request = Request.from_prompt(module, prompt, temperature=temperature, seed=seed, max_tokens=10)
    return "".join(e.text for e in tier.stream(request) if isinstance(e, Delta))


def test_a_large_scale_changes_the_answer_and_removing_it_restores_the_base_answer(tier, adapters):
    use(tier, plain=[], tuned=[("swap-a", 8.0)])
    base = answer(tier, "plain")
    tuned = answer(tier, "tuned")
    assert tuned != base

    use(tier, plain=[], tuned=[])  # the module's config drops the adapter
    assert answer(tier, "tuned") == base


def test_a_tiny_scale_leaves_the_base_answer_and_stacks_differ_from_their_parts(tier, adapters):
    use(tier, plain=[], faint=[("swap-a", 0.0)], one=[("swap-a", 4.0)],
        both=[("swap-a", 4.0), ("swap-b", 4.0)])
    assert answer(tier, "faint") == answer(tier, "plain")
    assert answer(tier, "both") != answer(tier, "one")


def test_interleaved_calls_from_two_modules_each_get_their_own_stack(tier, adapters):
    use(tier, alpha=[("swap-a", 6.0)], beta=[("swap-b", 6.0)], plain=[])
    first = {module: answer(tier, module) for module in ("alpha", "beta", "plain")}
    assert len(set(first.values())) == 3
    for module in ("beta", "alpha", "plain", "alpha"):
        assert answer(tier, module) == first[module], module


def test_a_module_with_a_damaged_adapter_fails_clearly_and_others_keep_answering(
    tier, local_tier, tmp_path
):
    base = read_base_header(local_tier.model_path)
    source = make_lora(tmp_path / "fragile.gguf", local_tier.model_path, seed=5)
    entry = local_tier.adapter_store.add("fragile", source, 1.0, base, local_tier.model_name)
    blob = local_tier.adapter_store.blob(entry.sha256)
    blob.write_bytes(blob.read_bytes()[:1000])  # the stored copy is damaged after `add`
    use(tier, broken=[("fragile", 1.0)], missing=[("no-such-adapter", 1.0)], plain=[])

    with pytest.raises(AdapterInvalid, match="module 'broken': adapter 'fragile'.*doorman adapters verify"):
        answer(tier, "broken")
    with pytest.raises(AdapterNotFound, match="module 'missing' uses adapter 'no-such-adapter'"):
        answer(tier, "missing")
    assert "Paris" in answer(tier, "plain", temperature=0.0)
