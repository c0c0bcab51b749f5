"""`doorman verdict`: a reviewer's signed verdict on a Tier A attempt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from doorman.apprentice.verdicts import VerdictDesk
from doorman.cli.context import state
from doorman.core.errors import InvalidArgument


def verdict(
    request_id: Annotated[str, typer.Argument(help="The attempt's request id (X-Doorman-Request-Id, infer --json).")],
    kind: Annotated[str, typer.Argument(metavar="accept|refine|reject|defer-tier-c", help="The verdict.")],
    reviewer: Annotated[str, typer.Option("--reviewer", "-r", help="The reviewer whose key signs it.")],
    refined: Annotated[Optional[str], typer.Option("--refined", help="The better answer (refine).")] = None,
    refined_file: Annotated[Optional[Path], typer.Option("--refined-file", help="Read the better answer from a file.",
                                                         show_default=False)] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note kept (and signed) with the verdict.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the stored records as JSON.")] = False,
) -> None:
    """Sign and record a verdict; a later one supersedes it, and both are kept."""
    if refined is not None and refined_file is not None:
        raise InvalidArgument("give the refined text once: --refined or --refined-file")
    if refined_file is not None:
        try:
            refined = refined_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidArgument(f"--refined-file: cannot read {refined_file}: {exc}") from None
    desk = VerdictDesk(state.home, state.config, run_tier_c=lambda request: state.doorman().complete(request))
    recorded = desk.record(desk.sign_here(request_id, kind, reviewer, refined, note))
    if as_json:
        print(json.dumps({"verdict": recorded.verdict, "candidate": recorded.candidate}, ensure_ascii=False))
        return
    record = recorded.verdict
    superseded = f", supersedes {record['supersedes']}" if record["supersedes"] else ""
    print(f"{record['verdict_id']}: {record['verdict']} on {request_id} by {reviewer}{superseded}")
    if recorded.candidate:
        print(f"Tier C answer ({recorded.candidate['tier_c_request_id']}):\n{recorded.candidate['text']}")
