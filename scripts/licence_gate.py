"""Licence gate: every installed runtime dependency of doorman must carry an allowed licence.

Run `python scripts/licence_gate.py`: it prints each runtime dependency with its
licence and exits 1 naming any package outside the allow-list in pyproject.toml.
Model packages (weights, not code) are judged apart: each must be listed under
`model-packages` with the terms it ships under.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent

# Trove classifiers and free-text licence fields, mapped to SPDX ids.
CLASSIFIERS = {
    "MIT License": "MIT",
    "Apache Software License": "Apache-2.0",
    "BSD License": "BSD-3-Clause",
    "ISC License (ISCL)": "ISC",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "Python Software Foundation License": "PSF-2.0",
    "zlib/libpng License": "Zlib",
    "The Unlicense (Unlicense)": "Unlicense",
}
ALIASES = {
    "mit": "MIT", "mit license": "MIT",
    "apache 2.0": "Apache-2.0", "apache-2.0": "Apache-2.0", "apache 2": "Apache-2.0",
    "apache license 2.0": "Apache-2.0", "apache license, version 2.0": "Apache-2.0",
    "bsd": "BSD-3-Clause", "bsd-3-clause": "BSD-3-Clause", "bsd-2-clause": "BSD-2-Clause",
    "3-clause bsd license": "BSD-3-Clause", "new bsd license": "BSD-3-Clause",
    "isc": "ISC", "mpl-2.0": "MPL-2.0", "psf-2.0": "PSF-2.0", "psf": "PSF-2.0", "zlib": "Zlib",
    "unlicense": "Unlicense",
}


def gate_settings() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["doorman"]["licence-gate"]


def runtime_dependencies(root: str = "doorman") -> list[str]:
    """Every distribution `root` needs at run time, transitively, without extras."""
    seen: dict[str, None] = {}
    queue = [root]
    while queue:
        name = canonical(queue.pop())
        if name in seen:
            continue
        seen[name] = None
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            queue.append(requirement.name)
    return [name for name in seen if name != canonical(root)]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_licences(dist: metadata.Distribution) -> list[str]:
    """The licence ids a distribution declares, most precise first."""
    meta = dist.metadata
    if meta.get("License-Expression"):
        return [meta["License-Expression"]]
    found = []
    for classifier in meta.get_all("Classifier") or []:
        if classifier.startswith("License :: "):
            found.append(CLASSIFIERS.get(classifier.rsplit(" :: ", 1)[-1], classifier))
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) < 80:
        found.append(ALIASES.get(text.lower(), text))
    return found


def allowed(expression: str, allow: set[str]) -> bool:
    """Judge an SPDX expression: AND binds tighter than OR, parentheses group."""
    if not re.search(r"[()]|\b(?:AND|OR|WITH)\b", expression):
        return ALIASES.get(expression.strip().lower(), expression.strip()) in allow  # "Apache 2.0"
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def either() -> bool:
        verdict = both()
        while peek() == "OR":
            take()
            verdict = both() or verdict
        return verdict

    def both() -> bool:
        verdict = single()
        while peek() == "AND":
            take()
            verdict = single() and verdict
        return verdict

    def single() -> bool:
        if peek() == "(":
            take()
            verdict = either()
            if take() != ")":
                raise ValueError(f"unbalanced parentheses in {expression!r}")
            return verdict
        name = take()
        if peek() == "WITH":  # an exception only widens what the licence allows
            take()
            take()
        return ALIASES.get(name.lower(), name) in allow

    try:
        verdict = either()
        return verdict and position == len(tokens)
    except (IndexError, ValueError):
        return False


def judge(names: list[str], settings: dict) -> list[tuple[str, str, bool]]:
    """(package, licence, ok) for each runtime dependency."""
    allow = set(settings["allow"])
    models = {canonical(k): v for k, v in settings.get("model-packages", {}).items()}
    # Packages whose metadata holds no SPDX expression, read by hand: their licence files
    # summed up as one, still judged against the allow-list.
    reviewed = {canonical(k): v for k, v in settings.get("reviewed", {}).items()}
    verdicts = []
    for name in sorted(names):
        if name in models:
            verdicts.append((name, f"model weights: {models[name]}", True))
            continue
        if name in reviewed:
            verdicts.append((name, f"{reviewed[name]} (reviewed)", allowed(reviewed[name], allow)))
            continue
        try:
            licences = declared_licences(metadata.distribution(name))
        except metadata.PackageNotFoundError:
            verdicts.append((name, "not installed", False))
            continue
        ok = any(allowed(licence, allow) for licence in licences)
        verdicts.append((name, " | ".join(licences) or "no licence declared", ok))
    return verdicts


def main() -> int:
    return report(judge(runtime_dependencies(), gate_settings()), "runtime dependencies")


def report(verdicts: list[tuple[str, str, bool]], what: str) -> int:
    """Print each verdict; the exit status is 1 when any component is not allowed."""
    for name, licence, ok in verdicts:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {licence}")
    bad = [name for name, _, ok in verdicts if not ok]
    if bad:
        print(f"licence gate: not allowed: {', '.join(bad)}", file=sys.stderr)
        return 1
    print(f"licence gate: {len(verdicts)} {what}, all allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
