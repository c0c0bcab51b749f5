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
from urllib.parse import urlsplit

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
        "prefix_cache_mb": 64,
        "prefix_cache_persist": False,
        "max_queue": 16,
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
    "server": {
        "host": "127.0.0.1",
        "port": 8088,
        "max_body_bytes": 1048576,
        "grace_s": 30,
        "preload_local": True,
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
    max_queue: int
    frame: CompletionFrame
    name: str | None = None
    prefix_cache_mb: int = 64  # evaluated prompt prefixes kept per module (KV state only)
    prefix_cache_persist: bool = False  # also keep them under HOME/prefix-cache across restarts


@dataclass(frozen=True)
class AdapterRef:
    """One LoRA adapter of a module's stack; scale None means the adapter's stored scale."""

    name: str
    scale: float | None = None


@dataclass(frozen=True)
class ModuleConfig:
    name: str
    description: str = ""
    declared_in: str = "built-in"  # "built-in" or the config file's path
    vault: str | None = None  # CSV of known entities (value,type), relative paths from the home
    sanitise_local: bool = False  # Tier A answers from the box itself: sanitise only when asked
    adapters: tuple[AdapterRef, ...] = ()
    tiers: tuple[str, ...] = ("A",)  # the tiers this module may use
    default_tier: str = "A"
    task_tiers: dict[str, str] = field(default_factory=dict)  # declared task kind -> tier
    daily_budget_usd: float | None = None  # Tier C spend cap per UTC day; None: no Tier C spend
    ontology: str | None = None  # vocabulary file injected as a system message for Tier C
    context: bool = False  # ground every call in the module's ingested documents (doorman ingest)
    apprenticeship: bool = False  # keep every Tier A attempt in HOME/corpus for reviewers' verdicts


@dataclass(frozen=True)
class BurstConfig:
    """Tier B: GPU nodes speaking the OpenAI protocol, started and stopped on demand."""

    endpoint: str
    model: str
    start: tuple[str, ...] = ()  # no start command: an always-on endpoint
    stop: tuple[str, ...] = ()
    idle_shutdown_s: float = 300
    start_timeout_s: float = 900
    health_path: str = "/models"
    context_tokens: int = 32768


@dataclass(frozen=True)
class ExternalConfig:
    """Tier C: an allow-listed external API with per-module budgets."""

    endpoint: str
    model: str
    allow_hosts: tuple[str, ...]
    api_key_env: str | None = None
    api_key_file: str | None = None
    price_prompt_per_1k: float = 0.0
    price_completion_per_1k: float = 0.0


@dataclass(frozen=True)
class ServerConfig:
    """`doorman serve`: the HTTP door."""

    host: str
    port: int
    max_body_bytes: int
    grace_s: int
    preload_local: bool  # load Tier A's model before taking calls (else on its first call)


@dataclass(frozen=True)
class ApiKey:
    """An HTTP API key, bound to one module; only its SHA-256 is stored."""

    key_id: str
    module: str
    sha256: str
    created: str


@dataclass(frozen=True)
class Config:
    local: LocalConfig
    server: ServerConfig
    modules: dict[str, ModuleConfig] = field(default_factory=dict)
    api_keys: dict[str, ApiKey] = field(default_factory=dict)
    burst: BurstConfig | None = None
    external: ExternalConfig | None = None
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
    server = reader.table("server")
    api_keys = reader.table("api_keys")
    burst = _burst_config(reader.table("burst")) if "burst" in data else None
    external = _external_config(reader.table("external")) if "external" in data else None
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
        prefix_cache_mb=local.integer("prefix_cache_mb", minimum=0),
        prefix_cache_persist=local.boolean("prefix_cache_persist"),
        max_queue=local.integer("max_queue", minimum=0),
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
            vault=table.optional_string("vault"),
            sanitise_local=table.boolean("sanitise_local", False),
            context=table.boolean("context", False),
            adapters=table.adapter_refs("adapters"),
            apprenticeship=table.boolean("apprenticeship", False),
            **_tier_policy(table, burst, external),
        )
        table.done()

    server_config = ServerConfig(
        host=server.string("host"),
        port=server.integer("port", minimum=0),
        max_body_bytes=server.integer("max_body_bytes", minimum=1024),
        grace_s=server.integer("grace_s", minimum=0),
        preload_local=server.boolean("preload_local"),
    )
    server.done()

    key_configs = {}
    for key_id in api_keys.keys():
        table = api_keys.table(key_id)
        key = ApiKey(
            key_id=key_id,
            module=table.string("module"),
            sha256=table.string("sha256"),
            created=table.string("created", ""),
        )
        table.done()
        if key.module not in module_configs:
            raise ConfigError(f"{where}: api_keys.{key_id}.module: unknown module {key.module!r}")
        key_configs[key_id] = key
    return Config(
        local=local_config, server=server_config, modules=module_configs, api_keys=key_configs,
        burst=burst, external=external, source=source,
    )


