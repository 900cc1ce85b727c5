"""Run the blocks of one docs page, in order, in one fresh namespace (a subprocess of test_docs).

Usage: python run_page.py BLOCKS.json

BLOCKS.json holds {"page": path, "blocks": [{"kind", "source", "line"}, ...]}.
Python blocks are compiled under the page's own file name, padded so that
their line numbers are the page's: a traceback points at the Markdown line.
Console blocks run each "$ command" line without a shell (leading
`NAME=value` words set environment variables, as in a shell) and fail on a
non-zero exit. The exit status is non-zero on the first failure.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import traceback


def run_console(source: str, page: str, first_line: int) -> None:
    for offset, line in enumerate(source.splitlines()):
        if not line.startswith("$ "):
            continue
        command = shlex.split(line[2:])
        env = dict(os.environ)
        while command and "=" in command[0] and command[0].split("=", 1)[0].isidentifier():
            name, value = command.pop(0).split("=", 1)  # `NAME=value command ...`, as a shell reads it
            env[name] = value
        print(f"$ {line[2:]}", flush=True)
        result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        sys.stdout.write(result.stdout)
        sys.stdout.write(result.stderr)
        if result.returncode != 0:
            raise SystemExit(f"{page}:{first_line + offset}: `{line[2:]}` exited with status {result.returncode}.")


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as stream:
        spec = json.load(stream)
    page = spec["page"]
    # A script's namespace, as if the page's code were one file run with `python`.
    namespace: dict = {"__name__": "__main__", "__file__": page}
    for block in spec["blocks"]:
        print(f"--- {page}:{block['line']} ({block['kind']})", flush=True)
        if block["kind"] == "console":
            run_console(block["source"], page, block["line"])
            continue
        code = compile("\n" * (block["line"] - 1) + block["source"], page, "exec")
        try:
            exec(code, namespace)
        except BaseException:
            traceback.print_exc()
            sys.stdout.flush()
            raise SystemExit(f"{page}:{block['line']}: this block raised (traceback above).") from None
        sys.stdout.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip framework teardown (TensorFlow and JAX can take seconds to exit)


if __name__ == "__main__":
    main()
