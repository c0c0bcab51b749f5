"""Tier A: a quantised GGUF model on this box, through llama-cpp-python.

The model loads once per process, on first use; one lock serialises every
generation, because a llama.cpp context serves one sequence at a time. Each call
runs under its module's LoRA adapter stack (set on the context, no reload) and
starts from its module's cached prompt prefix (kv_cache.py), never another's.
"""

from __future__ import annotations

import codecs
import logging
import os
import random
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from doorman.adapters.registry import AdapterStore
from doorman.core.config import EMBEDDED_MODEL, LocalConfig, ModuleConfig
from doorman.core.errors import InvalidRequest, ModelUnavailable
from doorman.core.home import Home
from doorman.core.readahead import read_ahead
from doorman.core.types import Delta, Request, Usage
from doorman.tiers.base import Finish
from doorman.tiers.embedded_model import embedded_model_path
from doorman.tiers.llama_backends import ensure_cpu_backend
from doorman.tiers.model_thread import ModelThread
from doorman.tiers.prompt_format import Prompt, chat_template_prompt, frame_prompt

log = logging.getLogger(__name__)


def available_cores() -> int:
    return len(os.sched_getaffinity(0))


class LocalTier:
    name = "A"
    leaves_box = False

    def __init__(self, config: LocalConfig, home: Home, modules: dict[str, ModuleConfig] | None = None):
        self.config = config
        self.home = home
        self.modules = dict(modules or {})  # their adapter stacks; a module not here runs the bare model
        self.adapter_store = AdapterStore(home.root / "adapters")
        self._llm = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self.model_thread = ModelThread()
        self.loads = 0
        self._adapters = None  # AdapterLoader, once the model is loaded
        self.memory = None  # ContextMemory, once the model is loaded
        self.last_reused_tokens = 0  # prompt tokens the last call took from its module's cache

    @property
    def model_path(self) -> Path:
        if self.config.model == EMBEDDED_MODEL:
            return embedded_model_path(self.home.models_dir)
        path = self.home.resolve(self.config.model)
        if not path.is_file():
            raise ModelUnavailable(f"local model file not found: {path} (set by [local] model)")
        return path

    @property
    def model_name(self) -> str:
        if self.config.name:
            return self.config.name
        if self.config.model == EMBEDDED_MODEL:
            return "gemma-3-270m-q4_k_m"
        return Path(self.config.model).name.removesuffix(".gguf")

    @property
    def threads(self) -> int:
        return self.config.threads or available_cores()

    def load(self):
        """Load the model if this process has not yet; return the llama_cpp.Llama."""
        with self._load_lock:
            if self._llm is None:
                llm = self._load()
                from doorman.adapters.loader import AdapterLoader
                from doorman.tiers.kv_cache import ContextMemory, PrefixCache

                self._adapters = AdapterLoader(llm, self.model_path)
                self.memory = ContextMemory(PrefixCache(
                    budget_bytes=self.config.prefix_cache_mb * 2**20,
                    fingerprint=f"{self.model_path.name}:{self.model_path.stat().st_size}:{llm.n_ctx()}",
                    persist_dir=self.home.root / "prefix-cache" if self.config.prefix_cache_persist else None,
                ))
                self._llm = llm
                self.loads += 1
            return self._llm

    def close(self) -> None:
        """Free the model on its own thread (an orderly exit; llama.cpp's threads are joined)."""
        with self._load_lock:
            if self._llm is not None:
                self.model_thread.call(self._llm.close)
                self._llm = None

    def _load(self):
        path = self.model_path
        read_ahead(path)  # while llama.cpp's libraries load
        try:
            from llama_cpp import Llama, llama_vocab_is_eog
        except ImportError as exc:
            raise ModelUnavailable(f"llama-cpp-python is not installed: {exc}") from None
        _quiet_llama_logs()
        ensure_cpu_backend()  # a release build's CPU backend is a loadable module
        self._is_eog = llama_vocab_is_eog
        try:
            return Llama(
                model_path=str(path),
                n_ctx=self.config.context_size,
                n_batch=self.config.batch_size,
                n_threads=self.threads,
                n_threads_batch=self.config.threads_batch or self.threads,
                seed=random.randrange(2**31),
                # Gemma 3's sliding-window layers otherwise keep too few cells to cut a
                # cached prompt back to a shared prefix: every call would start cold.
                swa_full=True,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelUnavailable(f"cannot load the local model {path}: {exc}") from None

    def fits(self, request: Request) -> bool:
        """Whether the prompt and a full-length answer fit the local context (for routing)."""
        llm = self.load()
        text = self.prompt_for(request).text.encode("utf-8")
        needed = len(llm.tokenize(text, add_bos=True, special=True)) + (request.max_tokens or self.config.max_tokens)
        return needed <= llm.n_ctx()

    def prompt_for(self, request: Request) -> Prompt:
        if request.raw_prompt:
            return Prompt(text=request.messages[-1].content, stop=())
        llm = self.load()
        template = llm.metadata.get("tokenizer.chat_template")
        fmt = self.config.prompt_format
        if fmt == "chat" and not template:
            raise ModelUnavailable(
                f"[local] prompt_format is 'chat' but {self.model_path.name} has no chat template; "
                f"use 'completion' for a base model"
            )
        if fmt == "chat" or (fmt == "auto" and template):
            vocab = llm._model
            return chat_template_prompt(
                request.messages,
                template,
                bos_token=llm.detokenize([vocab.token_bos()], special=True).decode("utf-8", "replace"),
                eos_token=llm.detokenize([vocab.token_eos()], special=True).decode("utf-8", "replace"),
            )
        return frame_prompt(request.messages, self.config.frame)

    def stream(self, request: Request) -> Iterator[Delta | Finish]:
        return self.model_thread.iterate(lambda: self._stream_on_model_thread(request))

    def astream(self, request: Request) -> AsyncIterator[Delta | Finish]:
        return self.model_thread.aiterate(lambda: self._stream_on_model_thread(request))

    def _stream_on_model_thread(self, request: Request) -> Iterator[Delta | Finish]:
        from doorman.adapters.loader import stack_fingerprint
        from doorman.tiers.kv_cache import Namespace

        llm = self.load()
        prompt = self.prompt_for(request)
        module = request.module_id or ""
        refs = self.modules[module].adapters if module in self.modules else ()
        stack = self.adapter_store.resolve(module, refs)
        tokens = self._tokens(llm, prompt)
        with self._run_lock:
            self._adapters.apply(module, stack)
            # The cache namespace: a module's state, under exactly this adapter stack.
            namespace = Namespace(module, stack_fingerprint(stack))
            failed = True
            try:
                self.last_reused_tokens = self.memory.prepare(llm, namespace, tokens)
                yield from self._generate(llm, request, prompt, tokens)
                failed = False
            except GeneratorExit:  # the caller left between tokens: the state is sound
                failed = False
                raise
            finally:
                if failed:
                    self.memory.forget(llm)
                else:
                    self.memory.settle(llm, namespace, len(tokens))

    def _tokens(self, llm, prompt: Prompt) -> list[int]:
        bos_text = llm.detokenize([llm.token_bos()], special=True).decode("utf-8", "replace")
        tokens = llm.tokenize(
            prompt.text.encode("utf-8"),
            add_bos=not (bos_text and prompt.text.startswith(bos_text)),
            special=True,
        )
        if llm.n_ctx() - len(tokens) < 1:
            raise InvalidRequest(
                f"the prompt is {len(tokens)} tokens; the local model's context holds "
                f"{llm.n_ctx()} ([local] context_size)"
            )
        return tokens

    def _generate(self, llm, request: Request, prompt: Prompt, tokens: list[int]) -> Iterator[Delta | Finish]:
        room = llm.n_ctx() - len(tokens)
        max_tokens = min(request.max_tokens or self.config.max_tokens, room)
        temperature = self.config.temperature if request.temperature is None else request.temperature
        llm.set_seed(request.seed if request.seed is not None else random.randrange(2**31))

        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        stops = StopScanner(prompt.stop)
        generated = 0
        finish_reason = "length"
        # An answer's leading whitespace (" Paris.") is dropped; a plain completion
        # (raw_prompt) continues its prompt's text exactly, so it keeps it.
        started = request.raw_prompt
        for token in llm.generate(tokens, temp=temperature, repeat_penalty=self.config.repeat_penalty):
            if self._is_eog(llm._model.vocab, token):
                finish_reason = "stop"
                break
            generated += 1
            released, stopped = stops.feed(decoder.decode(llm.detokenize([token])))
            if not started:
                released = released.lstrip()
                started = bool(released)
            if released:
                yield Delta(released)
            if stopped:
                finish_reason = "stop"
                break
            if generated >= max_tokens:
                break
        if finish_reason != "stop":
            rest, _ = stops.feed(decoder.decode(b"", final=True))
            rest += stops.flush()
            if not started:
                rest = rest.lstrip()
            if rest:
                yield Delta(rest)
        yield Finish(Usage(len(tokens), generated), finish_reason)


_GGML_LOG_ERROR = 4
_log_callback = None


def _quiet_llama_logs() -> None:
    """Send only llama.cpp's errors to Python logging.

    llama-cpp-python's own callback maps ggml's log levels by an older enum and
    prints warnings to stderr, where they would mix with a streamed answer.
    """
    global _log_callback
    if _log_callback is not None:
        return
    import ctypes

    import llama_cpp

    @llama_cpp.llama_log_callback
    def forward(level: int, text: bytes, user_data) -> None:
        if level == _GGML_LOG_ERROR:
            log.error("llama.cpp: %s", text.decode("utf-8", "replace").rstrip())

    _log_callback = forward  # ctypes needs the callback kept alive
    llama_cpp.llama_log_set(forward, ctypes.c_void_p(0))


class StopScanner:
    """Releases text as it comes, holding back only what may start a stop sequence."""

    def __init__(self, stops: tuple[str, ...]):
        self.stops = stops
        self.pending = ""

    def feed(self, text: str) -> tuple[str, bool]:
        """Return (text safe to show, whether a stop sequence was reached)."""
        self.pending += text
        cut = min((i for s in self.stops if (i := self.pending.find(s)) >= 0), default=-1)
        if cut >= 0:
            released, self.pending = self.pending[:cut], ""
            return released, True
        hold = max((_overlap(self.pending, s) for s in self.stops), default=0)
        released = self.pending[: len(self.pending) - hold]
        self.pending = self.pending[len(released):]
        return released, False

    def flush(self) -> str:
        rest, self.pending = self.pending, ""
        return rest


def _overlap(text: str, stop: str) -> int:
    """Length of the longest suffix of `text` that is a proper prefix of `stop`."""
    for size in range(min(len(text), len(stop) - 1), 0, -1):
        if stop.startswith(text[-size:]):
            return size
    return 0
