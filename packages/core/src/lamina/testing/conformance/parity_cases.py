"""Conformance cases for the ops added for Keras 3 parity (numpy, nn, math,
linalg, image, core), each against a NumPy reference (`parity_references`).

Most of these ops are composed in the contract from the required ops, so the
cases also check that a backend's required ops compose correctly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lamina.testing.conformance.case_helpers import OpCase, _erf, _fn, args, f32, i32

_WITH_NAN = np.array([[1.0, np.nan, 3.0], [np.nan, -2.0, 0.5]], "float32")
_SPECIAL = np.array([-np.inf, -2.5, -0.0, 0.0, 1.5, np.inf, np.nan], "float32")


def _spd(n: int) -> Callable:
    def make(rng: np.random.Generator) -> np.ndarray:
        a = rng.uniform(-1, 1, size=(n, n))
        return (a @ a.T + n * np.eye(n)).astype("float32")

    return make


def _lower_triangular(n: int) -> Callable:
    return lambda rng: (np.tril(rng.uniform(-1, 1, size=(n, n))) + 3 * np.eye(n)).astype("float32")


def _const(value: Any) -> Callable:
    return lambda rng: value


def _branch(name: str, *args: Any) -> Callable:
    """A `switch` branch calling `lamina.ops.<name>(operand, *args)`: a backend tensor even for NumPy operands."""

    def branch(x: Any) -> Any:
        import lamina.ops

        return getattr(lamina.ops, name)(x, *args)

    return branch


_SWITCH_BRANCHES = [_branch("add", 1.0), _branch("multiply", 10.0), _branch("negative")]


def keras_parity_cases() -> list[OpCase]:
    """The ops added for Keras 3 parity (numpy, nn, math, linalg, image, core), against NumPy.

    Most are composed in the contract from the required ops, so these cases
    also check that a backend's required ops compose correctly. Decompositions
    whose signs are not unique compare a canonical form; `empty` checks shape
    and dtype only.
    """
    from lamina.testing.conformance import parity_references as ref

    def f(op: str, *makers: Any, reference: Callable | None = None, **options: Any) -> OpCase:
        name = op.split(".")[-1]
        if reference is None:
            reference = getattr(np, name)
        return OpCase(op, args(*makers), reference, **options)

    def nan_reduction(name: str) -> OpCase:
        function = getattr(np, name)
        return f(name, _const(_WITH_NAN), reference=lambda x, axis: function(x, axis=axis), kwargs={"axis": 1})

    cases = [
        # -- numpy: element-wise ----------------------------------------------
        f("cbrt", f32(3, 4)),
        f("cbrt", i32(5), label="cbrt_int", dtype="float32", rtol=1e-5),
        f("exp2", f32(3, 4)),
        f("fabs", f32(3, 4)),
        f("deg2rad", f32(3, 4)),
        f("rad2deg", f32(3, 4), rtol=1e-5, atol=1e-4),
        f("sinc", _const(np.array([0.0, 0.5, -1.5, 2.0], "float32"))),
        f("trunc", f32(3, 4, low=-5, high=5)),
        f("signbit", _const(_SPECIAL)),
        f("isneginf", _const(_SPECIAL)),
        f("isposinf", _const(_SPECIAL)),
        f("fmod", f32(3, 4, low=-5, high=5), f32(4, low=0.5, high=2), atol=1e-4),
        f("fmod", i32(6), _const(np.array([3, -3, 2, -2, 4, 5], "int32")), dtype="int32", label="fmod_int"),
        f("hypot", f32(3, 4), f32(4)),
        f("ldexp", f32(4), _const(np.array([0, 1, -2, 3], "int32"))),
        f("logaddexp2", f32(3, 4), f32(3, 4)),
        f("fmax", _const(_WITH_NAN), _const(_WITH_NAN[::-1].copy())),
        f("fmin", _const(_WITH_NAN), _const(_WITH_NAN[::-1].copy())),
        f("heaviside", _const(np.array([-1.0, 0.0, 2.0], "float32")), _const(np.float32(0.5))),
        f(
            "divide_no_nan",
            f32(4),
            _const(np.array([0.0, 2.0, 0.0, -1.0], "float32")),
            reference=lambda a, b: np.where(b == 0, 0, a / np.where(b == 0, 1, b)),
        ),
        f("isclose", f32(6), _const(np.array([0, 1, np.inf, 2, np.nan, 1e-9], "float32"))),
        f("isclose", _const(_WITH_NAN), _const(_WITH_NAN), kwargs={"equal_nan": True}, label="isclose_nan"),
        f(
            "allclose",
            f32(3, 4),
            f32(3, 4),
            reference=lambda a, b, atol: np.allclose(a, b, atol=atol),
            kwargs={"atol": 1.0},
        ),
        f("isin", i32(3, 4), _const(np.array([1, 3, -2], "int32"))),
        f("isin", i32(3, 4), _const(np.array([1, 3], "int32")), kwargs={"invert": True}, label="isin_invert"),
        f("digitize", f32(3, 4), _const(np.array([-1.0, 0.0, 1.0], "float32")), dtype="int32"),
        f("searchsorted", _const(np.array([-1.0, 0.0, 0.0, 1.0], "float32")), f32(5), dtype="int32"),
        f(
            "searchsorted",
            _const(np.array([1, 2, 2, 3], "int32")),
            _const(np.array([0, 2, 4], "int32")),
            kwargs={"side": "right"},
            dtype="int32",
            label="searchsorted_right",
        ),
        # -- numpy: creation -------------------------------------------------------
        f("array", f32(2, 3)),
        f("get_item", f32(4, 5), (slice(1, 3), 2), reference=lambda x, key: x[key]),
        f("empty", (2, 3), reference=lambda shape: np.zeros(shape, "float32"), canonical=ref.zeros),
        f("empty_like", i32(2, 3), reference=np.zeros_like, canonical=ref.zeros, dtype="int32"),
        f("tri", 3, 4, 1, reference=lambda n, m, k: np.tri(n, m, k, dtype="float32")),
        f("logspace", 0.0, 2.0, 5, reference=lambda a, b, n: np.logspace(a, b, n).astype("float32"), rtol=1e-5),
        f(
            "meshgrid",
            f32(3),
            f32(4),
            reference=lambda a, b, indexing: np.meshgrid(a, b, indexing=indexing),
            kwargs={"indexing": "ij"},
        ),
        f("meshgrid", f32(3), f32(4), reference=lambda a, b: np.meshgrid(a, b), label="meshgrid_xy"),
        f("bartlett", 7, reference=lambda n: np.bartlett(n).astype("float32"), atol=1e-6),
        f("hanning", 7, reference=lambda n: np.hanning(n).astype("float32"), atol=1e-6),
        f("hamming", 7, reference=lambda n: np.hamming(n).astype("float32"), atol=1e-6),
        f("blackman", 7, reference=lambda n: np.blackman(n).astype("float32"), atol=1e-6),
        f("vander", f32(4)),
        f("vander", f32(3), kwargs={"N": 4, "increasing": True}, label="vander_increasing"),
        # -- numpy: shapes ------------------------------------------------------------
        f("append", f32(2, 3), f32(2, 3)),
        f("append", f32(2, 3), f32(1, 3), kwargs={"axis": 0}, label="append_axis"),
        f("hstack", lambda rng: [f32(2, 3)(rng), f32(2, 1)(rng)]),
        f("vstack", lambda rng: [f32(3)(rng), f32(3)(rng)]),
        f("dstack", lambda rng: [f32(2, 3)(rng), f32(2, 3)(rng)]),
        f("array_split", f32(7, 2), 3),
        f("hsplit", f32(2, 4), 2),
        f("vsplit", f32(4, 2), 2),
        f("dsplit", f32(2, 2, 4), 2),
        f("fliplr", f32(3, 4)),
        f("flipud", f32(3, 4)),
        f("rot90", f32(3, 4)),
        f("rot90", f32(2, 3, 4), kwargs={"k": 3, "axes": (1, 2)}, label="rot90_k3"),
        f("rot90", f32(3, 4), kwargs={"k": 2}, label="rot90_k2"),
        f("diag", f32(4)),
        f("diag", f32(4), kwargs={"k": -2}, label="diag_vector_k"),
        f("diag", f32(3, 4), kwargs={"k": 1}, label="diag_matrix"),
        f("diagflat", f32(2, 2), kwargs={"k": 1}),
        f("diff", f32(3, 5)),
        f("diff", i32(4, 5), kwargs={"n": 2, "axis": 0}, dtype="int32", label="diff_n2"),
        f("kron", f32(2, 3), f32(3, 2)),
        f("kron", i32(3), i32(2, 2), dtype="int32", label="kron_mixed_rank"),
        f("inner", f32(3, 4), f32(2, 4)),
        f("vdot", f32(3, 4), f32(3, 4), rtol=1e-5, atol=1e-5),
        f("trapezoid", f32(3, 5)),
        f("trapezoid", f32(3, 5), lambda rng: np.sort(rng.uniform(size=5)).astype("float32"), label="trapezoid_x"),
        f(
            "select",
            _const([np.array([True, False, False]), np.array([True, True, False])]),
            _const([np.array([1.0, 2.0, 3.0], "float32"), np.array([4.0, 5.0, 6.0], "float32")]),
            kwargs={"default": -1.0},
            symbolic=False,
        ),
        f(
            "unravel_index",
            _const(np.array([0, 5, 11], "int32")),
            (3, 4),
            reference=lambda i, shape: [c.astype("int32") for c in np.unravel_index(i, shape)],
        ),
        # -- numpy: reductions and statistics -----------------------------------
        f("average", f32(3, 4)),
        f(
            "average",
            f32(3, 4),
            kwargs={"axis": 1, "weights": np.array([1.0, 2.0, 3.0, 4.0], "float32")},
            label="average_weights",
        ),
        f("ptp", f32(3, 4), kwargs={"axis": 1}),
        f("ptp", i32(3, 4), dtype="int32", label="ptp_int"),
        f("quantile", f32(3, 5), 0.3, kwargs={"axis": 1}),
        f("quantile", f32(3, 5), np.array([0.1, 0.5, 1.0], "float32"), label="quantile_vector"),
        f("quantile", f32(3, 4, 5), 0.4, kwargs={"axis": (0, 2), "keepdims": True}, label="quantile_axes_keepdims"),
        *[
            f("quantile", f32(2, 7), 0.35, kwargs={"axis": -1, "method": method}, label=f"quantile_{method}")
            for method in ("lower", "higher", "midpoint", "nearest")
        ],
        f("percentile", f32(4, 5), 75.0, kwargs={"axis": 0}),
        f("median", f32(3, 6), kwargs={"axis": 1}),
        f("median", i32(3, 5), dtype="float32", label="median_int"),
        *[
            nan_reduction(name)
            for name in (
                "nansum",
                "nanmean",
                "nanmax",
                "nanmin",
                "nanprod",
                "nanvar",
                "nanstd",
                "nancumsum",
                "nancumprod",
            )
        ],
        f(
            "nanargmax",
            _const(_WITH_NAN),
            kwargs={"axis": 1},
            reference=lambda x, axis: np.nanargmax(x, axis),
            dtype="int32",
        ),
        f(
            "nanargmin",
            _const(_WITH_NAN),
            kwargs={"axis": 1},
            reference=lambda x, axis: np.nanargmin(x, axis),
            dtype="int32",
        ),
        f(
            "slogdet",
            _const(np.array([[1.0, 2.0], [3.0, 1.0]], "float32")),
            reference=lambda x: list(np.linalg.slogdet(x)),
        ),
        f("slogdet", _spd(3), reference=lambda x: list(np.linalg.slogdet(x)), rtol=1e-4, label="slogdet_spd"),
        # -- nn -----------------------------------------------------------------------
        f("celu", f32(3, 8, low=-3, high=3), reference=lambda x: np.maximum(x, 0) + np.minimum(0, np.expm1(x))),
        f(
            "celu",
            f32(5, low=-3, high=3),
            kwargs={"alpha": 0.5},
            reference=lambda x, alpha: np.maximum(x, 0) + np.minimum(0, alpha * np.expm1(x / alpha)),
            label="celu_alpha",
        ),
        f("glu", f32(3, 8), reference=ref.glu),
        f("hard_tanh", f32(3, 8, low=-3, high=3), reference=lambda x: np.clip(x, -1, 1)),
        f("hard_shrink", f32(3, 8), reference=lambda x: np.where(np.abs(x) > 0.5, x, 0)),
        f("soft_shrink", f32(3, 8), reference=lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0)),
        f("tanh_shrink", f32(3, 8), reference=lambda x: x - np.tanh(x)),
        f(
            "sparse_plus",
            f32(3, 8, low=-3, high=3),
            reference=lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
        ),
        f("sparse_sigmoid", f32(3, 8, low=-3, high=3), reference=lambda x: np.clip((x + 1) / 2, 0, 1)),
        f("squareplus", f32(3, 8), reference=lambda x: (x + np.sqrt(x**2 + 4)) / 2),
        f("hard_swish", f32(3, 8, low=-4, high=4), reference=lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
        f("sparsemax", f32(3, 8, low=-3, high=3), reference=ref.sparsemax),
        f("sparsemax", f32(4, 3), kwargs={"axis": 0}, reference=ref.sparsemax, label="sparsemax_axis0"),
        f("threshold", f32(3, 4), 0.3, -1.0, reference=lambda x, t, v: np.where(x > t, x, v).astype("float32")),
        f("normalize", f32(3, 4), reference=lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True)),
        f(
            "normalize",
            f32(3, 4),
            kwargs={"axis": 0, "order": 1},
            reference=lambda x, axis, order: x / np.sum(np.abs(x), axis=axis, keepdims=True),
            label="normalize_l1",
        ),
        f(
            "batch_normalization",
            f32(2, 3, 4),
            f32(3),
            f32(3, low=0.5),
            1,
            kwargs={"offset": np.ones(3, "float32"), "scale": np.full(3, 2.0, "float32")},
            reference=ref.batch_normalization,
            rtol=1e-4,
        ),
        f("layer_normalization", f32(2, 3, 4), f32(4), f32(4), reference=ref.layer_normalization, rtol=1e-4, atol=1e-5),
        f("rms_normalization", f32(2, 3, 4), f32(4), reference=ref.rms_normalization, rtol=1e-4),
        f("psnr", f32(2, 4, 4, 3, low=0, high=1), f32(2, 4, 4, 3, low=0, high=1), 1.0, reference=ref.psnr, rtol=1e-4),
        f("depth_to_space", f32(2, 3, 3, 8), 2, reference=ref.depth_to_space),
        f(
            "depth_to_space",
            f32(2, 8, 3, 3),
            2,
            kwargs={"data_format": "channels_first"},
            reference=ref.depth_to_space,
            label="depth_to_space_channels_first",
        ),
        f("space_to_depth", f32(2, 4, 6, 3), 2, reference=ref.space_to_depth),
        f(
            "space_to_depth",
            f32(2, 3, 4, 6),
            2,
            kwargs={"data_format": "channels_first"},
            reference=ref.space_to_depth,
            label="space_to_depth_channels_first",
        ),
        f("multi_hot", _const(np.array([[0, 2], [1, 1]], "int32")), 4, reference=ref.multi_hot),
        f(
            "dot_product_attention",
            f32(2, 5, 3, 4),
            f32(2, 6, 3, 4),
            f32(2, 6, 3, 4),
            reference=ref.dot_product_attention,
            rtol=1e-4,
            atol=1e-5,
        ),
        f(
            "dot_product_attention",
            f32(2, 5, 3, 4),
            f32(2, 5, 3, 4),
            f32(2, 5, 3, 4),
            kwargs={"is_causal": True, "mask": np.tril(np.ones((5, 5), bool))[::-1].copy()},
            reference=ref.dot_product_attention,
            rtol=1e-4,
            atol=1e-5,
            label="dot_product_attention_causal_masked",
        ),
        # -- math -----------------------------------------------------------------------
        f("erfc", f32(3, 4), reference=lambda x: 1 - _erf(x), rtol=1e-4, atol=1e-5),
        f("logdet", _spd(3), reference=lambda x: np.linalg.slogdet(x)[1], rtol=1e-4),
        f(
            "segment_sum",
            f32(5, 3),
            _const(np.array([0, 0, 2, 1, 2], "int32")),
            kwargs={"num_segments": 4},
            reference=ref.segment_reduce(np.sum, 0.0),
        ),
        f(
            "segment_max",
            f32(5, 3),
            _const(np.array([0, 0, 2, 1, 2], "int32")),
            kwargs={"num_segments": 3},
            reference=ref.segment_reduce(np.max, -np.inf),
        ),
        # -- linalg ---------------------------------------------------------------------
        f(
            "solve_triangular",
            _lower_triangular(3),
            f32(3, 2),
            kwargs={"lower": True},
            reference=lambda a, b, lower: np.linalg.solve(np.tril(a), b),
            rtol=1e-4,
            atol=1e-5,
        ),
        f(
            "cholesky_inverse",
            lambda rng: np.linalg.cholesky(_spd(3)(rng)).astype("float32"),
            reference=lambda x: np.linalg.inv(x @ x.T),
            rtol=1e-4,
            atol=1e-5,
        ),
        f(
            "svd",
            f32(4, 3),
            kwargs={"compute_uv": False},
            reference=lambda x, compute_uv: np.linalg.svd(x, compute_uv=False),
            kernels=("linalg.svd",),
            rtol=1e-4,
            atol=1e-5,
            label="svd_values",
        ),
        *[
            f(
                "svd",
                f32(*shape),
                kwargs={"full_matrices": full},
                reference=lambda x, full_matrices: list(np.linalg.svd(x, full_matrices=full_matrices)),
                canonical=ref.svd_canonical,
                kernels=("linalg.svd",),
                rtol=1e-4,
                atol=1e-4,
                label=f"svd_{'x'.join(map(str, shape))}_{'full' if full else 'reduced'}",
            )
            for shape in ((4, 3), (2, 3, 5))
            for full in (True, False)
        ],
        f(
            "qr",
            f32(2, 5, 3),
            reference=lambda x: list(np.linalg.qr(x)),
            canonical=ref.qr_canonical,
            kernels=("linalg.qr",),
            rtol=1e-4,
            atol=1e-4,
        ),
        f(
            "qr",
            f32(5, 3),
            kwargs={"mode": "complete"},
            reference=lambda x, mode: list(np.linalg.qr(x, mode=mode)),
            canonical=ref.qr_canonical,
            kernels=("linalg.qr",),
            rtol=1e-4,
            atol=1e-4,
            label="qr_complete",
        ),
        f(
            "eigh",
            _spd(4),
            reference=lambda x: list(np.linalg.eigh(x)),
            canonical=ref.eigh_canonical,
            kernels=("linalg.eigh",),
            rtol=1e-4,
            atol=1e-4,
        ),
        f("pinv", f32(4, 3), reference=np.linalg.pinv, kernels=("linalg.svd",), rtol=1e-3, atol=1e-4),
        f(
            "lstsq",
            f32(5, 3),
            f32(5, 2),
            reference=lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0],
            kernels=("linalg.svd",),
            rtol=1e-3,
            atol=1e-4,
        ),
        f(
            "matrix_rank",
            _const(np.array([[1.0, 2.0], [2.0, 4.0]], "float32")),
            reference=np.linalg.matrix_rank,
            kernels=("linalg.svd",),
            dtype="int32",
        ),
        # -- image ----------------------------------------------------------------------
        f("image.rgb_to_grayscale", f32(2, 4, 5, 3, low=0, high=1), reference=ref.rgb_to_grayscale, rtol=1e-5),
        f(
            "image.rgb_to_grayscale",
            f32(3, 4, 5, low=0, high=1),
            kwargs={"data_format": "channels_first"},
            reference=ref.rgb_to_grayscale,
            label="image.rgb_to_grayscale_channels_first",
        ),
        f("image.rgb_to_hsv", f32(2, 4, 5, 3, low=0, high=1), reference=ref.rgb_to_hsv, rtol=1e-4, atol=1e-5),
        f("image.hsv_to_rgb", f32(2, 4, 5, 3, low=0, high=1), reference=ref.hsv_to_rgb, rtol=1e-4, atol=1e-5),
        f(
            "image.crop_images",
            f32(2, 6, 7, 3),
            kwargs={"top_cropping": 1, "bottom_cropping": 2, "left_cropping": 0, "target_width": 4},
            reference=ref.crop_images,
        ),
        f(
            "image.pad_images",
            f32(4, 5, 3),
            kwargs={"top_padding": 1, "target_height": 7, "left_padding": 2, "right_padding": 1},
            reference=ref.pad_images,
        ),
        # -- core -----------------------------------------------------------------------
        f("map", _fn(lambda row: row * 2.0 + 1.0), f32(3, 2), reference=ref.map_reference, symbolic=False),
        *[
            f(
                "switch",
                index,
                _const(_SWITCH_BRANCHES),
                f32(3),
                reference=lambda index, branches, x: (x + 1.0, x * 10.0, -x)[int(np.clip(index, 0, 2))],
                symbolic=False,
                label=f"switch_{index}",
            )
            for index in (-3, 1, 7)
        ],
        f(
            "saturate_cast",
            _const(np.array([-300.0, 12.7, 400.0], "float32")),
            "uint8",
            reference=lambda x, dtype: np.clip(x, 0, 255).astype(dtype),
            symbolic=False,
        ),
    ]
    return cases
