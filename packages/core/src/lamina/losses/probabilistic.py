"""Probabilistic losses: cross-entropies (plain and focal), KL divergence, Poisson."""

from __future__ import annotations

import warnings
from typing import Any

from lamina import ops
from lamina.backend import config as backend_config
from lamina.backend import masking
from lamina.losses.loss import Loss, LossFunctionWrapper


def _float_like(y_true: Any, y_pred: Any) -> tuple:
    y_pred = ops.convert_to_tensor(y_pred)
    return ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred)), y_pred


def _check_axis(axis: Any) -> None:
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")


def _same_static_shape(a: Any, b: Any) -> bool:
    """Whether two tensors' shapes agree wherever both sizes are known.

    Inside a compiled step a dimension (the batch) may be unknown: `ops.shape`
    then holds a tensor for it, which cannot decide a Python `if`.
    """
    first, second = tuple(a.shape), tuple(b.shape)
    return len(first) == len(second) and all(x is None or y is None or x == y for x, y in zip(first, second))


def _warn_single_class(loss: str, y_pred: Any) -> None:
    if ops.shape(y_pred)[-1] == 1:
        warnings.warn(
            f"In loss {loss}, expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1. "
            f"Received: y_pred.shape={tuple(ops.shape(y_pred))}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _smooth_categorical(y_true: Any, label_smoothing: float) -> Any:
    if not label_smoothing:
        return y_true
    classes = ops.cast(ops.shape(y_true)[-1], ops.dtype(y_true))
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), ops.divide(label_smoothing, classes))


def _smooth_binary(y_true: Any, label_smoothing: float) -> Any:
    if not label_smoothing:
        return y_true
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)


