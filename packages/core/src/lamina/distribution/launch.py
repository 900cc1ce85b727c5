"""`python -m lamina.distribution.launch --nproc N script.py [args...]`: start a local job.

Runs `script.py` as N processes on this machine, each of which calls
`lamina.distribution.initialize()` (or creates a `DataParallel`, which
initializes a launched process itself) and trains under `DataParallel`.

On the torch backend this is `torch.distributed.run` (`torchrun
--standalone --nproc-per-node N`). On the others, the launcher starts the
processes itself and gives each the `LAMINA_DISTRIBUTION_JOB_ADDRESSES`,
`..._NUM_PROCESSES` and `..._PROCESS_ID` variables that `initialize()`
reads. If one process fails, the others are stopped; the exit status is the
first failure's.

Example:
    ```console
    $ LAMINA_BACKEND=torch python -m lamina.distribution.launch --nproc 2 train.py --epochs 3
    ```
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time

from lamina.distribution.devices import ENV_JOB_ADDRESSES, ENV_NUM_PROCESSES, ENV_PROCESS_ID


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lamina.distribution.launch",
        description="Run a training script as several local processes of one data-parallel job.",
    )
    parser.add_argument("--nproc", type=int, required=True, help="number of processes (one per device)")
    parser.add_argument(
        "--backend", default=None, help="backend (default: LAMINA_BACKEND, else Lamina's default backend)"
    )
    parser.add_argument("script", help="the Python script to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    return parser


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def spawn(num_processes: int, argv: list[str], backend_name: str) -> int:
    """Starts `python argv...` `num_processes` times with the job's environment; returns the exit status."""
    addresses = ",".join(f"127.0.0.1:{port}" for port in _free_ports(num_processes))
    processes = []
    for process_id in range(num_processes):
        env = dict(os.environ)
        env.update(
            {
                "LAMINA_BACKEND": backend_name,
                ENV_JOB_ADDRESSES: addresses,
                ENV_NUM_PROCESSES: str(num_processes),
                ENV_PROCESS_ID: str(process_id),
            }
        )
        processes.append(subprocess.Popen([sys.executable, *argv], env=env))
    status = 0
    try:
        running = list(processes)
        while running:
            for process in list(running):
                code = process.poll()
                if code is None:
                    continue
                running.remove(process)
                if code != 0 and status == 0:
                    status = code
                    for other in running:
                        other.terminate()
            time.sleep(0.05)
    except KeyboardInterrupt:
        for process in processes:
            process.terminate()
        status = 130
    finally:
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return status


def main(argv: list[str] | None = None) -> int:
    """Parses the command line, starts the job and returns its exit status."""
    options = _parser().parse_args(argv)
    if options.nproc < 1:
        _parser().error(f"--nproc must be a positive integer. Received: --nproc {options.nproc}")
    if not os.path.exists(options.script):
        _parser().error(f"Script not found: {options.script}")
    from lamina.backend import get_backend, selection

    name = options.backend or selection.default_backend_name()
    backend = get_backend(name)
    script_argv = [options.script, *options.args]
    os.environ["LAMINA_BACKEND"] = backend.name  # the processes run on the launcher's backend
    status = backend.distribution_launch(options.nproc, script_argv)
    if status is None:
        status = spawn(options.nproc, script_argv, backend.name)
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
