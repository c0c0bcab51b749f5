"""Prometheus metrics, fed by the ledger entries the Doorman writes."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest

from doorman.ledger.entry import LedgerEntry

disable_created_metrics()  # the *_created series only add noise to every counter

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120)


class Metrics:
    def __init__(self, gates):
        self.registry = CollectorRegistry()
        self.requests = Counter("doorman_requests_total", "Calls through the door.",
                                ["module", "tier", "status"], registry=self.registry)
        self.latency = Histogram("doorman_request_duration_seconds", "Call duration, door to ledger.",
                                 ["module", "tier"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.tokens = Counter("doorman_tokens_total", "Tokens processed.",
                              ["module", "tier", "kind"], registry=self.registry)
        queue = Gauge("doorman_queue_depth", "Calls waiting for a tier.", ["tier"], registry=self.registry)
        running = Gauge("doorman_running", "Calls running on a tier.", ["tier"], registry=self.registry)
        for name, gate in gates.items():
            queue.labels(name).set_function(lambda g=gate: g.waiting)
            running.labels(name).set_function(lambda g=gate: g.running)

    def observe(self, entry: LedgerEntry) -> None:
        module, tier = entry.module_id or "-", entry.tier or "-"
        self.requests.labels(module, tier, entry.status).inc()
        self.latency.labels(module, tier).observe(entry.duration_ms / 1000)
        if entry.prompt_tokens:
            self.tokens.labels(module, tier, "prompt").inc(entry.prompt_tokens)
        if entry.completion_tokens:
            self.tokens.labels(module, tier, "completion").inc(entry.completion_tokens)

    def render(self) -> bytes:
        return generate_latest(self.registry)
