"""Sessions: `tests` (the whole suite on every backend), per-backend tests,
`quickstart`, `lint`, `bench`, `plugin-kit` (the example plugins, installed
as a user would), `docs` (builds the documentation site).

Lamina's own distributions install from their folders with `--no-deps`;
their dependencies come from the lists below, pinned by constraints.txt
(torch's CPU wheel; tensorflow-cpu stands in for tensorflow).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = False

CONSTRAINTS = ("-c", "constraints.txt")
PACKAGES = {
    "core": "packages/core",
    "io": "packages/io",
    "jax": "packages/backend-jax",
    "torch": "packages/backend-torch",
    "tensorflow": "packages/backend-tf",
}
BACKENDS = ("jax", "torch", "tensorflow")
CORE_DEPS = ["numpy>=1.24", "pluggy>=1.3", "rich>=13", "click>=8.1"]
IO_DEPS = ["h5py>=3.8", "pyyaml>=6"]
FRAMEWORK_DEPS = {
    "jax": ["jax>=0.4.30"],
    "torch": ["torch==2.13.0"],
    "tensorflow": ["tensorflow-cpu>=2.16"],
}
# One thread per framework: on 2-core machines torch's default threading is
# several times slower (and the frameworks fight over the cores).
TEST_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "OMP_NUM_THREADS": "1"}
TEST_DEPS = [
    "pytest>=7",
    "pytest-xdist>=3",  # the suite runs in parallel workers (see test_workers)
    "scikit-learn>=1.3",
    "keras>=3.5",  # the numerical reference
    "pandas>=1.5",
    "tensorboardX>=2.6",  # the TensorBoard callback's event writer
    "tensorboard>=2.16",  # reads the event files back in tests
    "matplotlib>=3.7",  # History.plot
    "pydot>=3",  # plot_model (the `dot` program comes from the system's graphviz)
    "onnx>=1.16",  # export: format="onnx" and its checks
    "onnxruntime>=1.18",
    "onnxscript>=0.2",  # torch.onnx's exporter
    "tf2onnx>=1.16",  # ONNX from TensorFlow models
    "optax>=0.2",  # the benchmarks' native JAX loop (smoke-tested in tests/benchmarks)
]


def install_lamina(session: nox.Session, backends: tuple[str, ...], extra: list[str] = ()) -> None:
    deps = CORE_DEPS + IO_DEPS + [d for b in backends for d in FRAMEWORK_DEPS[b]] + list(extra)
    session.install(*CONSTRAINTS, *deps)
    folders = [PACKAGES["core"], PACKAGES["io"]] + [PACKAGES[b] for b in backends]
    session.install("--no-deps", "--force-reinstall", *folders)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite and the conformance suite, on all three backends."""
    install_lamina(session, BACKENDS, TEST_DEPS)
    # Keras 2, to write legacy .h5 files for the loaders' tests. Without its
    # dependencies: it asks for `tensorflow`, which tensorflow-cpu provides.
    session.install("--no-deps", "tf_keras~=2.21.0")
    session.run("pytest", "tests", *test_workers(session), *session.posargs, env=TEST_ENV)


def test_workers(session: nox.Session) -> list[str]:
    """pytest-xdist workers: one per core, at most 4 (each imports three frameworks,
    ~2 GB); none when the caller chose with `-n` or `-p no:xdist`."""
    if any(arg.startswith(("-n", "--numprocesses")) or arg == "no:xdist" for arg in session.posargs):
        return []
    return ["-n", str(max(1, min(4, os.cpu_count() or 1)))]


@nox.session(name="tests-backend")
@nox.parametrize("backend", BACKENDS)
def tests_backend(session: nox.Session, backend: str) -> None:
    """The suite with only one backend installed (checks isolation)."""
    install_lamina(session, (backend,), TEST_DEPS)
    session.run("pytest", "tests", "--lamina-backend", backend, *test_workers(session), *session.posargs, env=TEST_ENV)


