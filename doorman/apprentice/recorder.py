"""Step 6 for apprenticeship modules: keep the Tier A attempt beside its ledger line."""

from __future__ import annotations

from doorman.adapters.registry import AdapterStore
from doorman.apprentice.corpus import Corpus, attempt_record
from doorman.core.config import ModuleConfig
from doorman.core.home import Home
from doorman.core.types import Request


class AttemptRecorder:
    def __init__(self, home: Home):
        self.corpus = Corpus(home.root)
        self.adapters = AdapterStore(home.root / "adapters")

    def keep(self, request: Request, module: ModuleConfig, model: str, response: str,
             finish_reason: str | None) -> None:
        """Append the attempt durably; raises CorpusUnavailable when it cannot be kept."""
        stack = self.adapters.resolve(module.name, module.adapters)
        record = attempt_record(request, module.name, stack, model, response, finish_reason)
        self.corpus.module(module.name).keep(record)
