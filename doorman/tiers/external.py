"""Tier C: an allow-listed external API, paid for out of each module's daily budget."""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator
from dataclasses import replace

from doorman.core.config import ExternalConfig, ModuleConfig
from doorman.core.errors import ConfigError
from doorman.core.home import Home
from doorman.core.types import Delta, Message, Request
from doorman.tiers.base import Finish
from doorman.tiers.budget import Budget
from doorman.tiers.openai_client import ClientSettings, OpenAIClient, check_host

DEFAULT_MAX_TOKENS = 512


class ExternalTier:
    name = "C"
    leaves_box = True

    def __init__(self, config: ExternalConfig, home: Home, modules: dict[str, ModuleConfig]):
        self.config = config
        self.home = home
        self.modules = modules
        self.budget = Budget(home.root / "budget.sqlite")
        check_host(config.endpoint, config.allow_hosts, self.name)  # refuse a bad config at once
        self._client: OpenAIClient | None = None

    @property
    def model_name(self) -> str:
        return self.config.model

    def client(self) -> OpenAIClient:
        if self._client is None:
            self._client = OpenAIClient(
                ClientSettings(self.config.endpoint, api_key=self._api_key(), allow_hosts=self.config.allow_hosts),
                tier=self.name,
            )
        return self._client

    def _api_key(self) -> str:
        if self.config.api_key_env and os.environ.get(self.config.api_key_env):
            return os.environ[self.config.api_key_env]
        if self.config.api_key_file:
            path = self.home.resolve(self.config.api_key_file)
            try:
                return path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"external.api_key_file: cannot read {path}: {exc.strerror}") from None
        raise ConfigError(
            f"Tier C needs an API key: set ${self.config.api_key_env or 'DOORMAN_EXTERNAL_KEY'} "
            f"or external.api_key_file"
        )

    def prepare(self, request: Request) -> Request:
        """Put the module's ontology in front as a system message (it is sanitised with the rest)."""
        module = self.modules[request.module_id]
        if not module.ontology:
            return request
        path = self.home.resolve(module.ontology)
        try:
            vocabulary = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"modules.{module.name}.ontology: cannot read {path}: {exc.strerror}") from None
        return replace(request, messages=(Message("system", vocabulary),) + request.messages)

    def estimate_usd(self, request: Request) -> float:
        """An upper estimate before the call: ~3 bytes a token for the prompt, all of max_tokens."""
        prompt_tokens = math.ceil(sum(len(m.content.encode("utf-8")) for m in request.messages) / 3) + 8
        completion_tokens = request.max_tokens or DEFAULT_MAX_TOKENS
        return self.price(prompt_tokens, completion_tokens)

    def price(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.config.price_prompt_per_1k
                + completion_tokens * self.config.price_completion_per_1k) / 1000

    async def astream(self, request: Request) -> AsyncIterator[Delta | Finish]:
        module = self.modules[request.module_id]
        estimate = self.estimate_usd(request)
        reservation = self.budget.reserve(module.name, request.request_id, estimate, module.daily_budget_usd)
        cost = 0.0  # nothing streamed, nothing spent: the reservation is released
        payload = {
            "model": self.config.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
        }
        if request.temperature is not None:
            payload["temperature"] = request.temperature
        if request.seed is not None:
            payload["seed"] = request.seed
        try:
            async for event in self.client().stream_chat(payload):
                if isinstance(event, Finish):
                    cost = self.price(event.usage.prompt_tokens, event.usage.completion_tokens)
                    yield Finish(event.usage, event.finish_reason, cost)
                else:
                    cost = estimate  # tokens flowed: if the call breaks now, keep what was reserved
                    yield event
        finally:
            self.budget.settle(reservation, cost)
