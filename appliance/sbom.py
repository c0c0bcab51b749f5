"""Write the appliance's CycloneDX SBOM and run the licence gate on exactly its list.

Run with the build environment's Python (the one PyInstaller froze from):
    python appliance/sbom.py OUT.cdx.json MODEL_FILE
The components are doorman's runtime dependencies as installed there, with their
versions and declared licences; the embedded model is listed with its terms.
Exits 1 naming any component whose licence is outside pyproject.toml's allow-list.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
import uuid
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def licence_gate():
    spec = importlib.util.spec_from_file_location("licence_gate", ROOT / "scripts" / "licence_gate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def components(gate, model: Path) -> tuple[list[dict], list[tuple[str, str, bool]]]:
    names = gate.runtime_dependencies()
    verdicts = gate.judge(names, gate.gate_settings())
    found = []
    for name, licence, _ok in verdicts:
        version = metadata.version(name)
        entry = {"type": "library", "name": name, "version": version, "purl": f"pkg:pypi/{name}@{version}"}
        if licence.startswith("model weights: "):
            entry["licenses"] = [{"license": {"name": licence.removeprefix("model weights: ")}}]
        elif licence:
            first = licence.split(" | ")[0]
            spdx = re.fullmatch(r"[A-Za-z0-9.+\-]+(?: (?:AND|OR|WITH) [A-Za-z0-9.+\-()]+)*|\(.*\)", first)
            entry["licenses"] = [{"expression": first} if spdx else {"license": {"name": first}}]
        found.append(entry)
    found.append({
        "type": "machine-learning-model", "name": model.name,
        "hashes": [{"alg": "SHA-256", "content": sha256(model)}],
        "licenses": [{"license": {"name": "Gemma Terms of Use"}}],
    })
    return found, verdicts


def main(out: Path, model: Path) -> int:
    gate = licence_gate()
    found, verdicts = components(gate, model)
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "component": {"type": "application", "name": "doorman", "version": metadata.version("doorman"),
                          "licenses": [{"expression": "Apache-2.0"}]},
        },
        "components": found,
    }
    out.write_text(json.dumps(document, indent=2) + "\n")
    return gate.report(verdicts, "components of the SBOM")


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
