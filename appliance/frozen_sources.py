"""Check that a frozen executable holds exactly the checkout's doorman package.

PyInstaller reuses its work folder when a source file's mtime is not newer than the last
build, so an edit made during a build, or a file copied with its old mtime, can be frozen
stale beside fresh modules. The build runs this after every freeze, with the build
environment's Python (the one PyInstaller ran under):

    python appliance/frozen_sources.py EXECUTABLE
"""

from __future__ import annotations

import sys
from pathlib import Path

from PyInstaller.archive.readers import CArchiveReader

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "doorman"


def tree_modules() -> dict[str, Path]:
    modules = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def mismatches(executable: Path) -> list[str]:
    pyz = CArchiveReader(str(executable)).open_embedded_archive("PYZ.pyz")
    frozen = {name for name in pyz.toc if name == PACKAGE or name.startswith(PACKAGE + ".")}
    tree = tree_modules()
    problems = []
    for name, path in tree.items():
        if name not in frozen:
            continue  # a module nothing imports is left out by design (e.g. a command's optional part)
        # Code objects compare by bytecode, constants (nested code included), names and line
        # table, not by file name, which PyInstaller rewrites.
        if pyz.extract(name) != compile(path.read_bytes(), str(path), "exec", dont_inherit=True):
            problems.append(f"{name} differs from {path.relative_to(ROOT)}")
    problems += [f"{name} is frozen but not in the checkout" for name in sorted(frozen - tree.keys())]
    return problems


def main(argv: list[str]) -> int:
    executable = Path(argv[0])
    problems = mismatches(executable)
    if problems:
        for problem in problems:
            print(f"stale freeze: {problem}", file=sys.stderr)
        return 1
    print(f"{executable.name}: every frozen doorman module matches the checkout")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
