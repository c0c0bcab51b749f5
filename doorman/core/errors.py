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

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


class ConfigError(DoormanError):
    """The config file is unreadable or names something invalid."""

    code = "config_invalid"
    exit_code = 3
    http_status = 500


class ModelUnavailable(DoormanError):
    """The model file is missing, corrupt or cannot be loaded."""

    code = "model_unavailable"
    exit_code = 4
    http_status = 503


class InferenceFailed(DoormanError):
    """The tier accepted the call but failed while running it."""

    code = "inference_failed"
    exit_code = 4
    http_status = 502


class LedgerUnavailable(DoormanError):
    """The ledger cannot be written: the call fails rather than run unlogged."""

    code = "ledger_unavailable"
    exit_code = 5
    http_status = 503


class Cancelled(DoormanError):
    """The caller went away (Ctrl-C, a closed connection) before the answer ended."""

    code = "cancelled"
    exit_code = 130
    http_status = 499
