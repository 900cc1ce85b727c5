"""Lamina vs the native loop vs Keras 3, side by side, per backend.

    python benchmarks/run.py                      # full run, writes benchmarks/RESULTS.md + results.json
    python benchmarks/run.py --smoke --output /tmp/bench/RESULTS.md
    python benchmarks/run.py --backends torch --workloads mlp,lstm --repeats 7

For each backend one subprocess (`bench_backend.py --mode train`) times every
workload's contenders interleaved; fresh subprocesses measure `import`
times and, per contender, time to first step and memory
(`bench_backend.py --mode probe`). All share one environment:
`OMP_NUM_THREADS=1`, `TF_NUM_INTRAOP_THREADS=1`, `TF_NUM_INTEROP_THREADS=1`,
`XLA_FLAGS=--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1`,
`LAMINA_BACKEND` = `KERAS_BACKEND` = the backend (and, inside,
`torch.set_num_threads(1)` and `tf.config.threading` set to one thread).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from workloads import WORKLOADS  # noqa: E402

BACKENDS = ("jax", "torch", "tensorflow")
FRAMEWORK_IMPORT = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow"}
THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}
# The targets: Lamina / best native, Lamina / Keras 3.
NATIVE_TARGET = {"jax": 0.95, "tensorflow": 0.95, "torch": 0.90}
KERAS_TARGET = 1.0
KERAS_TARGET_MLP = {"torch": 1.5, "tensorflow": 1.5}
PROBE_NATIVE = {"torch": "native_fused", "jax": "native", "tensorflow": "native"}


def backend_env(backend: str) -> dict:
    env = dict(os.environ)
    env.update(THREAD_ENV)
    env["LAMINA_BACKEND"] = backend
    env["KERAS_BACKEND"] = backend
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    return env


def installed_backends() -> list[str]:
    found = []
    for backend in BACKENDS:
        plugin = {"jax": "lamina_jax", "torch": "lamina_torch", "tensorflow": "lamina_tensorflow"}[backend]
        if importlib.util.find_spec(FRAMEWORK_IMPORT[backend]) and importlib.util.find_spec(plugin):
            found.append(backend)
    return found


def _run_json(cmd: list[str], env: dict, timeout: float) -> dict:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:6])} ... failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout[proc.stdout.index("{") :])


IMPORT_SNIPPETS = {
    "lamina": (
        "import time, json\n"
        "t0 = time.perf_counter(); import lamina; t1 = time.perf_counter()\n"
        "lamina.ops.convert_to_numpy(lamina.ops.ones((2,)) + 1); t2 = time.perf_counter()\n"
        "print(json.dumps({'import': t1 - t0, 'import_and_first_use': t2 - t0}))"
    ),
    "framework": (
        "import time, json\n"
        "t0 = time.perf_counter(); import {module}; t1 = time.perf_counter()\n"
        "print(json.dumps({'import': t1 - t0}))"
    ),
    "keras": (
        "import time, json\n"
        "t0 = time.perf_counter(); import keras; t1 = time.perf_counter()\n"
        "keras.ops.convert_to_numpy(keras.ops.ones((2,)) + 1); t2 = time.perf_counter()\n"
        "print(json.dumps({'import': t1 - t0, 'import_and_first_use': t2 - t0}))"
    ),
}


def measure_imports(backend: str, repeats: int) -> dict:
    """Wall-clock `import` times in fresh interpreters (medians of `repeats`)."""
    env = backend_env(backend)
    samples: dict[str, list[dict]] = {"lamina": [], "framework": [], "keras": []}
    errors = {}
    for _ in range(repeats):
        for key in samples:
            code = IMPORT_SNIPPETS[key].replace("{module}", FRAMEWORK_IMPORT[backend])
            try:
                samples[key].append(_run_json([sys.executable, "-c", code], env, timeout=300))
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                errors[key] = str(error)[-500:]
    result: dict = {}
    for key, runs in samples.items():
        if runs:
            result[key] = {field: statistics.median(run[field] for run in runs) for field in runs[0]}
    if errors:
        result["errors"] = errors
    return result


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict:
    env = backend_env(backend)
    script = str(HERE / "bench_backend.py")
    out_json = workdir / f"train_{backend}.json"
    cmd = [sys.executable, script, "--backend", backend, "--workloads", args.workloads, "--json", str(out_json)]
    cmd += ["--repeats", str(args.repeats), "--warmup", str(args.warmup)]
    if args.smoke:
        # XLA's compile of the TF native loop is the slowest part of a smoke run; skip that variant.
        cmd += ["--steps", "3", "--predict-calls", "3", "--predict-rounds", "1"]
        cmd += ["--native-variants", "native,native_fused,native_foreach"]
    if args.torch_compile:
        cmd.append("--torch-compile")
    started = time.perf_counter()
    print(f"[{backend}] training benchmarks ...", flush=True)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=args.timeout)
    if proc.returncode != 0 or not out_json.exists():
        result: dict = {"backend": backend, "workloads": {}, "errors": {"train": proc.stderr[-4000:]}}
    else:
        result = json.loads(out_json.read_text())
    result["train_wall_seconds"] = time.perf_counter() - started
    print(f"[{backend}] imports ...", flush=True)
    result["imports"] = measure_imports(backend, 1 if args.smoke else 3)
    print(f"[{backend}] first step and memory probes ...", flush=True)
    result["probes"] = run_probes(backend, args, env, script)
    return result


def run_probes(backend: str, args: argparse.Namespace, env: dict, script: str) -> dict:
    """Per workload and contender, a fresh process: time to first step and memory."""
    probes: dict = {}
    workloads = args.workloads.split(",")
    if args.smoke:
        workloads = workloads[:1]
    contenders = ["lamina", PROBE_NATIVE[backend]]
    if importlib.util.find_spec("keras") and not args.smoke:
        contenders.append("keras")
    for name in workloads:
        probes[name] = {}
        for contender in contenders:
            cmd = [sys.executable, script, "--backend", backend, "--mode", "probe", "--workload", name]
            cmd += ["--contender", contender, "--fit-calls", "5" if args.smoke else "20"]
            try:
                probes[name][contender] = _run_json(cmd, env, timeout=args.timeout)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                probes[name][contender] = {"error": str(error)[-1500:]}
    return probes


def machine_info() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": load,
    }


# -- report ---------------------------------------------------------------------------------------
def best_native(contenders: dict) -> tuple[str | None, float | None]:
    natives = {name: c["steps_per_s"] for name, c in contenders.items() if name.startswith("native")}
    if not natives:
        return None, None
    name = max(natives, key=natives.get)
    return name, natives[name]


def summarize(results: dict) -> dict:
    """Adds ratios and target checks to each backend x workload."""
    for backend, data in results["backends"].items():
        for name, workload in data.get("workloads", {}).items():
            contenders = workload["contenders"]
            native_name, native_rate = best_native(contenders)
            lamina = contenders.get("lamina", {}).get("steps_per_s")
            keras = contenders.get("keras", {}).get("steps_per_s")
            keras_target = KERAS_TARGET_MLP.get(backend, KERAS_TARGET) if name == "mlp" else KERAS_TARGET
            summary: dict = {"best_native": native_name, "native_target": NATIVE_TARGET[backend]}
            summary["keras_target"] = keras_target
            if lamina and native_rate:
                summary["lamina_over_native"] = lamina / native_rate
                summary["native_target_met"] = lamina / native_rate >= NATIVE_TARGET[backend]
            if lamina and keras:
                summary["lamina_over_keras"] = lamina / keras
                summary["keras_target_met"] = lamina / keras >= keras_target
            workload["summary"] = summary
    return results


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ratio(value: float | None, target: float, met: bool | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" + ("" if met else f" ✗ (<{target:g})")


def render_markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Lamina benchmark results",
        "",
        "Written by `python benchmarks/run.py`"
        + (" --smoke (a few steps; numbers are not meaningful)" if results["smoke"] else "")
        + f" on {results['date']}.",
        "",
        "## Machine and settings",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; {m['platform']}; Python {m['python']}",
        f"- Load average at start: {m['load_average_at_start']} (the machine is shared; numbers move by ~10% between runs)",
        "- Threads: "
        + ", ".join(f"`{k}={v}`" for k, v in THREAD_ENV.items() if k != "TF_CPP_MIN_LOG_LEVEL")
        + "; `torch.set_num_threads(1)`, `tf.config.threading` intra/inter-op 1.",
        f"- Timing: per workload, every contender is built, warmed up ({results['warmup']} epochs), then timed "
        f"round-robin for {results['repeats']} repeats (repeat r of each contender before repeat r+1 of any, "
        "the starting contender rotating); steps/s is steps per epoch / median epoch time.",
        "- Same model, same random data (NumPy, seed 0), same batch, Adam(1e-3), sparse categorical "
        "cross-entropy on logits, no metrics. Shuffling: all contenders shuffle every epoch — Lamina and Keras "
        "with `fit(x, y, batch_size=..., epochs=1, verbose=0, shuffle=True)` (one `fit` call per timed epoch, "
        "so its per-call setup is counted), the native loops draw a permutation per epoch and gather each batch "
        "with it.",
        "- Contenders: `lamina` (`fit`, `jit_compile='auto'`), `keras` (Keras 3 `fit`, its defaults), native: "
        "torch `native_fused` / `native_foreach` (eager loop, `torch.optim.Adam(fused=True)` / "
        "`(foreach=True)`), jax `native` (`jax.jit` step, optax.adam, donated state), tensorflow `native` / "
        "`native_xla` (`tf.function` step without / with `jit_compile=True`, `ResourceApplyAdam`). "
        "The ratio uses the best native variant.",
        "",
    ]
    for backend, data in results["backends"].items():
        versions = data.get("versions", {})
        lines += [f"## {backend}", "", "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()), ""]
        workloads = data.get("workloads", {})
        if workloads:
            names = sorted(
                {c for w in workloads.values() for c in [*w["contenders"], *w.get("errors", {})]}, key=_contender_order
            )
            lines += [
                "### Training throughput (steps/s, higher is better)",
                "",
                "| workload | " + " | ".join(names) + " | best native | Lamina/native | Lamina/Keras |",
                "|---|" + "---:|" * (len(names) + 3),
            ]
            for wname, w in workloads.items():
                s = w.get("summary", {})
                cells = [_fmt(w["contenders"].get(c, {}).get("steps_per_s")) for c in names]
                for cname, error in w.get("errors", {}).items():
                    if cname in names:
                        cells[names.index(cname)] = "not installed" if "not installed" in error else "error"
                lines.append(
                    f"| {wname} (batch {w['batch_size']}, {w['steps_per_epoch']} steps) | "
                    + " | ".join(cells)
                    + f" | {s.get('best_native') or '—'} | "
                    + _ratio(s.get("lamina_over_native"), s["native_target"], s.get("native_target_met"))
                    + " | "
                    + _ratio(s.get("lamina_over_keras"), s["keras_target"], s.get("keras_target_met"))
                    + " |"
                )
            lines += ["", "✗ marks a ratio below the issue's target (shown in parentheses).", ""]
            errors = {f"{wn}/{cn}": e for wn, w in workloads.items() for cn, e in w.get("errors", {}).items()}
            if errors:
                lines += ["Errors:", ""] + [f"- {k}: `{_first_line(e)}`" for k, e in errors.items()] + [""]
            lines += _predict_table(workloads)
        lines += _eager_table(data.get("eager_layer"))
        lines += _import_table(data.get("imports", {}))
        lines += _probe_table(data.get("probes", {}))
        if data.get("errors"):
            lines += ["Errors:", ""] + [f"- {k}: `{_first_line(e)}`" for k, e in data["errors"].items()] + [""]
    return "\n".join(lines) + "\n"


def _first_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "").replace("`", "'")[:300]


def _contender_order(name: str) -> tuple:
    order = {"lamina": 0, "lamina_jit": 1, "keras": 9}
    return (order.get(name, 5), name)


def _predict_table(workloads: dict) -> list[str]:
    keys = sorted(
        {k for w in workloads.values() for k in w.get("predict", {})}, key=lambda k: _contender_order(k.split(".")[0])
    )
    if not keys:
        return []
    lines = [
        "### `predict` latency on one sample (ms per call, lower is better)",
        "",
        "Lamina and Keras: `model.predict_on_batch(x)` (returns NumPy) and `model(x, training=False)` "
        "converted to NumPy; native: the framework's forward (torch `model.eval()` + `torch.inference_mode()`, "
        "jax a jitted apply, tensorflow a `tf.function` forward), converted to NumPy.",
        "",
        "| workload | " + " | ".join(f"`{k}`" for k in keys) + " | Lamina predict_on_batch / native |",
        "|---|" + "---:|" * (len(keys) + 1),
    ]
    for wname, w in workloads.items():
        p = w.get("predict", {})
        natives = [v for k, v in p.items() if k.startswith("native")]
        ratio = p["lamina.predict_on_batch"] / min(natives) if natives and "lamina.predict_on_batch" in p else None
        mark = "" if ratio is None or ratio < 2 else " ✗ (≥2)"
        lines.append(
            f"| {wname} | "
            + " | ".join(_fmt(p[k] * 1e3 if k in p else None, 3) for k in keys)
            + f" | {_fmt(ratio, 2)}{mark} |"
        )
    return lines + [""]


def _eager_table(eager: dict | None) -> list[str]:
    if not eager:
        return []
    native = eager.get("native_op")
    lines = [
        "### One eager `Dense(8)` call on an 8×8 input (µs per call)",
        "",
        "| native op | Lamina `Dense(8)` | Lamina overhead | Keras `Dense(8)` |",
        "|---:|---:|---:|---:|",
    ]
    lam, ker = eager.get("lamina.Dense(8)"), eager.get("keras.Dense(8)")
    over = (lam - native) * 1e6 if lam and native else None
    mark = "" if over is None or over < 25 else " ✗ (≥25)"
    lines.append(
        f"| {_fmt(native * 1e6 if native else None)} | {_fmt(lam * 1e6 if lam else None)} | "
        f"{_fmt(over)}{mark} | {_fmt(ker * 1e6 if ker else None)} |"
    )
    return lines + [""]


def _import_table(imports: dict) -> list[str]:
    if not imports:
        return []
    lam, fw, ker = imports.get("lamina", {}), imports.get("framework", {}), imports.get("keras", {})
    lines = [
        "### Import (fresh interpreter, wall clock, seconds)",
        "",
        "| `import lamina` | `import lamina` + first op on the backend | framework import | "
        "Lamina first use − framework import | `import keras` + first op |",
        "|---:|---:|---:|---:|---:|",
    ]
    first_use, framework = lam.get("import_and_first_use"), fw.get("import")
    extra = first_use - framework if first_use is not None and framework is not None else None
    mark_import = "" if lam.get("import") is None or lam["import"] < 0.2 else " ✗ (≥0.2)"
    mark_extra = "" if extra is None or extra < 0.3 else " ✗ (≥0.3)"
    lines.append(
        f"| {_fmt(lam.get('import'), 3)}{mark_import} | {_fmt(first_use, 3)} | {_fmt(framework, 3)} | "
        f"{_fmt(extra, 3)}{mark_extra} | {_fmt(ker.get('import_and_first_use'), 3)} |"
    )
    if imports.get("errors"):
        lines += [""] + [f"- {k}: `{_first_line(e)}`" for k, e in imports["errors"].items()]
    return lines + [""]


def _probe_table(probes: dict) -> list[str]:
    if not probes:
        return []
    lines = [
        "### Time to first step and memory (a fresh process per contender and workload)",
        "",
        "First step: build the model, compile, and run `fit` on one batch (native: build, first jitted/traced "
        "step), after the imports. Memory: resident set size (`/proc/self/statm`) after the imports, after the "
        "first step, and after 5 and N consecutive `fit` calls of 2 batches (native: epochs); peak is "
        "`ru_maxrss` of the whole process (framework import included). Growth is RSS after call N − after call 5, "
        "and the change in live objects (Python objects tracked by the garbage collector, plus live device arrays "
        "on JAX) over the same calls: a leak grows both; RSS alone also steps with the C allocator's heuristics.",
        "",
        "| workload | contender | imports (s) | first step (s) | RSS after imports (MB) | peak RSS (MB) | "
        "RSS growth over fit calls 5→N (MB) | live objects 5→N |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for wname, contenders in probes.items():
        for cname, p in contenders.items():
            if "error" in p:
                lines.append(f"| {wname} | {cname} | error: `{_first_line(p['error'])}` | | | | | |")
                continue
            after = {int(k): v for k, v in p["rss_after_fit_calls_mb"].items()}
            last = max(after)
            growth = after[last] - after.get(5, after[min(after)])
            objects = {int(k): v for k, v in p.get("live_objects_after_fit_calls", {}).items()}
            object_growth = f"{objects[last] - objects.get(5, objects[min(objects)]):+d}" if objects else "n/a"
            lines.append(
                f"| {wname} | {cname} | {p['import_seconds']:.2f} | {p['first_step_seconds']:.2f} | "
                f"{p['rss_after_imports_mb']:.0f} | {p['peak_rss_mb']:.0f} | {growth:+.1f} (N={last}) | "
                f"{object_growth} |"
            )
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lamina vs native loops vs Keras 3, per backend.")
    parser.add_argument("--smoke", action="store_true", help="a few steps, one repeat: checks that it runs")
    parser.add_argument("--backends", default=",".join(installed_backends()))
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats (default 5; smoke 1)")
    parser.add_argument("--warmup", type=int, default=None, help="warm-up epochs (default 2; smoke 1)")
    parser.add_argument("--torch-compile", action="store_true", help="also time Lamina with jit_compile=True on torch")
    parser.add_argument(
        "--output", default=str(HERE / "RESULTS.md"), help="the Markdown report; results.json goes next to it"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per subprocess")
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (1 if args.smoke else 5)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.smoke else 2)
    unknown = set(args.workloads.split(",")) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads {sorted(unknown)}; expected some of {sorted(WORKLOADS)}")
    backends = [b for b in args.backends.split(",") if b]
    if not backends:
        parser.error("no backend installed: pip install lamina-jax, lamina-torch or lamina-tensorflow")
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "smoke": args.smoke,
        "repeats": args.repeats,
        "warmup": args.warmup,
        "machine": machine_info(),
        "threads": THREAD_ENV,
        "backends": {},
    }
    for backend in backends:
        results["backends"][backend] = run_backend(backend, args, output.parent)
        (output.parent / f"train_{backend}.json").unlink(missing_ok=True)
    summarize(results)
    (output.parent / "results.json").write_text(json.dumps(results, indent=1, default=str))
    output.write_text(render_markdown(results))
    print(f"wrote {output} and {output.parent / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
