"""A process killed (SIGKILL) at any point of a save leaves the previous file
whole and loadable: saves write a temporary file, flush it and rename it.

For each kill point a worker saves the same model repeatedly and is killed at
that fraction of a save's duration into its third save. The file must then
load and hold the weights of exactly one save: the last one finished, or the
one in flight if the kill came after its rename.
Atomicity lives in lamina-io and not in a backend, so this runs on the default
backend only (a worker process per kill point costs an import each).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import lamina as keras

pytest.importorskip("h5py")
sys.path.insert(0, os.path.dirname(__file__))
from kill_during_save_worker import make_model  # noqa: E402

WORKER = Path(__file__).with_name("kill_during_save_worker.py")
# Where to kill, as a fraction of the duration of one save (timed on the second).
KILL_POINTS = [0.0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0]


def kill_during_a_save(target: Path, fraction: float) -> tuple[int, int]:
    """Kills the worker `fraction` of a save's duration into its third save.

    Returns the numbers of the last save started and the last save finished.
    """
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert worker.stdout is not None
    lines = []
    try:
        duration = None
        for line in worker.stdout:
            lines.append(line)
            words = line.split()
            if words[:2] == ["saved", "2"]:  # the first save warms up: time the second
                duration = float(words[2])
            elif words[:2] == ["saving", "3"]:
                break
        assert duration is not None, f"the worker exited before its second save: {lines}"
        time.sleep(fraction * duration)
    finally:
        worker.send_signal(signal.SIGKILL)
        lines += worker.communicate(timeout=60)[0].splitlines()
    started = [int(line.split()[1]) for line in lines if line.startswith("saving")]
    finished = [int(line.split()[1]) for line in lines if line.startswith("saved")]
    return max(started), max(finished)


@pytest.mark.parametrize("suffix", [".keras", ".weights.h5"])
def test_a_killed_save_leaves_the_previous_file_whole(suffix: str, tmp_path: Path) -> None:
    interrupted = 0
    for point, fraction in enumerate(KILL_POINTS):
        folder = tmp_path / str(point)
        target = folder / f"model{suffix}"
        started, finished = kill_during_a_save(target, fraction)
        if suffix == ".keras":
            model = keras.models.load_model(target)
        else:
            model = make_model()
            model.load_weights(target)
        values = {float(v) for w in model.get_weights() for v in np.unique(w)}
        assert len(values) == 1, f"killed at {fraction}: a file mixing saves {sorted(values)}"
        # The kill came before or after the rename of the save in flight: either is whole.
        assert values.pop() in {finished, started}, (fraction, started, finished)
        leftovers = [p.name for p in folder.iterdir() if p.name != target.name]
        assert all(name.endswith(".tmp") for name in leftovers), leftovers
        interrupted += started > finished and bool(leftovers)
    # At least one kill landed mid-write (a temporary file was left behind),
    # or this test proved nothing.
    print(f"{interrupted} of {len(KILL_POINTS)} kills interrupted a write")
    assert interrupted, "no kill point interrupted a save; the saves are too quick to hit"
