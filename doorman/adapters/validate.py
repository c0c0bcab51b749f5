"""Is this file a LoRA adapter the base model can use? Checked before llama.cpp sees it.

llama.cpp's adapter format (convert_lora_to_gguf.py): `general.type = "adapter"`,
`adapter.type = "lora"`, optional `adapter.lora.alpha`, and for each adapted base
tensor W a pair `W.lora_a` (ne = [W.ne0, rank]) and `W.lora_b` (ne = [rank, W.ne1]).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from doorman.adapters.gguf_header import GGML_TYPES, GGUFFormatError, GGUFHeader, read_header
from doorman.core.errors import AdapterInvalid


@dataclass(frozen=True)
class LoraInfo:
    architecture: str
    rank: int
    alpha: float | None
    targets: tuple[str, ...]  # the base tensors it adapts


def read_base_header(model_path: Path) -> GGUFHeader:
    try:
        return read_header(model_path)
    except (GGUFFormatError, OSError) as exc:
        raise AdapterInvalid(f"cannot read the base model {model_path}: {exc}") from None


def validate_lora(path: Path, base: GGUFHeader) -> LoraInfo:
    """The adapter's facts, or AdapterInvalid naming the file and what does not fit."""
    try:
        header = read_header(path)
    except GGUFFormatError as exc:
        raise AdapterInvalid(f"{path}: not a valid GGUF file: {exc}") from None
    except OSError as exc:
        raise AdapterInvalid(f"{path}: cannot read: {exc.strerror or exc}") from None

    def fail(problem: str) -> AdapterInvalid:
        return AdapterInvalid(f"{path}: {problem}")

    if header.string("general.type") != "adapter" or header.string("adapter.type") != "lora":
        raise fail(
            f"not a LoRA adapter (general.type={header.metadata.get('general.type')!r}, "
            f"adapter.type={header.metadata.get('adapter.type')!r}; expected 'adapter' and 'lora')"
        )
    arch, base_arch = header.string("general.architecture"), base.string("general.architecture")
    if arch != base_arch:
        raise fail(f"made for architecture {arch!r}, but the base model is {base_arch!r}")
    alpha = header.metadata.get("adapter.lora.alpha")
    if alpha is not None and (isinstance(alpha, bool) or not isinstance(alpha, (int, float))):
        raise fail(f"adapter.lora.alpha is {alpha!r}, expected a number")

    pairs: dict[str, dict[str, object]] = {}
    for tensor in header.tensors.values():
        target, dot, part = tensor.name.rpartition(".")
        if not dot or part not in ("lora_a", "lora_b"):
            raise fail(f"tensor {tensor.name!r} is not a .lora_a/.lora_b tensor")
        if tensor.type_id not in GGML_TYPES:
            raise fail(f"tensor {tensor.name!r} has type {tensor.type_name}; expected F32, F16, BF16 or Q8_0")
        end = header.data_start + tensor.offset + (tensor.nbytes() or 0)
        if end > header.file_size:
            raise fail(f"tensor {tensor.name!r} runs past the end of the file (truncated?)")
        pairs.setdefault(target, {})[part] = tensor
    if not pairs:
        raise fail("holds no LoRA tensors")

    ranks = set()
    for target, pair in sorted(pairs.items()):
        if set(pair) != {"lora_a", "lora_b"}:
            raise fail(f"{target}: has only {', '.join(pair)}; LoRA needs both lora_a and lora_b")
        weight = base.tensors.get(target)
        if weight is None:
            raise fail(f"{target}: the base model has no such tensor")
        a, b = pair["lora_a"], pair["lora_b"]
        if len(a.shape) != 2 or len(b.shape) != 2 or len(weight.shape) != 2:
            raise fail(f"{target}: LoRA tensors must be matrices over a matrix weight")
        rank = a.shape[1]
        if target == "token_embd.weight":  # llama.cpp keeps this one's pair transposed
            fits = weight.shape == (b.shape[1], a.shape[1]) and a.shape[0] == b.shape[0]
            rank = a.shape[0]
        else:
            fits = a.shape[0] == weight.shape[0] and b.shape[1] == weight.shape[1] and a.shape[1] == b.shape[0]
        if not fits:
            raise fail(
                f"{target}: lora_a {list(a.shape)} and lora_b {list(b.shape)} do not fit the base "
                f"tensor {list(weight.shape)}"
            )
        ranks.add(rank)
    return LoraInfo(
        architecture=arch or "",
        rank=max(ranks),
        alpha=None if alpha is None else float(alpha),
        targets=tuple(sorted(pairs)),
    )
