"""The op cases of the conformance suite: each op, its inputs, a NumPy reference.

A case names a `lamina.ops` function, builds its arguments from a seeded
NumPy generator, and gives the NumPy reference and the dtype Keras 3 returns.
Adding an op to the contract means adding a case here (or, for the ops added
for Keras 3 parity, in `parity_cases.py`); `case_helpers.py` has the input
makers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from lamina.testing.conformance.case_helpers import (
    OpCase,
    _erf,
    _fn,
    _gelu_tanh,
    _one_hot,
    _sigmoid,
    _softmax,
    args,
    boolean,
    f32,
    i32,
)
from lamina.testing.conformance.parity_cases import keras_parity_cases

UNARY_FLOAT = {
    "negative": np.negative,
    "abs": np.abs,
    "sign": np.sign,
    "square": np.square,
    "exp": np.exp,
    "expm1": np.expm1,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "arctan": np.arctan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "arcsinh": np.arcsinh,
    "floor": np.floor,
    "ceil": np.ceil,
    "round": np.round,
    "isnan": np.isnan,
    "isinf": np.isinf,
    "isfinite": np.isfinite,
}
POSITIVE_FLOAT = {
    "sqrt": np.sqrt,
    "log": np.log,
    "log1p": np.log1p,
    "log2": np.log2,
    "log10": np.log10,
    "reciprocal": np.reciprocal,
    "arccosh": lambda x: np.arccosh(x + 1),
}
UNIT_FLOAT = {"arcsin": np.arcsin, "arccos": np.arccos, "arctanh": np.arctanh}
BINARY = {
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.divide,
    "true_divide": np.true_divide,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "arctan2": np.arctan2,
    "logaddexp": np.logaddexp,
    "equal": np.equal,
    "not_equal": np.not_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "less": np.less,
    "less_equal": np.less_equal,
}
REDUCTIONS = {
    "sum": np.sum,
    "mean": np.mean,
    "max": np.max,
    "min": np.min,
    "prod": np.prod,
    "std": np.std,
    "var": np.var,
    "amax": np.amax,
    "amin": np.amin,
}


def _cases() -> list[OpCase]:
    cases: list[OpCase] = []
    for name, ref in UNARY_FLOAT.items():
        cases.append(OpCase(name, args(f32(3, 4)), ref))
    for name, ref in POSITIVE_FLOAT.items():
        arg = f32(3, 4, low=0.1, high=3.0)
        if name == "arccosh":
            cases.append(OpCase(name, args(f32(3, 4, low=1.1, high=3.0)), np.arccosh))
        else:
            cases.append(OpCase(name, args(arg), ref))
    for name, ref in UNIT_FLOAT.items():
        cases.append(OpCase(name, args(f32(3, 4, low=-0.9, high=0.9)), ref))
    # Integer inputs to float functions give floatx(), as in Keras.
    cases.append(
        OpCase(
            "sqrt",
            args(i32(5, low=0, high=9)),
            lambda x: np.sqrt(x).astype("float32"),
            dtype="float32",
            label="sqrt_int",
        )
    )
    cases.append(OpCase("exp", args(i32(5)), lambda x: np.exp(x).astype("float32"), dtype="float32", label="exp_int"))
    cases.append(OpCase("abs", args(i32(5)), np.abs, dtype="int32", label="abs_int"))
    for name, ref in BINARY.items():
        cases.append(OpCase(name, args(f32(3, 4), f32(4)), ref, label=f"{name}_broadcast"))
    cases += [
        OpCase("add", args(i32(3, 4), i32(3, 4)), np.add, dtype="int32", label="add_int"),
        OpCase(
            "add",
            args(i32(3), 1.5),
            lambda a, b: (a + b).astype("float32"),
            dtype="float32",
            label="add_int_weak_float",
        ),
        OpCase("multiply", args(f32(3), 2), lambda a, b: a * b, dtype="float32", label="multiply_weak_int"),
        OpCase(
            "divide",
            args(i32(4, low=1), i32(4, low=1)),
            lambda a, b: (a / b).astype("float32"),
            dtype="float32",
            label="divide_int",
        ),
        OpCase("floor_divide", args(f32(3, 4), f32(3, 4, low=0.5)), np.floor_divide),
        OpCase("floor_divide", args(i32(6), i32(6, low=1)), np.floor_divide, dtype="int32", label="floor_divide_int"),
        OpCase("mod", args(f32(3, 4), f32(3, 4, low=0.5)), np.mod, rtol=1e-4, atol=1e-5),
        OpCase("mod", args(i32(6), i32(6, low=1)), np.mod, dtype="int32", label="mod_int"),
        OpCase("power", args(f32(3, 4, low=0.1), f32(3, 4)), np.power, rtol=1e-4),
        OpCase("power", args(i32(5, low=0, high=4), 2), lambda a, b: a**b, dtype="int32", label="power_int"),
        OpCase("logical_and", args(boolean(3, 4), boolean(3, 4)), np.logical_and),
        OpCase("logical_or", args(boolean(3, 4), boolean(3, 4)), np.logical_or),
        OpCase("logical_xor", args(boolean(3, 4), boolean(3, 4)), np.logical_xor),
        OpCase("logical_not", args(boolean(3, 4)), np.logical_not),
        OpCase("where", args(boolean(3, 4), f32(3, 4), f32(3, 4)), np.where),
        OpCase(
            "where",
            args(boolean(3, 4), f32(3, 4), 0.0),
            lambda c, a, b: np.where(c, a, np.float32(b)),
            label="where_scalar",
        ),
        OpCase("clip", args(f32(3, 4), -0.5, 0.5), np.clip),
        OpCase(
            "nan_to_num",
            args(lambda rng: np.array([1.0, np.nan, np.inf, -np.inf], "float32")),
            lambda x, **k: np.nan_to_num(x, **k),
            kwargs={"nan": 0.0, "posinf": 1e3, "neginf": -1e3},
        ),
    ]
    # Reductions, over all axes, one axis, several axes and with keepdims.
    for name, ref in REDUCTIONS.items():
        cases.append(OpCase(name, args(f32(2, 3, 4)), ref, label=f"{name}_all"))
        cases.append(OpCase(name, args(f32(2, 3, 4)), ref, kwargs={"axis": 1}, label=f"{name}_axis"))
        cases.append(
            OpCase(
                name, args(f32(2, 3, 4)), ref, kwargs={"axis": (0, 2), "keepdims": True}, label=f"{name}_axes_keepdims"
            )
        )
    cases += [
        OpCase("sum", args(i32(3, 4)), np.sum, kwargs={"axis": 0}, dtype="int32", label="sum_int"),
        OpCase(
            "sum",
            args(boolean(3, 4)),
            lambda x, axis: np.sum(x, axis=axis).astype("int32"),
            kwargs={"axis": -1},
            dtype="int32",
            label="sum_bool",
        ),
        OpCase(
            "mean",
            args(i32(3, 4)),
            lambda x, axis: np.mean(x, axis=axis).astype("float32"),
            kwargs={"axis": 1},
            dtype="float32",
            label="mean_int",
        ),
        OpCase(
            "argmax",
            args(f32(3, 4)),
            lambda x, axis: np.argmax(x, axis=axis).astype("int32"),
            kwargs={"axis": -1},
            dtype="int32",
        ),
        OpCase(
            "argmin",
            args(f32(3, 4)),
            lambda x, axis: np.argmin(x, axis=axis).astype("int32"),
            kwargs={"axis": 0},
            dtype="int32",
        ),
        OpCase("argmax", args(f32(3, 4)), lambda x: np.int32(np.argmax(x)), dtype="int32", label="argmax_flat"),
        OpCase("any", args(boolean(3, 4)), np.any, kwargs={"axis": 1}),
        OpCase("all", args(boolean(3, 4)), np.all, kwargs={"axis": 0}),
        OpCase("cumsum", args(f32(3, 4)), np.cumsum, kwargs={"axis": 1}),
        OpCase("cumprod", args(f32(3, 4)), np.cumprod, kwargs={"axis": 0}),
        OpCase(
            "count_nonzero",
            args(i32(3, 4, low=0, high=2)),
            lambda x, axis: np.count_nonzero(x, axis=axis).astype("int32"),
            kwargs={"axis": 1},
            dtype="int32",
        ),
    ]
    # Products.
    cases += [
        OpCase("matmul", args(f32(3, 4), f32(4, 5)), np.matmul, rtol=1e-5),
        OpCase("matmul", args(f32(2, 3, 4), f32(4, 5)), np.matmul, label="matmul_batched"),
        OpCase("matmul", args(f32(2, 3, 4), f32(2, 4, 5)), np.matmul, label="matmul_batched_both"),
        OpCase("matmul", args(f32(4), f32(4, 5)), np.matmul, label="matmul_vector"),
        OpCase("dot", args(f32(3, 4), f32(4, 2)), np.dot),
        OpCase("tensordot", args(f32(2, 3, 4), f32(3, 4, 5)), np.tensordot, kwargs={"axes": 2}),
        OpCase(
            "tensordot",
            args(f32(2, 3), f32(3, 5)),
            lambda a, b, axes: np.tensordot(a, b, axes=axes),
            kwargs={"axes": ([1], [0])},
            label="tensordot_lists",
        ),
        OpCase("einsum", args("ij,jk->ik", f32(3, 4), f32(4, 5)), np.einsum),
        OpCase("einsum", args("bij,bjk->bik", f32(2, 3, 4), f32(2, 4, 5)), np.einsum, label="einsum_batched"),
        OpCase("einsum", args("ii->i", f32(3, 3)), np.einsum, label="einsum_diag"),
        OpCase("outer", args(f32(3), f32(4)), np.outer),
        OpCase("diagonal", args(f32(4, 4)), np.diagonal),
        OpCase("tril", args(f32(4, 4)), np.tril),
        OpCase("triu", args(f32(4, 4)), np.triu, kwargs={"k": 1}),
        OpCase("trace", args(f32(4, 4)), np.trace),
    ]
    # Shapes and indexing.
    cases += [
        OpCase("reshape", args(f32(2, 3, 4), (6, 4)), np.reshape),
        OpCase("reshape", args(f32(2, 3, 4), (-1, 2)), np.reshape, label="reshape_infer"),
        OpCase("transpose", args(f32(2, 3, 4)), np.transpose),
        OpCase("transpose", args(f32(2, 3, 4), (1, 0, 2)), np.transpose, label="transpose_axes"),
        OpCase("expand_dims", args(f32(2, 3), 1), np.expand_dims),
        OpCase("expand_dims", args(f32(2, 3), -1), np.expand_dims, label="expand_dims_last"),
        OpCase("squeeze", args(f32(2, 1, 3, 1)), np.squeeze),
        OpCase("squeeze", args(f32(2, 1, 3, 1)), np.squeeze, kwargs={"axis": 1}, label="squeeze_axis"),
        OpCase(
            "concatenate",
            args(lambda rng: [f32(2, 3)(rng), f32(2, 2)(rng)]),
            lambda xs, axis: np.concatenate(xs, axis=axis),
            kwargs={"axis": 1},
        ),
        OpCase(
            "stack",
            args(lambda rng: [f32(2, 3)(rng), f32(2, 3)(rng)]),
            lambda xs, axis: np.stack(xs, axis=axis),
            kwargs={"axis": 1},
        ),
        OpCase("split", args(f32(6, 4), 3), lambda x, n: np.split(x, n)),
        OpCase(
            "split",
            args(f32(4, 6), [1, 4]),
            lambda x, i, axis: np.split(x, i, axis=axis),
            kwargs={"axis": 1},
            label="split_indices",
        ),
        OpCase("tile", args(f32(2, 3), (2, 1)), np.tile),
        OpCase("repeat", args(f32(2, 3), 2), lambda x, r, axis: np.repeat(x, r, axis=axis), kwargs={"axis": 1}),
        OpCase("broadcast_to", args(f32(3), (2, 3)), np.broadcast_to),
        OpCase("flip", args(f32(2, 3)), np.flip, kwargs={"axis": 1}),
        OpCase(
            "roll", args(f32(2, 3)), lambda x, shift, axis: np.roll(x, shift, axis=axis), kwargs={"shift": 1, "axis": 1}
        ),
        OpCase("swapaxes", args(f32(2, 3, 4), 0, 2), np.swapaxes),
        OpCase("moveaxis", args(f32(2, 3, 4), 0, -1), np.moveaxis),
        OpCase("ravel", args(f32(2, 3)), np.ravel),
        OpCase(
            "take",
            args(f32(4, 3), lambda rng: np.array([0, 2, 3], "int32")),
            lambda x, i, axis: np.take(x, i, axis=axis),
            kwargs={"axis": 0},
        ),
        OpCase(
            "take_along_axis",
            args(f32(3, 4), lambda rng: np.array([[0], [3], [1]], "int32")),
            lambda x, i, axis: np.take_along_axis(x, i, axis=axis),
            kwargs={"axis": 1},
        ),
        OpCase("pad", args(f32(2, 3), ((1, 1), (0, 2))), np.pad),
        OpCase(
            "pad",
            args(f32(3, 4), ((1, 1), (2, 2))),
            lambda x, w, mode: np.pad(x, w, mode=mode),
            kwargs={"mode": "reflect"},
            label="pad_reflect",
        ),
        OpCase("sort", args(f32(3, 4)), np.sort),
        OpCase("argsort", args(f32(3, 4)), lambda x: np.argsort(x).astype("int32"), dtype="int32"),
        OpCase("zeros", args((2, 3)), lambda s: np.zeros(s, "float32")),
        OpCase("ones", args((2, 3)), lambda s: np.ones(s, "float32")),
        OpCase("ones", args((2, 3)), lambda s, dtype: np.ones(s, dtype), kwargs={"dtype": "int32"}, label="ones_int"),
        OpCase("full", args((2, 3), 7.0), lambda s, v: np.full(s, v, "float32")),
        OpCase("zeros_like", args(i32(2, 3)), np.zeros_like, dtype="int32"),
        OpCase("ones_like", args(f32(2, 3)), np.ones_like),
        OpCase("full_like", args(f32(2, 3), 2.5), np.full_like),
        OpCase("arange", args(5), lambda n: np.arange(n, dtype="int32"), dtype="int32"),
        OpCase(
            "arange",
            args(0.0, 1.0, 0.25),
            lambda a, b, c: np.arange(a, b, c, dtype="float32"),
            dtype="float32",
            label="arange_float",
        ),
        OpCase("linspace", args(0.0, 1.0, 5), lambda a, b, n: np.linspace(a, b, n, dtype="float32")),
        OpCase("eye", args(3), lambda n: np.eye(n, dtype="float32")),
        OpCase("eye", args(3, 4, 1), lambda n, m, k: np.eye(n, m, k, dtype="float32"), label="eye_rect"),
        OpCase("identity", args(3), lambda n: np.identity(n, dtype="float32")),
        OpCase("copy", args(f32(2, 3)), np.copy),
    ]
    # Core ops.
    cases += [
        OpCase("cast", args(f32(3, 4), "int32"), lambda x, d: x.astype(d), dtype="int32"),
        OpCase("cast", args(i32(3, 4), "float32"), lambda x, d: x.astype(d), label="cast_to_float"),
        OpCase("stop_gradient", args(f32(3, 4)), lambda x: x),
        OpCase("getitem", args(f32(4, 5), (slice(1, 3), 2)), lambda x, k: x[k]),
        OpCase("slice", args(f32(4, 5), (1, 2), (2, 3)), lambda x, s, sh: x[s[0] : s[0] + sh[0], s[1] : s[1] + sh[1]]),
        OpCase("slice_update", args(f32(4, 5), (1, 2), f32(2, 3)), lambda x, s, u: _slice_update(x, s, u)),
        OpCase(
            "scatter",
            args(lambda rng: np.array([[0, 1], [2, 3]], "int32"), f32(2), (3, 4)),
            lambda i, v, s: _scatter(i, v, s),
        ),
        OpCase(
            "scatter_update",
            args(f32(3, 4), lambda rng: np.array([[0, 1], [2, 3]], "int32"), f32(2)),
            lambda x, i, u: _scatter_update(x, i, u),
        ),
    ]
    # nn ops.
    cases += [
        OpCase("relu", args(f32(3, 4)), lambda x: np.maximum(x, 0)),
        OpCase("relu6", args(f32(3, 4, low=-3, high=9)), lambda x: np.clip(x, 0, 6)),
        OpCase("sigmoid", args(f32(3, 4)), _sigmoid),
        OpCase("softplus", args(f32(3, 4)), lambda x: np.log1p(np.exp(x))),
        OpCase("softsign", args(f32(3, 4)), lambda x: x / (np.abs(x) + 1)),
        OpCase("silu", args(f32(3, 4)), lambda x: x * _sigmoid(x)),
        OpCase("log_sigmoid", args(f32(3, 4)), lambda x: np.log(_sigmoid(x))),
        OpCase("leaky_relu", args(f32(3, 4)), lambda x: np.where(x >= 0, x, 0.2 * x)),
        OpCase("hard_sigmoid", args(f32(3, 4, low=-4, high=4)), lambda x: np.clip(x / 6 + 0.5, 0, 1)),
        OpCase("elu", args(f32(3, 4)), lambda x: np.where(x > 0, x, np.expm1(x))),
        OpCase(
            "selu", args(f32(3, 4)), lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))
        ),
        OpCase("gelu", args(f32(3, 4)), _gelu_tanh, rtol=1e-4, atol=1e-5),
        OpCase(
            "gelu",
            args(f32(3, 4)),
            lambda x, approximate: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
            kwargs={"approximate": False},
            rtol=1e-4,
            atol=1e-5,
            label="gelu_exact",
        ),
        OpCase("softmax", args(f32(3, 4)), _softmax),
        OpCase(
            "softmax", args(f32(3, 4)), lambda x, axis: _softmax(x, axis), kwargs={"axis": 0}, label="softmax_axis0"
        ),
        OpCase("log_softmax", args(f32(3, 4)), lambda x: np.log(_softmax(x)), rtol=1e-4, atol=1e-5),
        OpCase("one_hot", args(lambda rng: np.array([0, 2, 1, 3], "int32"), 4), _one_hot),
        OpCase(
            "binary_crossentropy",
            args(lambda rng: (rng.uniform(size=(4, 3)) > 0.5).astype("float32"), f32(4, 3, low=0.05, high=0.95)),
            lambda t, o: -(t * np.log(o) + (1 - t) * np.log(1 - o)),
            rtol=1e-4,
        ),
        OpCase(
            "binary_crossentropy",
            args(lambda rng: (rng.uniform(size=(4, 3)) > 0.5).astype("float32"), f32(4, 3)),
            lambda t, o, from_logits: -(t * np.log(_sigmoid(o)) + (1 - t) * np.log(1 - _sigmoid(o))),
            kwargs={"from_logits": True},
            rtol=1e-4,
            label="binary_crossentropy_logits",
        ),
        OpCase(
            "categorical_crossentropy",
            args(lambda rng: _one_hot(np.array([0, 2, 1]), 4), lambda rng: _softmax(f32(3, 4)(rng))),
            lambda t, o: -np.sum(t * np.log(o), axis=-1),
            rtol=1e-4,
        ),
        OpCase(
            "categorical_crossentropy",
            args(lambda rng: _one_hot(np.array([0, 2, 1]), 4), f32(3, 4)),
            lambda t, o, from_logits: -np.sum(t * np.log(_softmax(o)), axis=-1),
            kwargs={"from_logits": True},
            rtol=1e-4,
            label="categorical_crossentropy_logits",
        ),
        OpCase(
            "sparse_categorical_crossentropy",
            args(lambda rng: np.array([0, 2, 1], "int32"), f32(3, 4)),
            lambda t, o, from_logits: -np.log(_softmax(o))[np.arange(3), t],
            kwargs={"from_logits": True},
            rtol=1e-4,
        ),
        OpCase(
            "sparse_categorical_crossentropy",
            args(lambda rng: np.array([[0], [2], [1]], "int32"), lambda rng: _softmax(f32(3, 4)(rng))),
            lambda t, o: -np.log(o)[np.arange(3), t[:, 0]],
            rtol=1e-4,
            label="sparse_categorical_crossentropy_probs",
        ),
    ]
    # math and linalg.
    cases += [
        OpCase(
            "logsumexp",
            args(f32(3, 4)),
            lambda x, axis: np.log(np.sum(np.exp(x), axis=axis)),
            kwargs={"axis": -1},
            rtol=1e-5,
        ),
        OpCase("logsumexp", args(f32(3, 4)), lambda x: np.log(np.sum(np.exp(x))), label="logsumexp_all"),
        OpCase("rsqrt", args(f32(3, 4, low=0.1)), lambda x: 1 / np.sqrt(x), rtol=1e-4),
        OpCase("erf", args(f32(3, 4)), _erf, rtol=1e-4, atol=1e-5),
        OpCase("norm", args(f32(3, 4)), lambda x, axis: np.linalg.norm(x, axis=axis), kwargs={"axis": -1}),
        OpCase("norm", args(f32(3, 4)), lambda x: np.linalg.norm(x), label="norm_all"),
        OpCase(
            "inv",
            args(lambda rng: (np.eye(3) * 3 + rng.uniform(size=(3, 3))).astype("float32")),
            np.linalg.inv,
            rtol=1e-4,
            atol=1e-5,
        ),
        OpCase(
            "solve",
            args(lambda rng: (np.eye(3) * 3 + rng.uniform(size=(3, 3))).astype("float32"), f32(3, 2)),
            np.linalg.solve,
            rtol=1e-4,
            atol=1e-5,
        ),
        OpCase(
            "det",
            args(lambda rng: (np.eye(3) * 3 + rng.uniform(size=(3, 3))).astype("float32")),
            np.linalg.det,
            rtol=1e-4,
        ),
        OpCase(
            "cholesky",
            args(lambda rng: (np.eye(3) * 3 + np.ones((3, 3))).astype("float32")),
            np.linalg.cholesky,
            rtol=1e-4,
            atol=1e-5,
        ),
    ]
    return cases


def _slice_update(x: np.ndarray, start: tuple, update: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[start[0] : start[0] + update.shape[0], start[1] : start[1] + update.shape[1]] = update
    return out


def _scatter(indices: np.ndarray, values: np.ndarray, shape: tuple) -> np.ndarray:
    out = np.zeros(shape, values.dtype)
    np.add.at(out, tuple(indices.T), values)
    return out


def _scatter_update(x: np.ndarray, indices: np.ndarray, updates: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[tuple(indices.T)] = updates
    return out


def _convolution_cases() -> list[OpCase]:
    """Convolution and pooling ops (nn namespace), against loops in `conv_references`.

    Covers 1-3 spatial axes, both data formats, strides, dilations, groups,
    "same" padding with even kernels and strides (padded at the end), and
    transposed convolutions with and without `output_padding`.
    """
    from lamina.testing.conformance import conv_references as ref

    first = {"data_format": "channels_first"}
    tolerance = {"rtol": 1e-4, "atol": 1e-4}

    def case(op: str, label: str, makers: tuple, **kwargs: Any) -> OpCase:
        return OpCase(op, args(*makers), getattr(ref, op), kwargs=kwargs, label=label, **tolerance)

    return [
        case("conv", "conv1d_valid", (f32(2, 9, 3), f32(3, 3, 4))),
        case("conv", "conv1d_same_even_kernel_strided", (f32(2, 9, 3), f32(4, 3, 2)), strides=2, padding="same"),
        case(
            "conv",
            "conv1d_dilated_channels_first",
            (f32(2, 3, 9), f32(3, 3, 2)),
            padding="same",
            dilation_rate=2,
            **first,
        ),
        case("conv", "conv2d_valid_strided", (f32(2, 7, 6, 3), f32(3, 3, 3, 4)), strides=(2, 1)),
        case("conv", "conv2d_same_even", (f32(2, 7, 6, 3), f32(2, 2, 3, 4)), strides=2, padding="same"),
        case(
            "conv",
            "conv2d_dilated_channels_first",
            (f32(2, 3, 7, 8), f32(3, 2, 3, 4)),
            padding="same",
            dilation_rate=(2, 1),
            **first,
        ),
        case("conv", "conv2d_groups", (f32(2, 6, 6, 4), f32(3, 3, 2, 6)), padding="same"),
        case("conv", "conv3d_valid", (f32(1, 5, 6, 4, 2), f32(2, 3, 2, 2, 3))),
        case(
            "conv",
            "conv3d_same_channels_first",
            (f32(1, 2, 5, 6, 4), f32(3, 3, 3, 2, 3)),
            strides=2,
            padding="same",
            **first,
        ),
        case(
            "depthwise_conv", "depthwise_conv1d_same_strided", (f32(2, 9, 3), f32(3, 3, 2)), strides=2, padding="same"
        ),
        case("depthwise_conv", "depthwise_conv2d_dilated", (f32(2, 7, 7, 3), f32(3, 3, 3, 1)), dilation_rate=2),
        case(
            "depthwise_conv",
            "depthwise_conv2d_channels_first",
            (f32(2, 3, 6, 5), f32(2, 2, 3, 2)),
            padding="same",
            **first,
        ),
        case(
            "separable_conv",
            "separable_conv2d_same_strided",
            (f32(2, 7, 6, 3), f32(3, 3, 3, 2), f32(1, 1, 6, 4)),
            strides=2,
            padding="same",
        ),
        case(
            "separable_conv", "separable_conv1d_dilated", (f32(2, 10, 3), f32(3, 3, 1), f32(1, 3, 5)), dilation_rate=2
        ),
        case("conv_transpose", "conv_transpose1d_valid_strided", (f32(2, 5, 3), f32(3, 4, 3)), strides=2),
        case(
            "conv_transpose",
            "conv_transpose2d_same_strided",
            (f32(2, 4, 5, 3), f32(3, 3, 2, 3)),
            strides=2,
            padding="same",
        ),
        case(
            "conv_transpose",
            "conv_transpose2d_output_padding_channels_first",
            (f32(2, 3, 4, 3), f32(4, 3, 2, 3)),
            strides=2,
            padding="same",
            output_padding=1,
            **first,
        ),
        case("conv_transpose", "conv_transpose2d_stride_over_kernel", (f32(2, 3, 4, 2), f32(2, 2, 3, 2)), strides=3),
        case(
            "conv_transpose",
            "conv_transpose3d_dilated",
            (f32(1, 3, 4, 3, 2), f32(2, 3, 2, 2, 2)),
            padding="same",
            dilation_rate=2,
        ),
        case("max_pool", "max_pool1d", (f32(2, 9, 3), 2)),
        case("max_pool", "max_pool2d_same_strided", (f32(2, 7, 6, 3), 3), strides=2, padding="same"),
        case("max_pool", "max_pool2d_channels_first", (f32(2, 3, 7, 6), (2, 3)), strides=(1, 2), **first),
        case("max_pool", "max_pool3d_same", (f32(1, 5, 4, 5, 2), 2), padding="same"),
        case("average_pool", "average_pool1d_same_strided", (f32(2, 9, 3), 3), strides=2, padding="same"),
        case("average_pool", "average_pool2d", (f32(2, 6, 6, 3), 2)),
        case(
            "average_pool",
            "average_pool2d_same_channels_first",
            (f32(2, 3, 5, 5), 2),
            strides=1,
            padding="same",
            **first,
        ),
        case("average_pool", "average_pool3d_same_strided", (f32(1, 5, 6, 4, 2), 3), strides=2, padding="same"),
        case("adaptive_average_pool", "adaptive_average_pool1d", (f32(2, 9, 3), 4)),
        case("adaptive_average_pool", "adaptive_average_pool2d_uneven_bins", (f32(2, 10, 7, 3), (3, 4))),
        case("adaptive_average_pool", "adaptive_average_pool2d_even_bins", (f32(2, 8, 6, 3), (4, 3))),
        case("adaptive_average_pool", "adaptive_average_pool2d_channels_first", (f32(2, 3, 5, 9), (2, 7)), **first),
        case("adaptive_average_pool", "adaptive_average_pool3d_upsampling", (f32(1, 2, 5, 4, 2), (3, 2, 4))),
        case("adaptive_max_pool", "adaptive_max_pool1d_upsampling", (f32(2, 3, 2), 5)),
        case("adaptive_max_pool", "adaptive_max_pool2d_uneven_bins", (f32(2, 10, 7, 3), (3, 4))),
        case("adaptive_max_pool", "adaptive_max_pool2d_channels_first", (f32(2, 3, 9, 6), 4), **first),
        case("adaptive_max_pool", "adaptive_max_pool3d", (f32(1, 5, 6, 4, 2), (2, 3, 3))),
    ]


def _scan_step(carry: Any, x: Any) -> tuple:
    # Operators only, so that the same function runs on NumPy arrays and on
    # every backend's tensors (eagerly and traced).
    return carry * 0.5 + x, carry * x


def _count_step(carry: Any, x: Any) -> tuple:
    return carry * 2.0, carry + 1.0


def _numpy_scan(f: Callable, init: Any, xs: Any = None, length: int | None = None, reverse: bool = False) -> tuple:
    n = length if xs is None else len(xs)
    carry, ys = np.asarray(init), [None] * n
    for i in reversed(range(n)) if reverse else range(n):
        carry, ys[i] = f(carry, None if xs is None else xs[i])
    return carry, np.stack(ys)


def _numpy_while(cond: Callable, body: Callable, loop_vars: Any, maximum_iterations: int | None = None) -> Any:
    is_tuple = isinstance(loop_vars, (list, tuple))
    values = tuple(np.asarray(v) for v in (loop_vars if is_tuple else (loop_vars,)))
    iterations = 0
    while (maximum_iterations is None or iterations < maximum_iterations) and bool(np.asarray(cond(*values))):
        result = body(*values)
        values = tuple(np.asarray(v) for v in (result if isinstance(result, (list, tuple)) else (result,)))
        iterations += 1
    return values if is_tuple else values[0]


def _numpy_fori(lower: int, upper: int, body: Callable, init: Any) -> Any:
    value = np.asarray(init)
    for i in range(lower, upper):
        value = np.asarray(body(np.int32(i), value))
    return value


def _below(limit: float) -> Callable:
    def cond(x: Any) -> Any:
        import lamina.ops

        return lamina.ops.max(x) < limit

    return cond


def _control_flow_cases() -> list[OpCase]:
    """Loops and scans (core namespace).

    Structures (nested carries, dict inputs), gradients and compiled loops
    are checked in `test_control_flow.py`.
    """
    return [
        OpCase("scan", args(_fn(_scan_step), f32(3), f32(5, 3)), _numpy_scan, rtol=1e-5, atol=1e-6),
        OpCase(
            "scan",
            args(_fn(_scan_step), f32(2, 3), f32(4, 2, 3)),
            _numpy_scan,
            kwargs={"reverse": True},
            label="scan_reverse",
        ),
        OpCase(
            "scan",
            args(_fn(_count_step), f32(3)),
            _numpy_scan,
            kwargs={"length": 4},
            label="scan_length_without_xs",
        ),
        OpCase(
            "while_loop",
            args(
                _fn(lambda i, x: i < 4),
                _fn(lambda i, x: (i + 1, x * 2.0 + 1.0)),
                lambda rng: (np.array(0, "int32"), f32(3)(rng)),
            ),
            _numpy_while,
            label="while_loop_tuple",
        ),
        OpCase(
            "while_loop",
            args(_fn(_below(50.0)), _fn(lambda x: x * 2.0), f32(3, low=1.0, high=2.0)),
            _numpy_while,
            label="while_loop_single",
        ),
        OpCase(
            "while_loop",
            args(_fn(_below(1e9)), _fn(lambda x: x * 2.0), f32(3, low=1.0, high=2.0)),
            _numpy_while,
            kwargs={"maximum_iterations": 3},
            label="while_loop_maximum_iterations",
        ),
        OpCase(
            "fori_loop",
            args(1, 5, _fn(lambda i, x: x * 2.0 + 1.0), f32(3)),
            _numpy_fori,
            label="fori_loop",
        ),
    ]


def _image_cases() -> list[OpCase]:
    """Image ops (image namespace), against plain NumPy loops."""
    images = f32(2, 5, 6, 2, low=0.0, high=1.0)
    rotate = _affine_matrix(angle=0.5, scale=1.2, shift=(0.75, -1.25), height=5, width=6)
    shift = np.array([[1, 0, -2.5, 0, 1, 1.5, 0, 0], [1, 0, 0.5, 0, 1, -0.5, 0, 0]], "float32")
    cases = [
        OpCase("image.resize", args(images, (3, 4)), _resize_bilinear_reference, label="image.resize_down"),
        OpCase("image.resize", args(images, (8, 9)), _resize_bilinear_reference, label="image.resize_up"),
        OpCase(
            "image.resize",
            args(images, (3, 9)),
            lambda x, size, interpolation: _resize_nearest_reference(x, size),
            kwargs={"interpolation": "nearest"},
            label="image.resize_nearest",
        ),
        OpCase(
            "image.resize",
            args(lambda rng: rng.integers(0, 256, size=(2, 5, 6, 2)).astype("uint8"), (3, 9)),
            lambda x, size, interpolation: _resize_nearest_reference(x, size),
            kwargs={"interpolation": "nearest"},
            label="image.resize_nearest_uint8",
        ),
        OpCase(
            "image.resize",
            args(lambda rng: np.transpose(images(rng), (0, 3, 1, 2)), (3, 4)),
            lambda x, size, data_format: np.transpose(
                _resize_bilinear_reference(np.transpose(x, (0, 2, 3, 1)), size), (0, 3, 1, 2)
            ),
            kwargs={"data_format": "channels_first"},
            label="image.resize_channels_first",
        ),
    ]
    for fill_mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
        for interpolation in ("bilinear", "nearest"):
            for name, matrix in (("rotate", rotate), ("shift", shift)):
                cases.append(
                    OpCase(
                        "image.affine_transform",
                        args(images, lambda rng, m=matrix: m),
                        _affine_reference,
                        kwargs={"interpolation": interpolation, "fill_mode": fill_mode, "fill_value": 0.5},
                        rtol=1e-4,
                        atol=1e-5,
                        label=f"image.affine_transform_{name}_{interpolation}_{fill_mode}",
                    )
                )
    for fill_mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
        for order in (0, 1):
            cases.append(
                OpCase(
                    "image.map_coordinates",
                    args(f32(4, 5), f32(2, 3, 7, low=-3.0, high=8.0), order),
                    lambda x, c, o, fill_mode, fill_value: _map_coordinates_reference(x, c, o, fill_mode, fill_value),
                    kwargs={"fill_mode": fill_mode, "fill_value": 0.5},
                    rtol=1e-4,
                    atol=1e-5,
                    label=f"image.map_coordinates_{order}_{fill_mode}",
                )
            )
    return cases


def _affine_matrix(angle: float, scale: float, shift: tuple, height: int, width: int) -> np.ndarray:
    """Rotation and zoom about the image centre plus a shift, as two 8-parameter transforms."""
    rows = []
    for sign in (1, -1):
        cos, sin = np.cos(sign * angle) * scale, np.sin(sign * angle) * scale
        cx, cy = (width - 1) / 2, (height - 1) / 2
        rows.append(
            [cos, -sin, shift[0] + cx - cx * cos + cy * sin, sin, cos, shift[1] + cy - cx * sin - cy * cos, 0, 0]
        )
    return np.array(rows, "float32")


def _resize_bilinear_reference(x: np.ndarray, size: tuple) -> np.ndarray:
    """Half-pixel bilinear resizing of (batch, height, width, channels), edges clamped."""
    out = x.astype("float64")
    for axis, n_out in ((1, size[0]), (2, size[1])):
        n_in = out.shape[axis]
        source = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        lower = np.floor(source).astype(int)
        upper = np.minimum(lower + 1, n_in - 1)
        frac = (source - lower).reshape([-1 if a == axis else 1 for a in range(4)])
        out = np.take(out, lower, axis=axis) * (1 - frac) + np.take(out, upper, axis=axis) * frac
    return out


def _resize_nearest_reference(x: np.ndarray, size: tuple) -> np.ndarray:
    rows = [int((i + 0.5) * x.shape[1] / size[0]) for i in range(size[0])]
    cols = [int((j + 0.5) * x.shape[2] / size[1]) for j in range(size[1])]
    return x[:, rows][:, :, cols]


def _fixed_index(index: int, size: int, fill_mode: str) -> int | None:
    """The pixel that `index` reads under `fill_mode` (None: the fill value)."""
    if 0 <= index < size:
        return index
    if fill_mode == "constant":
        return None
    if fill_mode == "nearest":
        return min(max(index, 0), size - 1)
    if fill_mode == "wrap":
        return index % size
    if fill_mode == "mirror":  # d c b | a b c d | c b a
        period = 2 * (size - 1)
        index = index % period if period else 0
        return period - index if index >= size else index
    period = 2 * size  # reflect: c b a | a b c d | d c b
    index = index % period
    return period - 1 - index if index >= size else index


def _sample_reference(
    read: Callable, coordinate: tuple, sizes: tuple, order: int, fill_mode: str, fill: float
) -> float:
    nodes = []
    for c in coordinate:
        if order == 0:
            nodes.append([(int(np.sign(c) * np.floor(abs(c) + 0.5)), 1.0)])
        else:
            lower = int(np.floor(c))
            nodes.append([(lower, 1 - (c - lower)), (lower + 1, c - lower)])
    total = 0.0
    for combination in itertools.product(*nodes):
        fixed = [_fixed_index(i, n, fill_mode) for (i, _), n in zip(combination, sizes)]
        value = fill if any(f is None for f in fixed) else read(*fixed)
        total += float(np.prod([w for _, w in combination])) * value
    return total


def _affine_reference(
    images: np.ndarray, transform: np.ndarray, interpolation: str, fill_mode: str, fill_value: float
) -> np.ndarray:
    batch, height, width, channels = images.shape
    out = np.zeros(images.shape)
    order = 0 if interpolation == "nearest" else 1
    for b, c, y, x in itertools.product(range(batch), range(channels), range(height), range(width)):
        a0, a1, a2, b0, b1, b2, _, _ = transform[b].astype("float64")
        point = (b0 * x + b1 * y + b2, a0 * x + a1 * y + a2)
        out[b, y, x, c] = _sample_reference(
            lambda i, j, b=b, c=c: images[b, i, j, c], point, (height, width), order, fill_mode, fill_value
        )
    return out.astype("float32")


def _map_coordinates_reference(
    x: np.ndarray, coordinates: np.ndarray, order: int, fill_mode: str, fill_value: float
) -> np.ndarray:
    out = np.zeros(coordinates.shape[1:])
    for index in np.ndindex(*coordinates.shape[1:]):
        point = tuple(float(coordinates[(axis,) + index]) for axis in range(x.ndim))
        out[index] = _sample_reference(lambda *i: x[i], point, x.shape, order, fill_mode, fill_value)
    return out.astype("float32")


CASES = _cases() + _convolution_cases() + _control_flow_cases() + _image_cases() + keras_parity_cases()
