"""One backend's measurements, in one process (started by `benchmarks/run.py`).

`--mode train`: for each workload, builds every contender (Lamina `fit`, the
native loop variants, Keras 3 `fit`), warms them up, then times one epoch of
each in turn, round-robin, `--repeats` times; then `predict` latency on one
sample and the cost of one eager `Dense(8)` call. Writes JSON to `--json`.

`--mode probe`: a fresh process for one contender and one workload: import
time of the contender's stack, time to first step (build, compile, first
training step), resident memory after imports, after the first step and
after 5 and 20 consecutive `fit` calls (or native epochs), and the peak
(`ru_maxrss`). Prints JSON.

The thread settings come from the environment `run.py` sets; this module
applies them again to each framework (`torch.set_num_threads(1)`,
`tf.config.threading`).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import resource
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

NATIVE_MODULES = {"torch": "native_torch", "jax": "native_jax", "tensorflow": "native_tf"}
FRAMEWORK_MODULES = {"torch": "torch", "jax": "jax", "tensorflow": "tensorflow"}


def set_thread_env(backend: str) -> None:
    """The environment every contender shares; `run.py` sets the same."""
    os.environ["LAMINA_BACKEND"] = backend
    os.environ["KERAS_BACKEND"] = backend
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def configure_framework(backend: str) -> Any:
    """Imports the framework and pins it to one thread; returns the module."""
    framework = importlib.import_module(FRAMEWORK_MODULES[backend])
    if backend == "torch":
        framework.set_num_threads(1)
        try:
            framework.set_num_interop_threads(1)
        except RuntimeError:  # already set (parallel work started)
            pass
    elif backend == "tensorflow":
        try:
            framework.config.threading.set_intra_op_parallelism_threads(1)
            framework.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:  # already initialized
            pass
    return framework


def sync(backend: str, value: Any) -> Any:
    """Waits for asynchronous results (JAX dispatches asynchronously)."""
    if backend == "jax" and hasattr(value, "block_until_ready"):
        value.block_until_ready()
    return value


# -- contenders -------------------------------------------------------------------------------
class KerasAPIContender:
    """Lamina or Keras 3: `fit(x, y, batch_size, epochs=1, verbose=0, shuffle=True)` per epoch."""

    def __init__(self, module: Any, workload: Any, x: Any, y: Any, jit_compile: Any = "auto") -> None:
        from workloads import build_keras_model, compile_keras_model

        self.module = module
        self.workload = workload
        self.model = build_keras_model(module, workload.name)
        compile_keras_model(module, self.model, jit_compile)
        self.set_data(x, y)

    def set_data(self, x: Any, y: Any) -> None:
        self.x, self.y = x, y

    def epoch(self) -> float:
        history = self.model.fit(self.x, self.y, batch_size=self.workload.batch_size, epochs=1, verbose=0, shuffle=True)
        return float(history.history["loss"][-1])

    def predict(self, x: Any) -> Any:
        return self.model.predict_on_batch(x)

    def call(self, x: Any) -> Any:
        return self.module.ops.convert_to_numpy(self.model(x, training=False))


def contender_factories(
    backend: str, workload: Any, torch_compile: bool, native_variants: str = ""
) -> dict[str, Callable[[Any, Any], Any]]:
    """Name -> `factory(x, y)` for every contender of this backend; `keras` maps to an error string
    when Keras 3 is not installed."""
    import lamina

    native = importlib.import_module(NATIVE_MODULES[backend])
    factories: dict[str, Any] = {"lamina": lambda x, y: KerasAPIContender(lamina, workload, x, y)}
    if torch_compile and backend == "torch":
        factories["lamina_jit"] = lambda x, y: KerasAPIContender(lamina, workload, x, y, jit_compile=True)
    chosen = [v for v in native_variants.split(",") if v in native.VARIANTS] or native.VARIANTS
    for variant in chosen:
        factories[variant] = lambda x, y, v=variant: native.make(v, workload.name, x, y)
    try:
        import keras
    except ImportError:
        factories["keras"] = "keras not installed (pip install keras)"
    else:
        factories["keras"] = lambda x, y: KerasAPIContender(keras, workload, x, y)
    return factories


# -- train mode -------------------------------------------------------------------------------
def _median_call_seconds(fn: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def time_workload(backend: str, name: str, args: argparse.Namespace) -> dict:
    from workloads import WORKLOADS

    workload = WORKLOADS[name]
    steps = args.steps or workload.steps
    x, y = workload.data(steps)
    result: dict = {
        "description": workload.description,
        "batch_size": workload.batch_size,
        "steps_per_epoch": steps,
        "contenders": {},
        "errors": {},
    }
    built: dict[str, Any] = {}
    for cname, factory in contender_factories(backend, workload, args.torch_compile, args.native_variants).items():
        if isinstance(factory, str):
            result["errors"][cname] = factory
            continue
        try:
            built[cname] = factory(x, y)
        except Exception:  # noqa: BLE001 - reported, the other contenders still run
            result["errors"][cname] = traceback.format_exc(limit=3)
    # Warm-up (compilation, caches), then round-robin: repeat r of every contender before r + 1.
    for _ in range(args.warmup):
        for cname in list(built):
            try:
                built[cname].epoch()
            except Exception:  # noqa: BLE001
                result["errors"][cname] = traceback.format_exc(limit=3)
                del built[cname]
    times: dict[str, list[float]] = {cname: [] for cname in built}
    names = list(built)
    for repeat in range(args.repeats):
        order = names[repeat % len(names) :] + names[: repeat % len(names)] if names else []
        for cname in order:
            start = time.perf_counter()
            built[cname].epoch()
            times[cname].append(time.perf_counter() - start)
    for cname, values in times.items():
        result["contenders"][cname] = {
            "steps_per_s": steps / statistics.median(values),
            "epoch_seconds": values,
        }
    result["predict"] = measure_predict(backend, built, workload, args)
    del built
    gc.collect()
    return result


def measure_predict(backend: str, built: dict, workload: Any, args: argparse.Namespace) -> dict:
    """Median seconds per call on one sample, interleaved: predict_on_batch, model(x), native forward."""
    import numpy as np

    x1 = np.random.default_rng(1).standard_normal((1, *workload.input_shape)).astype("float32")
    calls: dict[str, Callable[[], Any]] = {}
    for cname, contender in built.items():
        if isinstance(contender, KerasAPIContender):
            calls[f"{cname}.predict_on_batch"] = lambda c=contender: c.predict(x1)
            calls[f"{cname}.__call__"] = lambda c=contender: c.call(x1)
        else:
            calls[f"{cname}.forward"] = lambda c=contender: c.predict(x1)
    samples: dict[str, list[float]] = {key: [] for key in calls}
    for key, fn in list(calls.items()):
        try:
            for _ in range(3):
                fn()
        except Exception:  # noqa: BLE001
            samples.pop(key)
            calls.pop(key)
    for _ in range(args.predict_rounds):
        for key, fn in calls.items():
            samples[key].append(_median_call_seconds(fn, args.predict_calls))
    return {key: statistics.median(values) for key, values in samples.items()}


def measure_eager_layer(backend: str, args: argparse.Namespace) -> dict:
    """Seconds per eager call of `Dense(8)` on an 8x8 input (Lamina, Keras 3) and of the native op."""
    import lamina

    native = importlib.import_module(NATIVE_MODULES[backend])
    op, x = native.eager_linear()
    calls: dict[str, Callable[[], Any]] = {"native_op": lambda: op(x)}
    layer = lamina.layers.Dense(8)
    calls["lamina.Dense(8)"] = lambda: sync(backend, layer(x))
    try:
        import keras

        keras_layer = keras.layers.Dense(8)
        calls["keras.Dense(8)"] = lambda: sync(backend, keras_layer(x))
    except ImportError:
        pass
    samples: dict[str, list[float]] = {key: [] for key in calls}
    for fn in calls.values():
        for _ in range(20):
            fn()
    for _ in range(args.predict_rounds):
        for key, fn in calls.items():
            samples[key].append(_median_call_seconds(fn, 10 * args.predict_calls))
    return {key: statistics.median(values) for key, values in samples.items()}


def train_mode(args: argparse.Namespace) -> dict:
    configure_framework(args.backend)
    import lamina

    out: dict = {"backend": args.backend, "workloads": {}, "errors": {}}
    lamina.utils.set_random_seed(0)
    for name in args.workloads.split(","):
        try:
            out["workloads"][name] = time_workload(args.backend, name, args)
        except Exception:  # noqa: BLE001
            out["errors"][name] = traceback.format_exc(limit=5)
    try:
        out["eager_layer"] = measure_eager_layer(args.backend, args)
    except Exception:  # noqa: BLE001
        out["errors"]["eager_layer"] = traceback.format_exc(limit=5)
    out["versions"] = versions(args.backend)
    return out


# -- probe mode -------------------------------------------------------------------------------
def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _live_objects(backend: str) -> int:
    """Objects the process holds: Python objects tracked by the GC, plus live device arrays on JAX.

    A leak shows here; RSS also moves with the C allocator's heuristics (glibc
    raises its mmap threshold after freeing large blocks, so later blocks of
    that size stay in the heap: RSS steps up and plateaus without any leak).
    """
    count = len(gc.get_objects())
    if backend == "jax":
        import jax

        count += len(jax.live_arrays())
    return count


def probe_mode(args: argparse.Namespace) -> dict:
    start = time.perf_counter()
    configure_framework(args.backend)
    native = None
    module = None
    if args.contender.startswith("native"):
        native = importlib.import_module(NATIVE_MODULES[args.backend])
    elif args.contender == "keras":
        module = importlib.import_module("keras")
    else:
        module = importlib.import_module("lamina")
    import_seconds = time.perf_counter() - start
    from workloads import WORKLOADS

    workload = WORKLOADS[args.workload]
    x1, y1 = workload.data(1)
    x2, y2 = workload.data(2, seed=1)
    rss_imports = _rss_mb()
    start = time.perf_counter()
    if native is not None:
        contender: Any = native.make(args.contender, workload.name, x1, y1)
    else:
        contender = KerasAPIContender(module, workload, x1, y1)
    contender.epoch()  # one batch: build, compile and the first step
    first_step = time.perf_counter() - start
    rss_first = _rss_mb()
    if native is not None:
        contender = native.make(args.contender, workload.name, x2, y2)
    else:
        contender.set_data(x2, y2)
    rss_after: dict[int, float] = {}
    objects_after: dict[int, int] = {}
    for call in range(1, args.fit_calls + 1):
        contender.epoch()
        if call in (1, 5, args.fit_calls):
            gc.collect()
            rss_after[call] = _rss_mb()
            objects_after[call] = _live_objects(args.backend)
    return {
        "import_seconds": import_seconds,
        "first_step_seconds": first_step,
        "rss_after_imports_mb": rss_imports,
        "rss_after_first_step_mb": rss_first,
        "rss_after_fit_calls_mb": rss_after,
        "live_objects_after_fit_calls": objects_after,
        "peak_rss_mb": _peak_mb(),
    }


def versions(backend: str) -> dict:
    from importlib import metadata

    names = ["lamina", f"lamina-{backend}", FRAMEWORK_MODULES[backend], "keras", "numpy"]
    if backend == "jax":
        names += ["jaxlib", "optax"]
    if backend == "tensorflow":
        names = [n if n != "tensorflow" else "tensorflow-cpu" for n in names] + ["tensorflow"]
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", required=True, choices=sorted(NATIVE_MODULES))
    parser.add_argument("--mode", choices=("train", "probe"), default="train")
    parser.add_argument("--workloads", default="mlp,convnet,lstm,transformer")
    parser.add_argument("--steps", type=int, default=0, help="steps per epoch (0: the workload's default)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--predict-calls", type=int, default=20)
    parser.add_argument("--predict-rounds", type=int, default=5)
    parser.add_argument("--torch-compile", action="store_true", help="add Lamina with jit_compile=True on torch")
    parser.add_argument("--native-variants", default="", help="comma-separated native variants (default: all)")
    parser.add_argument("--workload", help="probe mode: the workload")
    parser.add_argument("--contender", help="probe mode: lamina, keras or a native variant")
    parser.add_argument("--fit-calls", type=int, default=20)
    parser.add_argument("--json", help="write the results here (default: stdout)")
    args = parser.parse_args(argv)
    set_thread_env(args.backend)
    result = train_mode(args) if args.mode == "train" else probe_mode(args)
    text = json.dumps(result, indent=1, default=str)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
