"""What `compile(loss=..., metrics=...)` becomes: per-output losses and metrics.

`CompileLoss` and `CompileMetrics` are resolved against the model's outputs
on the first batch (so "accuracy" and "crossentropy" can pick the binary,
categorical or sparse variant from the shapes, as Keras does).
"""

from __future__ import annotations

from typing import Any

from lamina import losses as losses_module
from lamina import metrics as metrics_module
from lamina import ops, tree
from lamina.metrics.metric import Metric
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper


def is_binary_or_sparse_categorical(y_true: Any, y_pred: Any) -> tuple[bool, bool]:
    true_shape = tuple(ops.shape(y_true))
    pred_shape = tuple(ops.shape(y_pred))
    is_binary = bool(pred_shape) and pred_shape[-1] == 1
    is_sparse = len(true_shape) < len(pred_shape) or (
        bool(true_shape) and true_shape[-1] == 1 and bool(pred_shape) and pred_shape[-1] not in (1, None)
    )
    return is_binary, is_sparse


def get_metric(identifier: Any, y_true: Any, y_pred: Any) -> Metric:
    if identifier is None:
        raise ValueError("Expected a metric, received `None`.")
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            metric = metrics_module.BinaryAccuracy(name=str(identifier))
        elif is_sparse:
            metric = metrics_module.SparseCategoricalAccuracy(name=str(identifier))
        else:
            metric = metrics_module.CategoricalAccuracy(name=str(identifier))
        return metric
    metric = metrics_module.get(identifier)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(
            metric, name=identifier if isinstance(identifier, str) else getattr(metric, "__name__", None)
        )
    elif isinstance(identifier, str):
        metric.name = identifier
    return metric


def get_loss(identifier: Any, y_true: Any, y_pred: Any) -> Any:
    if identifier is None:
        return None
    if str(identifier).lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            found: Any = losses_module.binary_crossentropy
        elif is_sparse:
            found = losses_module.sparse_categorical_crossentropy
        else:
            found = losses_module.categorical_crossentropy
    else:
        found = losses_module.get(identifier)
    if not isinstance(found, losses_module.Loss):
        name = identifier if isinstance(identifier, str) else getattr(found, "__name__", None)
        found = losses_module.LossFunctionWrapper(found, name=name)
    return found


def _per_output(spec: Any, output_names: list[str], what: str, allow_broadcast: bool) -> list:
    """Maps a compile argument (single, list, dict) to one entry per output."""
    count = len(output_names)
    if isinstance(spec, dict):
        unknown = set(spec) - set(output_names)
        if unknown:
            raise ValueError(
                f"In the dict argument `{what}`, key(s) {sorted(unknown)} do not correspond to any "
                f"model output. Received: {what}={spec}. The model's outputs are {output_names}."
            )
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)):
        if count == 1:
            return [list(spec)] if what != "loss" else ([spec[0]] if len(spec) == 1 else _bad_length(what, spec, count))
        if len(spec) != count:
            return _bad_length(what, spec, count)
        return list(spec)
    if allow_broadcast or count == 1:
        return [spec] * count
    raise ValueError(f"`{what}` must be a list or dict for a model with {count} outputs. Received: {what}={spec!r}")


def _bad_length(what: str, spec: Any, count: int) -> list:
    raise ValueError(
        f"For a model with {count} outputs, when providing the `{what}` argument as a list, it "
        f"should have as many entries as the model has outputs. Received: {what}={spec} of "
        f"length {len(spec)} whereas the model has {count} outputs."
    )


def _flatten_targets(y: Any, output_names: list[str]) -> list:
    if isinstance(y, dict):
        missing = [name for name in output_names if name not in y]
        if missing:
            raise ValueError(
                f"Missing labels for outputs {missing}. Labels were given for {sorted(y)}; the "
                f"model's outputs are {output_names}."
            )
        return [y[name] for name in output_names]
    if len(output_names) == 1:
        return [y]
    flat = list(y) if isinstance(y, (list, tuple)) else tree.flatten(y)
    if len(flat) != len(output_names):
        raise ValueError(
            f"The model has {len(output_names)} outputs ({output_names}), but {len(flat)} label "
            "arrays were given. Pass one array per output, as a list or a dict by output name."
        )
    return flat


def _flatten_predictions(y_pred: Any, output_names: list[str]) -> list:
    if isinstance(y_pred, dict):
        return [y_pred[name] for name in output_names]
    if len(output_names) == 1 and not isinstance(y_pred, (list, tuple)):
        return [y_pred]
    return list(y_pred) if isinstance(y_pred, (list, tuple)) else tree.flatten(y_pred)