@nox.session
def quickstart(session: nox.Session) -> None:
    """Train an MLP on scikit-learn's digits and print its test accuracy.

    Uses the backend named by LAMINA_BACKEND (default: jax).
    """
    backend = os.environ.get("LAMINA_BACKEND", "jax")
    if backend not in BACKENDS:
        session.error(f"LAMINA_BACKEND={backend!r}: choose one of {', '.join(BACKENDS)}.")
    install_lamina(session, (backend,), ["scikit-learn>=1.3"])
    session.run("python", "examples/quickstart.py", env={"LAMINA_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"})


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting checks."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def bench(session: nox.Session) -> None:
    """Side-by-side benchmark: Lamina vs native loops vs Keras 3 (benchmarks/README.md).

    `nox -s bench` writes benchmarks/RESULTS.md and results.json;
    `nox -s bench -- --smoke --output /tmp/bench/RESULTS.md` is the quick check
    (the test suite runs it too, in tests/benchmarks).
    """
    install_lamina(session, BACKENDS, ["keras>=3.5", "optax>=0.2"])
    session.run("python", "benchmarks/run.py", *session.posargs, env=TEST_ENV)


# The example third-party plugins (see docs/plugins.md).
PLUGIN_KIT = {
    "numpy": "examples/plugins/lamina-numpy",
    "layers": "examples/plugins/lamina-example-layers",
}


@nox.session(name="plugin-kit")
def plugin_kit(session: nox.Session) -> None:
    """The example plugins as a stranger meets them, in two environments.

    (a) This session's environment (lamina, lamina-io, lamina-torch): train a
    small model on torch and save it with its predictions. (b) A fresh
    environment with only lamina, lamina-io and lamina-numpy, each a plain
    `pip install` of its folder: load the model on NumPy and compare, run
    `lamina conformance numpy` and `lamina plugins`; then install the layer
    pack, save and load a model by name, uninstall it, and check that loading
    names the missing package.
    """
    kit = Path(session.create_tmp()).resolve() / "kit"
    shutil.rmtree(kit, ignore_errors=True)
    kit.mkdir(parents=True)
    env = {**TEST_ENV, "LAMINA_PLUGIN_KIT": "1", "LAMINA_PLUGIN_KIT_DIR": str(kit)}

    install_lamina(session, ("torch",))
    session.run("python", "tests/plugin_kit/train_reference.py", str(kit), env={**env, "LAMINA_BACKEND": "torch"})

    # A second environment, made the way nox makes its own (virtualenv).
    venv = Path(".nox", "plugin-kit-numpy").resolve()
    session.run(sys.executable, "-m", "virtualenv", "--clear", "--quiet", str(venv), external=True)
    python = str(venv / "bin" / "python")
    pip = (python, "-m", "pip", "install", "--quiet", *CONSTRAINTS)
    session.run(*pip, PACKAGES["core"], PACKAGES["io"], PLUGIN_KIT["numpy"], "pytest>=7", external=True)
    numpy_env = {**env, "LAMINA_BACKEND": "numpy"}
    pytest = (python, "-m", "pytest", "-rs", *session.posargs)
    session.run(
        *pytest,
        "tests/plugin_kit/test_plugin_kit_numpy_backend.py",
        "tests/plugin_kit/test_plugin_kit_missing_plugin_error.py",
        "tests/plugin_kit/test_plugin_kit_docs.py",
        env=numpy_env,
        external=True,
    )
    session.run(*pip, PLUGIN_KIT["layers"], external=True)
    session.run(*pytest, "tests/plugin_kit/test_plugin_kit_layer_pack.py", env=numpy_env, external=True)
    session.run(python, "-m", "pip", "uninstall", "--yes", "lamina-example-layers", external=True)
    session.run(*pytest, "tests/plugin_kit/test_plugin_kit_layer_pack_missing.py", env=numpy_env, external=True)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site (mkdocs.yml, docs/) with warnings as errors.

    Also checks the site's structure (every page in the navigation, images
    present). The pages' examples run in the `tests` session
    (tests/docs/test_docs.py); `LAMINA_DOCS_ALL_BACKENDS=1 python -m nox -s
    tests -- tests/docs` runs each page on every backend.
    """
    install_lamina(session, (), ["mkdocs>=1.6", "pytest>=7"])
    site = Path(session.create_tmp()).resolve() / "site"
    session.run("mkdocs", "build", "--strict", "--clean", "--site-dir", str(site))
    session.run("pytest", "tests/docs/test_docs_site.py", *session.posargs, env=TEST_ENV)


@nox.session(name="layer-table")
def layer_table(session: nox.Session) -> None:
    """Regenerates docs/layers.md: each layer against Keras 3 on each backend."""
    install_lamina(session, BACKENDS, TEST_DEPS)
    records = Path(session.create_tmp()).resolve() / "comparisons.jsonl"
    records.unlink(missing_ok=True)
    session.run("pytest", "tests/layers", "-q", env={**TEST_ENV, "LAMINA_LAYER_TABLE": str(records)})
    session.run("python", "tools/layer_table.py", str(records))
