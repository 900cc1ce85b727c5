"""Linear algebra on TensorFlow (`tf.linalg`)."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from lamina.backend.contract import LinalgOps
from lamina_tensorflow.core import float_tensor, ndim_of, normalize_axis, promote

_VECTOR_ORDS = (None, 2, 1, float("inf"), float("-inf"), 0)
_MATRIX_ORDS = (None, "fro", "nuc", 1, -1, 2, -2, float("inf"), float("-inf"))


def _ord_value(ord: Any) -> Any:
    if isinstance(ord, str) and ord in ("inf", "-inf"):
        return float(ord)
    return ord


class TensorFlowLinalgOps(LinalgOps):
    def norm(self, x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> tf.Tensor:
        x = float_tensor(x)
        ord = _ord_value(ord)
        ndim = ndim_of(x)
        if ord == "euclidean":
            ord = None
        if axis is None:
            if ord is None or (ord == "fro" and ndim == 2):
                result = tf.sqrt(tf.reduce_sum(tf.square(tf.abs(x))))
                return tf.reshape(result, [1] * ndim) if keepdims else result
            if ndim not in (1, 2):
                raise ValueError(
                    f"Improper number of dimensions to norm with ord={ord!r}: expected a "
                    f"1-D or 2-D tensor when axis=None. Received shape {x.shape}."
                )
            axis = tuple(range(ndim))
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        axes = tuple(normalize_axis(a, ndim) for a in axes)
        if len(axes) == 1:
            return _vector_norm(x, ord, axes[0], keepdims)
        if len(axes) == 2:
            return _matrix_norm(x, ord, axes, keepdims)
        raise ValueError(f"`axis` must name one or two axes. Received: axis={axis!r}")

    def inv(self, x: Any) -> tf.Tensor:
        return tf.linalg.inv(float_tensor(x))

    def solve(self, a: Any, b: Any) -> tf.Tensor:
        a, b = promote(float_tensor(a), float_tensor(b))
        if ndim_of(b) == ndim_of(a) - 1:
            return tf.squeeze(tf.linalg.solve(a, b[..., None]), axis=-1)
        return tf.linalg.solve(a, b)

    def det(self, x: Any) -> tf.Tensor:
        return tf.linalg.det(float_tensor(x))

    def cholesky(self, x: Any) -> tf.Tensor:
        return tf.linalg.cholesky(float_tensor(x))

    def svd(self, x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
        x = float_tensor(x)
        if not compute_uv:
            return tf.linalg.svd(x, full_matrices=full_matrices, compute_uv=False)
        s, u, v = tf.linalg.svd(x, full_matrices=full_matrices)
        return u, s, tf.linalg.adjoint(v)

    def eigh(self, x: Any) -> tuple:
        return tuple(tf.linalg.eigh(float_tensor(x)))

    def qr(self, x: Any, mode: str = "reduced") -> tuple:
        if mode not in ("reduced", "complete"):
            raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
        return tuple(tf.linalg.qr(float_tensor(x), full_matrices=mode == "complete"))

    def solve_triangular(self, a: Any, b: Any, lower: bool = False) -> tf.Tensor:
        a, b = promote(float_tensor(a), float_tensor(b))
        if ndim_of(b) == ndim_of(a) - 1:
            return tf.squeeze(tf.linalg.triangular_solve(a, b[..., None], lower=lower), axis=-1)
        return tf.linalg.triangular_solve(a, b, lower=lower)


def _vector_norm(x: tf.Tensor, ord: Any, axis: int, keepdims: bool) -> tf.Tensor:
    magnitude = tf.abs(x)
    if ord is None or ord == 2:
        return tf.sqrt(tf.reduce_sum(tf.square(magnitude), axis=axis, keepdims=keepdims))
    if ord == float("inf"):
        return tf.reduce_max(magnitude, axis=axis, keepdims=keepdims)
    if ord == float("-inf"):
        return tf.reduce_min(magnitude, axis=axis, keepdims=keepdims)
    if ord == 0:
        return tf.reduce_sum(tf.cast(tf.not_equal(x, 0), magnitude.dtype), axis=axis, keepdims=keepdims)
    if ord == 1:
        return tf.reduce_sum(magnitude, axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order {ord!r} for vectors. Expected a number or None.")  # noqa: TRY004
    p = tf.cast(ord, magnitude.dtype)
    return tf.pow(tf.reduce_sum(tf.pow(magnitude, p), axis=axis, keepdims=keepdims), 1.0 / p)


def _matrix_norm(x: tf.Tensor, ord: Any, axes: tuple, keepdims: bool) -> tf.Tensor:
    row, col = axes
    if row == col:
        raise ValueError(f"Duplicate axes given to norm: {axes}.")
    if ord not in _MATRIX_ORDS:
        raise ValueError(f"Invalid norm order {ord!r} for matrices. Expected one of {_MATRIX_ORDS}.")
    magnitude = tf.abs(x)
    if ord in (None, "fro"):
        return tf.sqrt(tf.reduce_sum(tf.square(magnitude), axis=axes, keepdims=keepdims))
    if ord in (1, -1, float("inf"), float("-inf")):
        # 1-norms sum down the columns; inf-norms sum along the rows.
        summed_axis, reduced_axis = (row, col) if ord in (1, -1) else (col, row)
        sums = tf.reduce_sum(magnitude, axis=summed_axis, keepdims=True)
        reduce = tf.reduce_max if ord in (1, float("inf")) else tf.reduce_min
        result = reduce(sums, axis=reduced_axis, keepdims=True)
    else:
        ndim = ndim_of(x)
        perm = [d for d in range(ndim) if d not in axes] + [row, col]
        singular = tf.linalg.svd(tf.transpose(x, perm), compute_uv=False)
        if ord == "nuc":
            result = tf.reduce_sum(singular, axis=-1)
        elif ord == 2:
            result = tf.reduce_max(singular, axis=-1)
        else:
            result = tf.reduce_min(singular, axis=-1)
        if keepdims:
            for position in sorted(axes):
                result = tf.expand_dims(result, position)
        return result
    if not keepdims:
        result = tf.squeeze(result, axis=list(axes))
    return result
