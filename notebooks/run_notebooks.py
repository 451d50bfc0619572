#!/usr/bin/env python3
"""Executes every notebook in notebooks/ against a job's output, an eval's JSON lines and a sweep.

    python3 notebooks/run_notebooks.py --job-output DIR --eval-json FILE --sweep-output DIR [--venv DIR] [--executed DIR]

Creates (once) a virtual environment with notebooks/requirements.txt, re-runs itself inside it, and
executes each *.ipynb with nbclient; DVLCAP_JOB_OUTPUT, DVLCAP_EVAL_JSON and DVLCAP_SWEEP_OUTPUT tell
the notebooks what to read. Executed copies (with their outputs and plots) go to --executed. Exit status: 0 all ran,
1 a notebook raised (its name, cell and error are printed), 2 bad arguments or no usable Python
environment.

Only the standard library is imported outside the venv, so any python3 >= 3.9 can start it.
"""
import argparse
import hashlib
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements.txt"
IN_VENV = "DVLCAP_NOTEBOOKS_IN_VENV"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--job-output", required=True, help="output directory of a dvlcap job (captions/, metrics/)")
    p.add_argument("--eval-json", required=True, help="JSON lines written by dvlcap eval --json")
    p.add_argument("--sweep-output", required=True, help="output directory of a dvlcap sweep (sweep/, sweep_captions/)")
    p.add_argument("--venv", default=str(HERE / "target" / "venv"),
                   help="virtual environment to create or reuse (default notebooks/target/venv)")
    p.add_argument("--executed", default=str(HERE / "target" / "executed"),
                   help="directory for the executed notebooks (default notebooks/target/executed)")
    p.add_argument("--timeout", type=int, default=120, help="seconds one cell may run (default 120)")
    return p.parse_args(argv)


def venv_python(venv_dir):
    return Path(venv_dir) / "bin" / "python"


def ensure_venv(venv_dir):
    """The venv's python, installing the requirements when they changed since the last install."""
    stamp = Path(venv_dir) / "requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    python = venv_python(venv_dir)
    if python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return python
    print(f"run_notebooks: installing {REQUIREMENTS.name} into {venv_dir}", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    # No retries: an index that cannot be reached (a machine with a local index only) is skipped at once.
    cmd = [str(python), "-m", "pip", "install", "--quiet", "--retries", "0", "-r", str(REQUIREMENTS)]
    if subprocess.call(cmd) != 0:
        sys.exit(f"run_notebooks: pip could not install {REQUIREMENTS} into {venv_dir} (command: {' '.join(cmd)})")
    stamp.write_text(wanted + "\n")
    return python


def execute_all(args):
    """Runs inside the venv: executes every notebook, returns the exit status."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    os.environ["DVLCAP_JOB_OUTPUT"] = str(Path(args.job_output).resolve())
    os.environ["DVLCAP_EVAL_JSON"] = str(Path(args.eval_json).resolve())
    os.environ["DVLCAP_SWEEP_OUTPUT"] = str(Path(args.sweep_output).resolve())
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    executed = Path(args.executed)
    executed.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(HERE.glob("*.ipynb"))
    if not notebooks:
        print(f"run_notebooks: no notebook in {HERE}", file=sys.stderr)
        return 1
    failed = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}})
        try:
            client.execute()
            print(f"run_notebooks: {path.name} ran ({len(nb.cells)} cells)", flush=True)
        except CellExecutionError as e:
            failed.append(path.name)
            # Without the terminal colours of IPython's traceback, so that build logs read plainly.
            plain = re.sub(r"\x1b\[[0-9;]*m", "", str(e))
            print(f"run_notebooks: {path.name} FAILED:\n{plain}", file=sys.stderr, flush=True)
        finally:
            nbformat.write(nb, executed / path.name)
    if failed:
        print(f"run_notebooks: {len(failed)} of {len(notebooks)} notebooks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"run_notebooks: {len(notebooks)} notebooks ran; executed copies in {executed}")
    return 0


def main(argv):
    args = parse_args(argv)
    for name, path in (("--job-output", args.job_output), ("--eval-json", args.eval_json),
                       ("--sweep-output", args.sweep_output)):
        if not Path(path).exists():
            print(f"run_notebooks: {name} {path} does not exist", file=sys.stderr)
            return 2
    if os.environ.get(IN_VENV) == "1":
        return execute_all(args)
    python = ensure_venv(args.venv)
    env = dict(os.environ, **{IN_VENV: "1"})
    return subprocess.call([str(python), str(Path(__file__).resolve())] + argv, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
