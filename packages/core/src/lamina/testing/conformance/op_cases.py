"""The op cases of the conformance suite: each op, its inputs, a NumPy reference.

A case names a `lamina.ops` function, builds its arguments from a seeded
NumPy generator, and gives the NumPy reference and the dtype Keras 3 returns.
Adding an op to the contract means adding a case here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class OpCase:
    op: str
    make_args: Callable[[np.random.Generator], tuple]
    reference: Callable[..., Any]
    kwargs: dict = field(default_factory=dict)
    dtype: str | None = None  # expected result dtype, when NumPy's differs
    rtol: float = 1e-5
    atol: float = 1e-6
    label: str = ""
    symbolic: bool = True  # check shape inference on symbolic inputs too

    @property
    def id(self) -> str:
        return self.label or self.op


def f32(*shape: int, low: float = -2.0, high: float = 2.0) -> Callable:
    return lambda rng: rng.uniform(low, high, size=shape).astype("float32")


def i32(*shape: int, low: int = -5, high: int = 6) -> Callable:
    return lambda rng: rng.integers(low, high, size=shape).astype("int32")


def boolean(*shape: int) -> Callable:
    return lambda rng: rng.uniform(size=shape) > 0.5


def args(*makers: Any) -> Callable[[np.random.Generator], tuple]:
    def build(rng: np.random.Generator) -> tuple:
        return tuple(m(rng) if callable(m) else m for m in makers)

    return build


def _softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def _one_hot(x: np.ndarray, n: int) -> np.ndarray:
    return np.eye(n, dtype="float32")[x]


def _erf(x: np.ndarray) -> np.ndarray:
    from math import erf

    return np.vectorize(erf)(x).astype("float32")


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
    """Convolution and pooling ops (nn namespace)."""
    return []


def _control_flow_cases() -> list[OpCase]:
    """Loops and scans (core namespace)."""
    return []


def _image_cases() -> list[OpCase]:
    """Image ops (image namespace)."""
    return []


CASES = _cases() + _convolution_cases() + _control_flow_cases() + _image_cases()
