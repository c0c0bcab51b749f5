"""The one error tree: every failure a caller can see is a DoormanError.

Each error carries a stable `code` (for scripts, the ledger and API bodies), the
CLI's exit code and the HTTP status the API answers with. Tiers and stores
translate foreign exceptions into this tree at their edge.
"""

from __future__ import annotations


class DoormanError(Exception):
    code = "internal_error"
    exit_code = 1
    http_status = 500

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.message = message
        self.param = param  # the request field at fault, when there is one


class InvalidRequest(DoormanError):
    """The request itself is malformed: an empty prompt, a bad parameter."""

    code = "invalid_request"
    exit_code = 2
    http_status = 400


class AdmissionError(DoormanError):
    """The request was refused at the door, before any model was touched."""

    exit_code = 2


class ModuleRequired(AdmissionError):
    code = "module_required"
    http_status = 400


class InvalidModuleName(AdmissionError):
    code = "invalid_module"
    http_status = 400


class UnknownModule(AdmissionError):
    code = "unknown_module"
    http_status = 404


class PayloadTooLarge(InvalidRequest):
    code = "request_too_large"
    http_status = 413


class AuthenticationFailed(AdmissionError):
    """No API key, or one that is not configured, where keys are required."""

    code = "invalid_api_key"
    http_status = 401


class ModuleNotAllowed(AdmissionError):
    """A valid API key used for a module it is not bound to."""

    code = "module_not_allowed"
    http_status = 403


class QueueFull(DoormanError):
    """The tier's waiting line is full; try again shortly."""

    code = "queue_full"
    exit_code = 6
    http_status = 429

    def __init__(self, message: str, retry_after_s: int = 1):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ConfigError(DoormanError):
    """The config file is unreadable or names something invalid."""

    code = "config_invalid"
    exit_code = 3
    http_status = 500


class HomeUnset(ConfigError):
    """No state directory was named and there is no HOME to derive one from (a service)."""

    code = "home_unset"


class ModelUnavailable(DoormanError):
    """The model file is missing, corrupt or cannot be loaded."""

    code = "model_unavailable"
    exit_code = 4
    http_status = 503


class AdapterInvalid(DoormanError):
    """A LoRA adapter file is not one the base model can use, or its stored copy changed."""

    code = "adapter_invalid"
    exit_code = 4
    http_status = 503


class AdapterNotFound(DoormanError):
    """An adapter name that is not in the home's adapter store."""

    code = "adapter_not_found"
    exit_code = 2
    http_status = 404


class AdapterInUse(DoormanError):
    """Removing an adapter that a module's config still names."""

    code = "adapter_in_use"
    exit_code = 2
    http_status = 409


class InferenceFailed(DoormanError):
    """The tier accepted the call but failed while running it."""

    code = "inference_failed"
    exit_code = 4
    http_status = 502


class SanitiseFailed(DoormanError):
    """Sanitising the outbound text failed: nothing is sent (fail closed)."""

    code = "sanitise_failed"
    exit_code = 4
    http_status = 500


class TierUnavailable(DoormanError):
    """A remote tier could not be reached or started in time."""

    code = "tier_unavailable"
    exit_code = 4
    http_status = 503


class TierNotAllowed(AdmissionError):
    """An explicit tier the module's policy does not allow, or that is not configured."""

    code = "tier_not_allowed"
    http_status = 403


class BudgetExceeded(AdmissionError):
    """A Tier C call whose estimated cost does not fit the module's daily budget."""

    code = "budget_exceeded"
    http_status = 429


class HostNotAllowed(DoormanError):
    """An outbound call to a host outside `[external] allow_hosts`: refused, nothing sent."""

    code = "host_not_allowed"
    exit_code = 4
    http_status = 502


class LedgerUnavailable(DoormanError):
    """The ledger cannot be written: the call fails rather than run unlogged."""

    code = "ledger_unavailable"
    exit_code = 5
    http_status = 503


class LedgerTampered(DoormanError):
    """The ledger does not verify: a line was edited, deleted, reordered or inserted, a day
    file or seal is missing or bad, or an anchored head is gone."""

    code = "ledger_tampered"
    exit_code = 7
    http_status = 500


class LedgerTornTail(LedgerTampered):
    """The newest day file ends in a partial line (a crash mid-write); the next append heals it."""

    code = "ledger_torn_tail"


class DocumentNotFound(DoormanError):
    """A document name or id that the module's knowledge store does not hold."""

    code = "document_not_found"
    exit_code = 2
    http_status = 404


class KnowledgeUnavailable(DoormanError):
    """A module knowledge store that cannot be opened or written (busy past the wait, or damaged)."""

    code = "knowledge_unavailable"
    exit_code = 4
    http_status = 503


class InvalidArgument(DoormanError):
    """A command-line argument cannot be used: an unparseable date, an unknown choice."""

    code = "invalid_argument"
    exit_code = 2
    http_status = 400


class Cancelled(DoormanError):
    """The caller went away (Ctrl-C, a closed connection) before the answer ended."""

    code = "cancelled"
    exit_code = 130
    http_status = 499


class AttemptNotFound(DoormanError):
    """A request id with no attempt in any module's apprenticeship corpus."""

    code = "attempt_not_found"
    exit_code = 2
    http_status = 404


class ApprenticeshipOff(DoormanError):
    """A verdict on a call of a module that does not keep attempts (`apprenticeship = false`)."""

    code = "apprenticeship_off"
    exit_code = 2
    http_status = 409


class ReviewerKeyMissing(DoormanError):
    """A reviewer with no key pair (or only a public key where signing needs the private one)."""

    code = "reviewer_key_missing"
    exit_code = 2
    http_status = 403


class InvalidSignature(DoormanError):
    """A verdict whose signature does not verify against the reviewer's listed public key."""

    code = "invalid_signature"
    exit_code = 2
    http_status = 401


class VerdictConflict(DoormanError):
    """A verdict that names, as the one it supersedes, a verdict that is no longer the latest."""

    code = "verdict_conflict"
    exit_code = 2
    http_status = 409


class CorpusUnavailable(DoormanError):
    """The apprenticeship corpus cannot be written or read."""

    code = "corpus_unavailable"
    exit_code = 5
    http_status = 503


class CorpusTampered(DoormanError):
    """`doorman corpus verify` found a record whose hash or signature does not verify."""

    code = "corpus_tampered"
    exit_code = 7
    http_status = 500
