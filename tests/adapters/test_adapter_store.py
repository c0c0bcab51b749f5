"""The adapter store: only adapters that fit the base model get in, and what got in stays put."""

import tomllib

import gguf
import pytest
from lora_files import make_lora

from doorman.adapters.gguf_header import read_header
from doorman.adapters.registry import AdapterStore
from doorman.adapters.validate import read_base_header
from doorman.core.config import DEFAULTS, AdapterRef, merge, parse_config
from doorman.core.errors import AdapterInvalid, AdapterNotFound, ConfigError
from doorman.tiers.embedded_model import embedded_model_path


@pytest.fixture(scope="module")
def base_model(models_dir):
    return embedded_model_path(models_dir)


@pytest.fixture(scope="module")
def base(base_model):
    return read_base_header(base_model)


@pytest.fixture
def store(tmp_path):
    return AdapterStore(tmp_path / "adapters")


def write_text_file(path):
    path.write_text("not a GGUF file at all, just text\n")
    return path


def add(store, base, name, path, scale=1.0):
    return store.add(name, path, scale, base, "gemma-3-270m-q4_k_m")


def test_add_stores_the_adapter_by_content_so_later_edits_of_the_source_change_nothing(
    store, base, base_model, tmp_path
):
    source = make_lora(tmp_path / "tone.gguf", base_model)
    entry = add(store, base, "tone", source, scale=0.5)
    stored = store.blob(entry.sha256)
    assert stored.read_bytes() == source.read_bytes()
    assert (entry.rank, entry.targets, entry.architecture, entry.scale) == (4, 8, "gemma3", 0.5)

    make_lora(source, base_model, seed=99)  # the user rewrites their file afterwards
    assert stored.read_bytes() != source.read_bytes()
    assert [problem for _, problem in store.verify()] == [None]
    assert store.get("tone").sha256 == entry.sha256


def test_our_header_reader_agrees_with_the_gguf_package(base_model, tmp_path):
    path = make_lora(tmp_path / "tone.gguf", base_model)
    ours = read_header(path)
    theirs = gguf.GGUFReader(path)
    assert {t.name: list(t.shape) for t in theirs.tensors} == {n: list(t.shape) for n, t in ours.tensors.items()}
    assert ours.string("adapter.type") == "lora" and ours.metadata["adapter.lora.alpha"] == 4.0


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p, m: write_text_file(p), "not a valid GGUF file"),
        (lambda p, m: make_lora(p, m, wrong_width=True), r"blk\.0\.attn_q\.weight: lora_a .* do not fit"),
        (lambda p, m: make_lora(p, m, architecture="llama"), "architecture 'llama', but the base model is 'gemma3'"),
        (lambda p, m: make_lora(p, m, general_type="model"), "not a LoRA adapter"),
        (lambda p, m: make_lora(p, m, layers=(40,)), r"blk\.40\.attn_q\.weight: the base model has no such tensor"),
    ],
    ids=["not-gguf", "wrong-shapes", "other-architecture", "not-an-adapter", "unknown-tensor"],
)
def test_an_adapter_that_does_not_fit_the_base_model_is_refused_naming_the_file(
    store, base, base_model, tmp_path, make, message
):
    source = make(tmp_path / "bad.gguf", base_model)
    with pytest.raises(AdapterInvalid, match=message) as caught:
        add(store, base, "bad", source)
    assert str(source) in caught.value.message
    assert store.entries() == []
    assert not list((store.root / "sha256").glob("*"))  # nothing half-stored


def test_a_truncated_adapter_is_refused(store, base, base_model, tmp_path):
    source = make_lora(tmp_path / "tone.gguf", base_model)
    source.write_bytes(source.read_bytes()[:-4096])
    with pytest.raises(AdapterInvalid, match="runs past the end of the file"):
        add(store, base, "tone", source)


def test_a_name_taken_by_other_content_is_refused(store, base, base_model, tmp_path):
    add(store, base, "tone", make_lora(tmp_path / "a.gguf", base_model, seed=1))
    with pytest.raises(AdapterInvalid, match="already exists with other content"):
        add(store, base, "tone", make_lora(tmp_path / "b.gguf", base_model, seed=2))


def test_verify_reports_changed_and_missing_files(store, base, base_model, tmp_path):
    one = add(store, base, "one", make_lora(tmp_path / "a.gguf", base_model, seed=1))
    two = add(store, base, "two", make_lora(tmp_path / "b.gguf", base_model, seed=2))
    with open(store.blob(one.sha256), "r+b") as blob:
        blob.seek(-10, 2)
        blob.write(b"0123456789")
    store.blob(two.sha256).unlink()
    problems = {entry.name: problem for entry, problem in store.verify()}
    assert problems["one"].startswith("changed:") and problems["two"].startswith("missing:")


def test_remove_deletes_the_file_only_when_no_other_name_shares_it(store, base, base_model, tmp_path):
    source = make_lora(tmp_path / "a.gguf", base_model)
    first = add(store, base, "first", source)
    add(store, base, "second", source)
    store.remove("first")
    assert store.blob(first.sha256).exists()
    store.remove("second")
    assert not store.blob(first.sha256).exists()
    with pytest.raises(AdapterNotFound, match="no adapter named 'second'"):
        store.get("second")


def test_a_module_stack_resolves_to_files_and_scales(store, base, base_model, tmp_path):
    add(store, base, "tone", make_lora(tmp_path / "a.gguf", base_model), scale=0.25)
    stack = store.resolve("legal", (AdapterRef("tone"), AdapterRef("tone", 2.0)))
    assert [a.scale for a in stack] == [0.25, 2.0]
    with pytest.raises(AdapterNotFound, match="module 'legal' uses adapter 'style'.*doorman adapters add style"):
        store.resolve("legal", (AdapterRef("style"),))


def config_with(text):
    return parse_config(merge(DEFAULTS, tomllib.loads(text)))


def test_a_module_declares_its_stack_with_optional_scales():
    module = config_with('[modules.legal]\nadapters = ["tone", {name = "terms", scale = 0.5}]\n').modules["legal"]
    assert module.adapters == (AdapterRef("tone", None), AdapterRef("terms", 0.5))
    assert config_with("[modules.plain]\n").modules["plain"].adapters == ()


@pytest.mark.parametrize(
    "text, message",
    [
        ('adapters = "tone"', r"modules\.legal\.adapters: expected a list"),
        ('adapters = [{name = "tone", scale = "big"}]', r"modules\.legal\.adapters\[0\]\.scale: expected a number"),
        ('adapters = [{name = "tone", weight = 1}]', r"modules\.legal\.adapters\[0\]\.weight: unknown key"),
        ('adapters = ["Tone"]', r"modules\.legal\.adapters\[0\]\.name: expected an adapter name"),
        ('adapters = ["tone", "tone"]', r"modules\.legal\.adapters: expected each adapter at most once"),
    ],
)
def test_a_bad_adapters_entry_names_the_key_at_fault(text, message):
    with pytest.raises(ConfigError, match=message):
        config_with(f"[modules.legal]\n{text}\n")
