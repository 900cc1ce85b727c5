"""Saves one model over and over to the same file until it is killed.

Run by test_killed_save.py: `python kill_during_save_worker.py FILE`. Before
save number i every weight is set to i, so a file that loads shows which save
it came from, and whether it is whole (all weights equal to one i).
Prints `saving i` before each save and `saved i SECONDS` after it.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import lamina as keras
from lamina import layers


def make_model() -> keras.Model:
    # About 4 MB of float32 weights: a save takes long enough to be hit mid-way.
    return keras.Sequential([keras.Input((512,)), layers.Dense(1024), layers.Dense(512), layers.Dense(10)])


def main(target: str) -> None:
    model = make_model()
    model.compile(optimizer="adam", loss="mse")
    model.optimizer.build(model.trainable_variables)
    save = model.save_weights if target.endswith(".weights.h5") else model.save
    i = 0
    while True:
        i += 1
        model.set_weights([np.full(w.shape, i, dtype=w.dtype) for w in model.get_weights()])
        print(f"saving {i}", flush=True)
        start = time.perf_counter()
        save(target)
        print(f"saved {i} {time.perf_counter() - start:.6f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
