"""`import lamina` is fast and imports no framework."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys, time
start = time.perf_counter()
import lamina
elapsed = time.perf_counter() - start
frameworks = [m for m in ("torch", "jax", "tensorflow") if m in sys.modules]
print(elapsed, ",".join(frameworks) or "-")
"""


def test_import_is_fast_and_framework_free() -> None:
    timings = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", CODE], capture_output=True, text=True, check=True, timeout=120
        ).stdout.split()
        assert out[1] == "-", f"import lamina imported {out[1]}"
        timings.append(float(out[0]))
    assert min(timings) < 0.2, f"import lamina took {min(timings):.3f}s"


def test_core_modules_do_not_import_frameworks() -> None:
    code = (
        "import sys, lamina\n"
        "import lamina.layers, lamina.models, lamina.ops, lamina.optimizers, lamina.losses, lamina.metrics, lamina.callbacks\n"
        "print(','.join(m for m in ('torch','jax','tensorflow') if m in sys.modules) or '-')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()
    assert out == "-"
