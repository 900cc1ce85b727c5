"""Channels-last convolution and max pooling under `torch.compile`
(`lamina_torch.aten_kernels`): the custom ops must be well-formed (schema,
fake tensors, autograd) and give the eager ops' values and gradients for every
configuration that takes them; eager code and `torch.export` never see them.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lamina import ops  # noqa: E402
from lamina_torch import aten_kernels  # noqa: E402

aten_kernels.register()  # as the trainer does before it compiles a step
from lamina_torch import custom_ops  # noqa: E402


def _tensor(rng: np.random.Generator, *shape: int, grad: bool = True) -> Any:
    return torch.tensor(rng.normal(size=shape).astype("float32"), requires_grad=grad)


def test_custom_ops_pass_opcheck() -> None:
    rng = np.random.default_rng(0)
    x, weight = _tensor(rng, 2, 7, 6, 4), _tensor(rng, 6, 2, 3, 3)
    torch.library.opcheck(custom_ops._conv2d, (x, weight, [2, 1], [1, 1], [1, 2], 2))
    grad = _tensor(rng, 2, 4, 4, 6, grad=False)
    torch.library.opcheck(
        custom_ops._conv2d_backward, (grad, x.detach(), weight.detach(), [2, 1], [1, 1], [1, 2], 2, True)
    )
    torch.library.opcheck(custom_ops._max_pool2d, (x, [3, 2], [2, 2], [1, 1]))


CONVOLUTIONS = [
    # strides, padding, dilation_rate, groups
    (1, "valid", 1, 1),
    (2, "valid", 1, 1),
    (1, "same", 1, 1),
    ((2, 1), "same", 1, 1),  # "same" that torch pads symmetrically
    (2, "same", 1, 1),  # asymmetric "same": the generic path, inside the graph
    (1, "valid", 2, 1),
    (1, "same", (2, 1), 2),
]


@pytest.mark.parametrize(("strides", "padding", "dilation", "groups"), CONVOLUTIONS)
def test_compiled_convolution_matches_eager_values_and_gradients(
    strides: Any, padding: str, dilation: Any, groups: int
) -> None:
    rng = np.random.default_rng(1)
    x, kernel = _tensor(rng, 3, 9, 8, 4), _tensor(rng, 3, 3, 4 // groups, 6)

    def loss(x: Any, kernel: Any) -> Any:
        y = ops.conv(x, kernel, strides=strides, padding=padding, dilation_rate=dilation)
        return (ops.relu(y) * torch.linspace(-1, 1, y.shape[-1])).sum(), y

    results = []
    for fn in (loss, torch.compile(loss, backend="aot_eager", fullgraph=True)):
        value, y = fn(x, kernel)
        results.append((y.detach(), *torch.autograd.grad(value, [x, kernel])))
    for got, expected in zip(results[1], results[0]):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("pool_size", "strides", "padding"), [(2, None, "valid"), (3, 2, "same"), ((3, 2), 1, "same"), (2, 2, "same")]
)
def test_compiled_max_pool_matches_eager_values_and_gradients(pool_size: Any, strides: Any, padding: str) -> None:
    rng = np.random.default_rng(2)
    x = _tensor(rng, 2, 7, 6, 5)

    def loss(x: Any) -> Any:
        y = ops.max_pool(x, pool_size, strides=strides, padding=padding)
        return (y * torch.linspace(-1, 1, y.shape[-1])).sum(), y

    results = []
    for fn in (loss, torch.compile(loss, backend="aot_eager", fullgraph=True)):
        value, y = fn(x)
        results.append((y.detach(), torch.autograd.grad(value, [x])[0]))
    for got, expected in zip(results[1], results[0]):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6, atol=1e-6)


def test_compiled_graph_holds_the_custom_ops_and_eager_code_does_not() -> None:
    rng = np.random.default_rng(3)
    x, kernel = _tensor(rng, 1, 6, 6, 2, grad=False), _tensor(rng, 3, 3, 2, 4, grad=False)

    def block(x: Any, kernel: Any) -> Any:
        return ops.max_pool(ops.conv(x, kernel), 2)

    graphs: list = []

    def record(graph: Any, example_inputs: Any) -> Any:
        graphs.append(str(graph.graph))
        return graph.forward

    torch.compile(block, backend=record, fullgraph=True)(x, kernel)
    assert "lamina.conv2d_nhwc" in graphs[0] and "lamina.max_pool2d_nhwc" in graphs[0]
    with torch.profiler.profile() as profile:
        block(x, kernel)
    assert not [event.name for event in profile.events() if event.name.startswith("lamina::")]
    assert not aten_kernels.use_for(x, "channels_last")


def test_channels_first_and_integer_inputs_keep_the_standard_ops() -> None:
    x = torch.zeros(1, 2, 6, 6)
    seen = []

    def probe(x: Any) -> Any:
        seen.append(
            (aten_kernels.use_for(x, "channels_first"), aten_kernels.use_for(x.to(torch.int32), "channels_last"))
        )
        return x

    torch.compile(probe, backend="aot_eager")(x)
    assert seen == [(False, False)]


def test_torch_export_keeps_standard_aten_ops() -> None:
    """Exported programs load where Lamina is not installed: no `lamina::` ops in them."""
    rng = np.random.default_rng(5)
    x, kernel = _tensor(rng, 1, 6, 6, 2, grad=False), _tensor(rng, 3, 3, 2, 4, grad=False)

    class Block(torch.nn.Module):
        def forward(self, x: Any, kernel: Any) -> Any:
            return ops.max_pool(ops.conv(x, kernel), 2)

    graph = str(torch.export.export(Block(), (x, kernel)).graph)
    assert "max_pool2d" in graph and "lamina" not in graph


def test_importing_the_backend_registers_no_custom_op() -> None:
    """Registered at import, the ops made gloo worker processes abort at exit now and
    then: only compiling a step registers them."""
    code = (
        "import sys, torch, lamina, lamina_torch.backend, lamina_torch.nn, lamina_torch.trainer; "
        "assert 'lamina_torch.custom_ops' not in sys.modules; "
        "assert not hasattr(torch.ops.lamina, 'conv2d_nhwc')"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
