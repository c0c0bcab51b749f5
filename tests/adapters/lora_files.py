"""Real, tiny LoRA GGUF files for the embedded model, written with the `gguf` package."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np

from doorman.adapters.gguf_header import read_header

TARGETS = ("attn_q", "attn_v")


def make_lora(
    path: Path,
    base_model: Path,
    *,
    seed: int = 0,
    rank: int = 4,
    layers: tuple[int, ...] = (0, 1, 2, 3),
    targets: tuple[str, ...] = TARGETS,
    architecture: str | None = None,
    general_type: str = "adapter",
    wrong_width: bool = False,
) -> Path:
    """A rank-`rank` LoRA over `targets` of `layers`, shaped from the base model's own tensors."""
    base = read_header(base_model)
    rng = np.random.default_rng(seed)
    writer = gguf.GGUFWriter(str(path), architecture or base.string("general.architecture"))
    writer.add_string("general.type", general_type)
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(rank))
    for layer in layers:
        for target in targets:
            name = f"blk.{layer}.{target}.weight"
            # A layer the base lacks borrows layer 0's shapes: a well-formed adapter for another model.
            n_in, n_out = base.tensors.get(name, base.tensors[f"blk.0.{target}.weight"]).shape
            if wrong_width:
                n_out += 8
            # numpy shapes are ggml's reversed: lora_a ne = [n_in, rank], lora_b ne = [rank, n_out].
            writer.add_tensor(name + ".lora_a", (rng.standard_normal((rank, n_in)) * 0.5).astype(np.float32))
            writer.add_tensor(name + ".lora_b", (rng.standard_normal((n_out, rank)) * 0.5).astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
