"""Config: built-in defaults merged with the home's `doorman.toml`.

A file overrides only what it names: a file holding one `[modules.x]` table still
runs Tier A on the embedded model, and the built-in `demo` module stays.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from doorman.core.errors import ConfigError

MODULE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
EMBEDDED_MODEL = "embedded"
PROMPT_FORMATS = ("auto", "chat", "completion")

DEFAULTS: dict[str, Any] = {
    "local": {
        "model": EMBEDDED_MODEL,
        "threads": 0,
        "threads_batch": 0,
        "context_size": 2048,
        "batch_size": 512,
        "prompt_format": "auto",
        "max_tokens": 256,
        "temperature": 0.2,
        "repeat_penalty": 1.15,
        "frame": {
            "system": "{text}\n\n",
            "user": "Q: {text}\n",
            "assistant": "A: {text}\n",
            "answer": "A:",
            "stop": ["\nQ:", "\n\n"],
        },
    },
    "modules": {
        "demo": {"description": "Built-in demo module: Tier A on the local model."},
    },
}


@dataclass(frozen=True)
class CompletionFrame:
    """How a conversation is framed for a base (not instruction-tuned) model."""

    system: str
    user: str
    assistant: str
    answer: str
    stop: tuple[str, ...]


@dataclass(frozen=True)
class LocalConfig:
    """Tier A: the quantised model on this box."""

    model: str
    threads: int
    threads_batch: int
    context_size: int
    batch_size: int
    prompt_format: str
    max_tokens: int
    temperature: float
    repeat_penalty: float
    frame: CompletionFrame
    name: str | None = None


@dataclass(frozen=True)
class ModuleConfig:
    name: str
    description: str = ""
    declared_in: str = "built-in"  # "built-in" or the config file's path


@dataclass(frozen=True)
class Config:
    local: LocalConfig
    modules: dict[str, ModuleConfig] = field(default_factory=dict)
    source: Path | None = None


def load_config(path: Path) -> Config:
    """Read `path` if it exists and merge it over the built-in defaults."""
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
    return parse_config(merge(DEFAULTS, data), source=path if path.exists() else None,
                        file_modules=set(data.get("modules", {})))


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge two TOML tables; `override` wins on every key it names."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = merge(base[key], value)
        else:
            merged[key] = value
    return merged


def parse_config(
    data: dict[str, Any], source: Path | None = None, file_modules: set[str] = frozenset()
) -> Config:
    where = str(source) if source else "config"
    reader = _Table(data, where, "")
    local = reader.table("local")
    frame = local.table("frame")
    modules = reader.table("modules")
    reader.done()

    local_config = LocalConfig(
        model=local.string("model"),
        name=local.optional_string("name"),
        threads=local.integer("threads", minimum=0),
        threads_batch=local.integer("threads_batch", minimum=0),
        context_size=local.integer("context_size", minimum=128),
        batch_size=local.integer("batch_size", minimum=1),
        prompt_format=local.choice("prompt_format", PROMPT_FORMATS),
        max_tokens=local.integer("max_tokens", minimum=1),
        temperature=local.number("temperature", minimum=0.0),
        repeat_penalty=local.number("repeat_penalty", minimum=1.0),
        frame=CompletionFrame(
            system=frame.template("system"),
            user=frame.template("user"),
            assistant=frame.template("assistant"),
            answer=frame.string("answer"),
            stop=tuple(frame.string_list("stop")),
        ),
    )
    frame.done()
    local.done()

    module_configs = {}
    for name in modules.keys():
        if not MODULE_NAME.fullmatch(name):
            raise ConfigError(
                f"{where}: [modules.{name}]: invalid module name "
                f"(use lowercase letters, digits, '.', '_' or '-', at most 64 characters)"
            )
        table = modules.table(name)
        module_configs[name] = ModuleConfig(
            name=name,
            description=table.string("description", ""),
            declared_in=where if name in file_modules else "built-in",
        )
        table.done()
    return Config(local=local_config, modules=module_configs, source=source)


class _Table:
    """Typed reads from one TOML table; errors name the file and the dotted key."""

    def __init__(self, data: Any, where: str, prefix: str):
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: {prefix or 'top level'}: expected a table")
        self.data = data
        self.where = where
        self.prefix = prefix
        self.seen: set[str] = set()

    def _key(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def _fail(self, key: str, expected: str, value: Any) -> ConfigError:
        return ConfigError(f"{self.where}: {self._key(key)}: expected {expected}, got {value!r}")

    def _get(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        return self.data.get(key, default)

    def keys(self) -> list[str]:
        return list(self.data)

    def table(self, key: str) -> _Table:
        return _Table(self._get(key, {}), self.where, self._key(key))

    def string(self, key: str, default: str | None = None) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise self._fail(key, "a string", value)
        return value

    def optional_string(self, key: str) -> str | None:
        return None if self._get(key) is None else self.string(key)

    def template(self, key: str) -> str:
        value = self.string(key)
        if "{text}" not in value:
            raise self._fail(key, "a string containing {text}", value)
        return value

    def string_list(self, key: str) -> list[str]:
        value = self._get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self._fail(key, "a list of non-empty strings", value)
        return value

    def integer(self, key: str, minimum: int) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self._fail(key, f"an integer >= {minimum}", value)
        return value

    def number(self, key: str, minimum: float) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            raise self._fail(key, f"a number >= {minimum}", value)
        return float(value)

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self._get(key)
        if value not in choices:
            raise self._fail(key, "one of " + ", ".join(choices), value)
        return value

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise ConfigError(f"{self.where}: {self._key(unknown[0])}: unknown key")