TIERS = ("A", "B", "C")


def _tier_policy(table: _Table, burst: BurstConfig | None, external: ExternalConfig | None) -> dict[str, Any]:
    """A module's tier policy; a tier it allows must be configured."""
    tiers = tuple(table.string_list("tiers") or ["A"])
    for tier in tiers:
        if tier not in TIERS:
            raise table.fail("tiers", "tiers among A, B, C", tier)
    if "B" in tiers and burst is None:
        raise table.fail("tiers", "no B without a [burst] table", list(tiers))
    if "C" in tiers and external is None:
        raise table.fail("tiers", "no C without an [external] table", list(tiers))
    default_tier = table.string("default_tier", tiers[0])
    if default_tier not in tiers:
        raise table.fail("default_tier", f"one of the module's tiers {list(tiers)}", default_tier)
    task_table = table.table("task_tiers")
    task_tiers = {kind: task_table.string(kind) for kind in task_table.keys()}
    for kind, tier in task_tiers.items():
        if tier not in tiers:
            raise task_table.fail(kind, f"one of the module's tiers {list(tiers)}", tier)
    return {
        "tiers": tiers,
        "default_tier": default_tier,
        "task_tiers": task_tiers,
        "daily_budget_usd": table.optional_number("daily_budget_usd"),
        "ontology": table.optional_string("ontology"),
    }


def _burst_config(table: _Table) -> BurstConfig:
    config = BurstConfig(
        endpoint=table.url("endpoint"),
        model=table.string("model"),
        start=tuple(table.string_list("start")),
        stop=tuple(table.string_list("stop")),
        idle_shutdown_s=table.optional_number("idle_shutdown_s") or 300.0,
        start_timeout_s=table.optional_number("start_timeout_s") or 900.0,
        health_path=table.string("health_path", "/models"),
        context_tokens=table.optional_integer("context_tokens") or 32768,
    )
    table.done()
    return config


def _external_config(table: _Table) -> ExternalConfig:
    config = ExternalConfig(
        endpoint=table.url("endpoint"),
        model=table.string("model"),
        allow_hosts=tuple(table.string_list("allow_hosts")),
        api_key_env=table.optional_string("api_key_env"),
        api_key_file=table.optional_string("api_key_file"),
        price_prompt_per_1k=table.optional_number("price_prompt_per_1k") or 0.0,
        price_completion_per_1k=table.optional_number("price_completion_per_1k") or 0.0,
    )
    table.done()
    if not config.allow_hosts:
        raise ConfigError(f"{table.where}: external.allow_hosts: list the hosts Tier C may reach")
    host = (urlsplit(config.endpoint).hostname or "").lower()
    if host not in {h.lower() for h in config.allow_hosts}:
        raise ConfigError(f"{table.where}: external.endpoint: host {host!r} is not in external.allow_hosts")
    return config


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

    def fail(self, key: str, expected: str, value: Any) -> ConfigError:
        return self._fail(key, expected, value)

    def optional_number(self, key: str) -> float | None:
        value = self._get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self._fail(key, "a number >= 0", value)
        return float(value)

    def optional_integer(self, key: str) -> int | None:
        return None if self.data.get(key) is None else self.integer(key, minimum=1)

    def url(self, key: str) -> str:
        value = self.string(key)
        if not value.startswith(("http://", "https://")):
            raise self._fail(key, "an http:// or https:// URL", value)
        return value

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

    def boolean(self, key: str, default: bool | None = None) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self._fail(key, "true or false", value)
        return value

    def adapter_refs(self, key: str) -> tuple[AdapterRef, ...]:
        """`adapters = ["tone", {name = "legal", scale = 0.5}]`: names, each with an optional scale."""
        expected = 'a list of adapter names or {name = "...", scale = N} tables'
        value = self._get(key, [])
        if not isinstance(value, list):
            raise self._fail(key, expected, value)
        refs = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                item = {"name": item}
            if not isinstance(item, dict):
                raise self._fail(f"{key}[{index}]", expected, item)
            entry = _Table(item, self.where, f"{self._key(key)}[{index}]")
            name = entry.string("name", "")
            if not MODULE_NAME.fullmatch(name):
                raise entry._fail("name", "an adapter name ([a-z0-9][a-z0-9._-]{0,63})", name)
            scale = entry._get("scale")
            if scale is not None and (isinstance(scale, bool) or not isinstance(scale, (int, float))):
                raise entry._fail("scale", "a number", scale)
            entry.done()
            refs.append(AdapterRef(name, None if scale is None else float(scale)))
        if len({ref.name for ref in refs}) != len(refs):
            raise self._fail(key, "each adapter at most once", value)
        return tuple(refs)

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
