"""`Discretization`: buckets continuous values into integer bin ids."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina import ops
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.category_encoding import (
    check_not_sparse,
    check_output_mode,
    encode_categorical,
    encoded_shape,
)
from lamina.layers.preprocessing.host_layer import iterate_batches


class Discretization(Layer):
    """Buckets continuous features into bins.

    A value `x` goes to bin `i` where `boundaries[i - 1] <= x < boundaries[i]`
    (bin 0 below the first boundary, `len(boundaries)` at or above the last).
    Boundaries are given, or learned as approximate quantiles by `adapt()`
    (on the host with NumPy, with Keras's algorithm, so both learn the same
    boundaries from the same data).

    Args:
        bin_boundaries: sorted list of boundaries; or None with `num_bins`.
        num_bins: number of bins that `adapt()` learns.
        epsilon: error tolerance of the quantile summary of `adapt()`
            (default 0.01).
        output_mode: "int" (default, int32 bin ids), "one_hot", "multi_hot"
            or "count".
        sparse: must be False.
        dtype: output dtype of the non-"int" modes (default floatx).
        name: layer name.

    Example:
        ```python
        layer = lamina.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
        layer(np.array([[-1.5, 1.0, 3.4, 0.5]]))  # [[0, 2, 3, 1]]
        ```
    """

    def __init__(
        self,
        bin_boundaries: Any = None,
        num_bins: int | None = None,
        epsilon: float = 0.01,
        output_mode: str = "int",
        sparse: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        check_not_sparse(sparse, "Discretization")
        check_output_mode(output_mode, ("int", "one_hot", "multi_hot", "count"), "Discretization")
        if num_bins is not None and (not isinstance(num_bins, int) or num_bins < 0):
            raise ValueError(
                f"`num_bins` must be an integer greater than or equal to 0. Received: `num_bins={num_bins}`"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. "
                f"Received: `num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        if bin_boundaries is not None:
            bin_boundaries = [float(b) for b in bin_boundaries]
            if any(b > a for b, a in zip(bin_boundaries, bin_boundaries[1:])):
                raise ValueError(
                    f"`bin_boundaries` must be sorted in increasing order. Received: bin_boundaries={bin_boundaries}"
                )
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self._summary = np.zeros((2, 0), "float32")
        self.built = True

    @property
    def output_dtype(self) -> str:
        return self.compute_dtype if self.output_mode != "int" else "int32"

    # -- adapt --------------------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learns `num_bins` quantile boundaries from `data`.

        Args:
            data: a NumPy array or tensor, or an iterable of batches (list of
                arrays, generator, `tf.data.Dataset`).
            steps: the number of batches to read (for endless iterables).
        """
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, "
                "use `num_bins` instead."
            )
        self.reset_state()
        # As in Keras, a list is a sequence of batches (a list of numbers: batches of one value).
        batches = (np.asarray(b) for b in data) if isinstance(data, (list, tuple)) else iterate_batches(data)
        for i, batch in enumerate(batches):
            if steps is not None and i >= steps:
                break
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        summary = _summarize(np.asarray(data).astype("float32"), self.epsilon)
        self._summary = _merge_summaries(summary, self._summary, self.epsilon)

    def finalize_state(self) -> None:
        if self.num_bins is None:
            return
        self.bin_boundaries = _compress_summary(self._summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self) -> None:
        if self.num_bins is not None:
            self._summary = np.zeros((2, 0), "float32")

    # -- call ---------------------------------------------------------------------------
    def call(self, inputs: Any) -> Any:
        if self.bin_boundaries is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at construction time or call "
                "`adapt(dataset)` before you can start using the `Discretization` layer."
            )
        inputs = ops.cast(inputs, self.compute_dtype)
        indices = ops.zeros(ops.shape(inputs), dtype="int32")
        for boundary in self.bin_boundaries:
            indices = indices + ops.cast(ops.greater_equal(inputs, boundary), "int32")
        return encode_categorical(indices, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype)

    def compute_output_spec(self, inputs: Any) -> Any:
        from lamina.backend import SymbolicTensor

        return SymbolicTensor(self.compute_output_shape(inputs.shape), self.output_dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        return encoded_shape(input_shape, self.output_mode, depth)

    def get_config(self) -> dict:
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }

    @classmethod
    def from_config(cls, config: dict) -> Discretization:
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            # An adapted layer: both are set; restore the learned boundaries after construction.
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return cls(**config)


# -- Keras's approximate quantile summaries ------------------------------------------------
# A summary is a (2, n) array: sorted values and the weight (count) each stands for.


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """Summarises values by every `len / (1 / epsilon)`-th sorted value."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(values.size / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1) :: int(step)]
    return np.stack([boundaries, np.full_like(boundaries, step)])


def _merge_summaries(first: np.ndarray, second: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((first, second), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress_summary(merged, epsilon)


def _compress_summary(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Re-buckets a summary at cumulative-weight fractions `epsilon, 2 epsilon, ..., 1`."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    cumulative_fractions = cumulative / cumulative[-1]
    values = np.interp(fractions, cumulative_fractions, summary[0])
    cumulative_at = np.interp(fractions, cumulative_fractions, cumulative)
    weights = cumulative_at - np.concatenate(([0.0], cumulative_at[:-1]))
    return np.stack((values, weights)).astype("float32")
