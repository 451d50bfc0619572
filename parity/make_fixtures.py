#!/usr/bin/env python3
"""Writes the parity fixtures the Java tests compare against (DESIGN.md section 8).

Every module parity/fx_*.py defines ``generate(out_dir: pathlib.Path)`` and writes its fixtures
into gpu-runtime/src/test/resources/parity/<name>/ (name = module name without ``fx_``).
Usage: python parity/make_fixtures.py [name ...]   (all modules when none is named)
Upstream code that transformers does not have is imported from checkouts named by variables
(see parity/README.md); nothing upstream is copied into the repository.
"""
import importlib.util
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent
OUT = ROOT.parent / "gpu-runtime" / "src" / "test" / "resources" / "parity"


def modules():
    return sorted(p for p in ROOT.glob("fx_*.py"))


def main(names):
    sys.path.insert(0, str(ROOT))
    found = {p.stem[3:]: p for p in modules()}
    unknown = [n for n in names if n not in found]
    if unknown:
        sys.exit(f"unknown fixture set(s) {unknown}; known: {sorted(found)}")
    for name in names or sorted(found):
        spec = importlib.util.spec_from_file_location(found[name].stem, found[name])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        out = OUT / name
        out.mkdir(parents=True, exist_ok=True)
        print(f"[{name}] -> {out}", flush=True)
        module.generate(out)


if __name__ == "__main__":
    main(sys.argv[1:])