class CompileLoss(Metric):
    """The total loss of `compile(loss=..., loss_weights=...)` over all outputs."""

    def __init__(
        self,
        loss: Any,
        loss_weights: Any = None,
        output_names: list[str] | None = None,
        reduction: str = "sum_over_batch_size",
    ) -> None:
        super().__init__(name="compile_loss")
        self._user_loss = loss
        self._user_loss_weights = loss_weights
        self.output_names = list(output_names or ["output"])
        self.built = False
        self._losses: list = []
        self._weights: list = []
        self.per_output_trackers: list[Mean] = []

    def build(self, y_true: Any, y_pred: Any) -> None:
        names = self.output_names
        targets = _flatten_targets(y_true, names)
        predictions = _flatten_predictions(y_pred, names)
        specs = _per_output(self._user_loss, names, "loss", allow_broadcast=True)
        self._losses = [get_loss(spec, t, p) for spec, t, p in zip(specs, targets, predictions)]
        if self._user_loss_weights is None:
            self._weights = [1.0] * len(names)
        else:
            self._weights = [
                1.0 if w is None else float(w)
                for w in _per_output(self._user_loss_weights, names, "loss_weights", allow_broadcast=False)
            ]
        if len(names) > 1:
            self.per_output_trackers = [
                Mean(name=f"{name}_loss") for name, loss in zip(names, self._losses) if loss is not None
            ]
        self.built = True

    @property
    def metrics(self) -> list[Metric]:
        return list(self.per_output_trackers)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        if not self.built:
            self.build(y_true, y_pred)
        targets = _flatten_targets(y_true, self.output_names)
        predictions = _flatten_predictions(y_pred, self.output_names)
        weights = (
            _flatten_targets(sample_weight, self.output_names)
            if isinstance(sample_weight, (dict, list, tuple)) and len(self.output_names) > 1
            else [sample_weight] * len(self.output_names)
        )
        total = None
        trackers = iter(self.per_output_trackers)
        for loss, weight, target, prediction, sw in zip(self._losses, self._weights, targets, predictions, weights):
            if loss is None or target is None:
                continue
            value = loss(target, prediction, sample_weight=sw)
            if self.per_output_trackers:
                next(trackers).update_state(value, sample_weight=ops.shape(prediction)[0])
            value = ops.multiply(value, weight) if weight != 1.0 else value
            total = value if total is None else ops.add(total, value)
        return total

    def update_state(self, *args: Any, **kwargs: Any) -> None:  # pragma: no cover - not a metric in logs
        raise NotImplementedError

    def result(self) -> Any:  # pragma: no cover
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"loss": self._user_loss, "loss_weights": self._user_loss_weights}


class CompileMetrics(Metric):
    """All metrics of `compile(metrics=..., weighted_metrics=...)`, for every output."""

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: list[str] | None = None) -> None:
        super().__init__(name="compile_metrics")
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self.output_names = list(output_names or ["output"])
        self.built = False
        self._metrics: list[list[Metric]] = []
        self._weighted: list[list[Metric]] = []

    def _resolve(self, spec: Any, what: str, targets: list, predictions: list, weighted: bool) -> list[list[Metric]]:
        if spec is None:
            return [[] for _ in self.output_names]
        names = self.output_names
        if (
            isinstance(spec, (list, tuple))
            and len(names) > 1
            and spec
            and not isinstance(spec[0], (list, tuple, dict))
            and len(spec) != len(names)
        ):
            _bad_length(what, spec, len(names))
        per_output = _per_output(spec, names, what, allow_broadcast=False)
        result = []
        for index, (entry, target, prediction) in enumerate(zip(per_output, targets, predictions)):
            entries = [] if entry is None else (list(entry) if isinstance(entry, (list, tuple)) else [entry])
            metrics = []
            for identifier in entries:
                metric = get_metric(identifier, target, prediction)
                if weighted:
                    metric.name = f"weighted_{metric.name}"
                if len(names) > 1:
                    metric.name = f"{names[index]}_{metric.name}"
                metrics.append(metric)
            result.append(metrics)
        return result

    def build(self, y_true: Any, y_pred: Any) -> None:
        targets = _flatten_targets(y_true, self.output_names)
        predictions = _flatten_predictions(y_pred, self.output_names)
        self._metrics = self._resolve(self._user_metrics, "metrics", targets, predictions, weighted=False)
        self._weighted = self._resolve(
            self._user_weighted_metrics, "weighted_metrics", targets, predictions, weighted=True
        )
        self.built = True

    @property
    def variables(self) -> list:
        return [v for group in self._metrics + self._weighted for m in group for v in m.variables]

    @property
    def all_metrics(self) -> list[Metric]:
        return [m for group in self._metrics + self._weighted for m in group]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if not self.built:
            self.build(y_true, y_pred)
        targets = _flatten_targets(y_true, self.output_names)
        predictions = _flatten_predictions(y_pred, self.output_names)
        weights = (
            _flatten_targets(sample_weight, self.output_names)
            if isinstance(sample_weight, (dict, list, tuple)) and len(self.output_names) > 1
            else [sample_weight] * len(self.output_names)
        )
        for metrics, weighted, target, prediction, sw in zip(
            self._metrics, self._weighted, targets, predictions, weights
        ):
            if target is None:
                continue
            for metric in metrics:
                metric.update_state(target, prediction)
            for metric in weighted:
                metric.update_state(target, prediction, sample_weight=sw)

    def result(self) -> dict:
        return {metric.name: metric.result() for metric in self.all_metrics}

    def reset_state(self) -> None:
        for metric in self.all_metrics:
            metric.reset_state()

    def get_config(self) -> dict:
        return {"metrics": self._user_metrics, "weighted_metrics": self._user_weighted_metrics}
