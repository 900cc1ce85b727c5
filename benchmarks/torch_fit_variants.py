"""Lamina `fit` variants on torch vs native torch loops (an ad-hoc tool; the
side-by-side benchmark is `benchmarks/run.py`).

MLP 784-512-512-10, batch 128, Adam, random data in memory, one CPU thread.
Each variant runs an epoch of STEPS steps; variants alternate (to share the
machine's load fairly), after two warm-up epochs; the median of REPEATS is
reported.

    OMP_NUM_THREADS=1 python benchmarks/torch_fit_variants.py \
        native_fused native_foreach lamina lamina_noshuffle lamina_acc

Variants: native_foreach / native_fused (torch.optim.Adam with foreach=True /
fused=True, zero_grad(set_to_none=True), tensor slicing), lamina (fit,
verbose=0, default shuffle), lamina_noshuffle, lamina_acc (with the
"accuracy" metric), lamina_jit (jit_compile=True). NOFUSED=1 runs Lamina
with the generic optimizer rules.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ["LAMINA_BACKEND"] = "torch"

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

STEPS = int(os.environ.get("STEPS", 100))
REPEATS = int(os.environ.get("REPEATS", 5))
BATCH = 128
rng = np.random.default_rng(0)
X = rng.standard_normal((BATCH * STEPS, 784)).astype("float32")
Y = rng.integers(0, 10, size=(BATCH * STEPS,)).astype("int64")


def native(fused: bool) -> Callable[[], None]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10)
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, **({"fused": True} if fused else {"foreach": True}))
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = torch.from_numpy(X), torch.from_numpy(Y)

    def epoch() -> None:
        for i in range(STEPS):
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[i * BATCH : (i + 1) * BATCH]), y[i * BATCH : (i + 1) * BATCH])
            loss.backward()
            optimizer.step()

    return epoch


def lamina(metrics: list | None = None, shuffle: bool = True, jit: bool = False) -> Callable[[], None]:
    import lamina as keras
    from lamina_torch.backend import TorchBackend

    if os.environ.get("NOFUSED"):
        TorchBackend.fused_optimizer_update = lambda self, *args: False  # type: ignore[method-assign]
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=metrics,
        jit_compile=jit,
    )

    def epoch() -> None:
        model.fit(X, Y, batch_size=BATCH, epochs=1, verbose=0, shuffle=shuffle)

    return epoch


VARIANTS: dict[str, Callable[[], Callable[[], None]]] = {
    "native_foreach": lambda: native(fused=False),
    "native_fused": lambda: native(fused=True),
    "lamina": lambda: lamina(),
    "lamina_noshuffle": lambda: lamina(shuffle=False),
    "lamina_acc": lambda: lamina(metrics=["accuracy"]),
    "lamina_jit": lambda: lamina(jit=True),
}


def main(names: list[str]) -> None:
    epochs = {name: VARIANTS[name]() for name in names}
    for epoch in epochs.values():
        epoch()
        epoch()
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(REPEATS):
        for name, epoch in epochs.items():
            start = time.perf_counter()
            epoch()
            times[name].append(time.perf_counter() - start)
    rates = {name: STEPS / statistics.median(values) for name, values in times.items()}
    best = max((rate for name, rate in rates.items() if name.startswith("native")), default=None)
    for name, rate in rates.items():
        ratio = f"  {rate / best:.3f}x best native" if best else ""
        print(f"{name:18s} {rate:7.1f} steps/s{ratio}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["native_fused", "native_foreach", "lamina", "lamina_acc"])