def binary_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1
) -> Any:
    """Binary cross-entropy, averaged over `axis`; `label_smoothing` squeezes labels towards 0.5."""
    y_true, y_pred = _float_like(y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Binary cross-entropy scaled by `(1 - p_t) ** gamma`, which down-weights easy examples."""
    y_true, y_pred = _float_like(y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = ops.add(ops.multiply(y_true, y_pred), ops.multiply(ops.subtract(1, y_true), ops.subtract(1, y_pred)))
    focal = ops.multiply(ops.power(ops.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        weight = ops.add(ops.multiply(y_true, alpha), ops.multiply(ops.subtract(1, y_true), 1 - alpha))
        focal = ops.multiply(weight, focal)
    return ops.mean(focal, axis=axis)


def categorical_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1
) -> Any:
    """Cross-entropy between one-hot `y_true` and predictions along `axis`."""
    _check_axis(axis)
    y_true, y_pred = _float_like(y_true, y_pred)
    if not _same_static_shape(y_true, y_pred):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={ops.shape(y_true)}, output.shape={ops.shape(y_pred)}. If your "
            "labels are integer class ids, use loss='sparse_categorical_crossentropy'."
        )
    _warn_single_class("categorical_crossentropy", y_pred)
    y_true = _smooth_categorical(y_true, label_smoothing)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Categorical cross-entropy scaled by `alpha * (1 - p) ** gamma` per class."""
    _check_axis(axis)
    y_true, y_pred = _float_like(y_true, y_pred)
    _warn_single_class("categorical_focal_crossentropy", y_pred)
    y_true = _smooth_categorical(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    epsilon = backend_config.epsilon()
    output = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    output = ops.clip(output, epsilon, 1.0 - epsilon)
    cross_entropy = ops.multiply(ops.negative(y_true), ops.log(output))
    factor = ops.multiply(ops.power(ops.subtract(1.0, output), gamma), alpha)
    return ops.sum(ops.multiply(factor, cross_entropy), axis=axis)


def sparse_categorical_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, ignore_class: int | None = None, axis: int = -1
) -> Any:
    """Cross-entropy between integer class ids `y_true` and predictions along `axis`.

    With `ignore_class`, entries with that label have loss 0 and are masked
    out of the reduction (the result carries the mask, as in Keras).
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(ops.shape(y_true)) == len(ops.shape(y_pred)) and ops.shape(y_true)[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
    valid = None
    if ignore_class is not None:
        valid = ops.not_equal(y_true, ops.cast(ignore_class, ops.dtype(y_true)))
        y_true = ops.where(valid, y_true, ops.zeros_like(y_true))
    if "int" not in ops.dtype(y_true):
        y_true = ops.cast(y_true, "int32")
    result = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if valid is not None:
        valid = ops.reshape(valid, ops.shape(result))
        result = ops.where(valid, result, ops.zeros_like(result))
        masking.set_mask(result, valid)
    return result


def categorical_generalized_cross_entropy(y_true: Any, y_pred: Any, q: float) -> Any:
    """Generalized cross-entropy `(1 - p_y ** q) / q` for integer labels (robust to label noise)."""
    y_pred = ops.convert_to_tensor(y_pred)
    one_hot = ops.one_hot(ops.cast(y_true, "int32"), ops.shape(y_pred)[-1])
    p = ops.sum(ops.multiply(y_pred, ops.cast(one_hot, ops.dtype(y_pred))), axis=-1)
    return ops.divide(ops.subtract(1, ops.power(p, q)), q)


def kl_divergence(y_true: Any, y_pred: Any) -> Any:
    """Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred))` (inputs clipped to [epsilon, 1])."""
    y_true, y_pred = _float_like(y_true, y_pred)
    epsilon = backend_config.epsilon()
    y_true = ops.clip(y_true, epsilon, 1)
    y_pred = ops.clip(y_pred, epsilon, 1)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Any:
    """Poisson loss `mean(y_pred - y_true * log(y_pred + epsilon))` over the last axis."""
    y_true, y_pred = _float_like(y_true, y_pred)
    epsilon = ops.cast(backend_config.epsilon(), ops.dtype(y_pred))
    return ops.mean(ops.subtract(y_pred, ops.multiply(y_true, ops.log(ops.add(y_pred, epsilon)))), axis=-1)


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy for binary (0 or 1) labels.

    Args:
        from_logits: whether `y_pred` holds logits instead of probabilities.
        label_smoothing: float in [0, 1] squeezing labels towards 0.5.
        axis: the axis to average over (default -1).

    Example:
        ```python
        loss = lamina.losses.BinaryCrossentropy(from_logits=True)
        loss([[0.0], [1.0]], [[-2.0], [3.0]])
        ```
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "binary_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"from_logits": self.from_logits, "label_smoothing": self.label_smoothing, "axis": self.axis})
        return config


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy focused on hard examples: scaled by `(1 - p_t) ** gamma`.

    Args:
        apply_class_balancing: weight positives by `alpha` and negatives by `1 - alpha`.
        alpha: the class balance weight (default 0.25).
        gamma: the focusing exponent (default 2.0; 0 gives plain cross-entropy).
        from_logits: whether `y_pred` holds logits instead of probabilities.
        label_smoothing: float in [0, 1] squeezing labels towards 0.5.
        axis: the axis to average over (default -1).

    Example:
        ```python
        loss = lamina.losses.BinaryFocalCrossentropy(gamma=2.0, from_logits=True)
        ```
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "binary_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            binary_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update(
            {
                "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing,
                "axis": self.axis,
                "apply_class_balancing": self.apply_class_balancing,
                "alpha": self.alpha,
                "gamma": self.gamma,
            }
        )
        return config


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot labels.

    Args:
        from_logits: whether `y_pred` holds logits instead of probabilities.
        label_smoothing: float in [0, 1] mixing labels with the uniform distribution.
        axis: the class axis (default -1).

    Example:
        ```python
        loss = lamina.losses.CategoricalCrossentropy(label_smoothing=0.1)
        loss([[0.0, 1.0, 0.0]], [[0.05, 0.9, 0.05]])
        ```
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"from_logits": self.from_logits, "label_smoothing": self.label_smoothing, "axis": self.axis})
        return config


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy focused on hard examples: scaled by `alpha * (1 - p) ** gamma`.

    Args:
        alpha: the weighting factor (default 0.25).
        gamma: the focusing exponent (default 2.0).
        from_logits: whether `y_pred` holds logits instead of probabilities.
        label_smoothing: float in [0, 1] mixing labels with the uniform distribution.
        axis: the class axis (default -1).

    Example:
        ```python
        loss = lamina.losses.CategoricalFocalCrossentropy(gamma=2.0)
        ```
    """

    def __init__(
        self,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "categorical_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update(
            {
                "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing,
                "axis": self.axis,
                "alpha": self.alpha,
                "gamma": self.gamma,
            }
        )
        return config


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer class labels.

    Args:
        from_logits: whether `y_pred` holds logits instead of probabilities.
        ignore_class: a label value that contributes no loss and is left out
            of the average (e.g. padding).
        axis: the class axis (default -1).

    Example:
        ```python
        loss = lamina.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
        loss([1, -1], [[0.1, 2.0], [1.0, 0.0]])  # only the first sample counts
        ```
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: Any = "sum_over_batch_size",
        axis: int = -1,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def get_config(self) -> dict:
        # Keras writes from_logits and ignore_class; `axis` is kept so the config rebuilds the same loss.
        config = Loss.get_config(self)
        config.update({"from_logits": self.from_logits, "ignore_class": self.ignore_class, "axis": self.axis})
        return config


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy for integer labels, robust to noisy labels.

    `(1 - p_y ** q) / q`: close to cross-entropy as `q -> 0`, to MAE at `q = 1`.

    Args:
        q: float in (0, 1) (default 0.5).

    Example:
        ```python
        loss = lamina.losses.CategoricalGeneralizedCrossEntropy(q=0.7)
        loss([0, 1], [[0.8, 0.2], [0.3, 0.7]])
        ```
    """

    def __init__(
        self,
        q: float = 0.5,
        reduction: Any = "sum_over_batch_size",
        name: str = "categorical_generalized_cross_entropy",
        dtype: Any = None,
    ) -> None:
        if not 0 < q < 1:
            raise ValueError(f"`q` must be in the interval (0, 1). Received: q={q}")
        super().__init__(categorical_generalized_cross_entropy, reduction=reduction, name=name, dtype=dtype, q=q)
        self.q = q

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config["q"] = self.q
        return config


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred))`.

    Example:
        ```python
        lamina.losses.KLDivergence()([[0.5, 0.5]], [[0.9, 0.1]])
        ```
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class Poisson(LossFunctionWrapper):
    """Poisson loss `mean(y_pred - y_true * log(y_pred))`, for count targets.

    Example:
        ```python
        lamina.losses.Poisson()([[0.0, 2.0]], [[1.0, 2.0]])
        ```
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)
