"""Data parallelism on TensorFlow: `tf.distribute` strategies.

`DataParallel` runs a `tf.distribute.MirroredStrategy` over its devices in
one process, or a `tf.distribute.MultiWorkerMirroredStrategy` in a job of
several processes (after `lamina.distribution.initialize()`, which writes
`TF_CONFIG`). While the distribution is current, its strategy is too
(`tf.distribute.experimental_set_strategy`), so the `tf.Variable` behind
every Lamina Variable created then is a distributed variable: one copy per
replica.

Before the first step, the step functions make sure every variable the
steps touch is distributed the right way, creating the `tf.Variable` again
under the strategy (same value) where it is not: model and optimizer
variables are mirrored (`ON_WRITE`), metric variables are kept per replica
and summed when read (`ON_READ`, `SUM`), as Keras does on TensorFlow.

A training step splits the global batch across replicas
(`experimental_distribute_values_from_function`) and runs with
`strategy.run`. Each replica scales its loss by its share of the global
batch, so the gradients, all-reduced (summed) by the replica context, are
those of the global batch's mean loss; the optimizer then updates the
mirrored variables once, in cross-replica context (one update for all
copies). The logs are read in cross-replica context, where each metric
variable is the sum over replicas: the metrics of the global batch.

A multi-process job is launched by starting the same script on every
worker with `lamina.distribution.initialize(job_addresses="host0:port,
host1:port", num_processes=2, process_id=i)` (or with
`python -m lamina.distribution.launch --nproc N script.py` on one machine).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from lamina import tree
from lamina.utils import unpack_x_y_sample_weight
from lamina_tensorflow.trainer import TensorFlowStepFunctions, _batch_size, flatten_logs

_AGGREGATIONS = {
    "none": tf.VariableAggregation.NONE,
    "mean": tf.VariableAggregation.MEAN,
    "sum": tf.VariableAggregation.SUM,
    "only_first_replica": tf.VariableAggregation.ONLY_FIRST_REPLICA,
}

# One MultiWorkerMirroredStrategy per process: TensorFlow allows no second one.
_multi_worker_strategy: Any = None


def _multi_worker() -> tf.distribute.Strategy | None:
    """The job's MultiWorkerMirroredStrategy, created on first use (None in a one-process job).

    TensorFlow configures collectives when the strategy is created, which must
    happen before its runtime starts: `initialize()` creates it right away.
    """
    global _multi_worker_strategy
    if _multi_worker_strategy is None and process_info()[1] > 1:
        _multi_worker_strategy = tf.distribute.MultiWorkerMirroredStrategy()
    return _multi_worker_strategy


def list_devices(device_type: str | None = None) -> list[str]:
    """This process's logical devices ("cpu:0", "gpu:1", ...); default: accelerators, else CPUs."""
    _multi_worker()
    devices = tf.config.list_logical_devices()
    if device_type is None:
        accelerators = [d for d in devices if d.device_type.lower() != "cpu"]
        chosen = accelerators or [d for d in devices if d.device_type.lower() == "cpu"]
    else:
        chosen = [d for d in devices if d.device_type.lower() == device_type]
    if _multi_worker() is None:
        return [f"{d.device_type.lower()}:{d.name.split(':')[-1]}" for d in chosen]
    # The devices of every worker of the job, numbered in (task, index) order.
    specs = sorted(
        (tf.DeviceSpec.from_string(d.name) for d in chosen), key=lambda spec: (spec.task or 0, spec.device_index)
    )
    return [f"{spec.device_type.lower()}:{number}" for number, spec in enumerate(specs)]


def _tf_config() -> dict | None:
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError(f"The TF_CONFIG environment variable is not valid JSON: {raw!r}") from None


def initialize(job_addresses: str | None, num_processes: int | None, process_id: int | None) -> None:
    """Describes the job to TensorFlow in `TF_CONFIG` (a worker per address)."""
    if job_addresses is None:
        if _tf_config() is not None:
            _multi_worker()  # the job is already described
            return
        raise ValueError(
            "On the tensorflow backend, `initialize()` needs `job_addresses` (every worker's "
            "'host:port', comma-separated), `num_processes` and `process_id`, or a TF_CONFIG "
            "environment variable. Start local jobs with `python -m lamina.distribution.launch --nproc N script.py`."
        )
    workers = [address.strip() for address in job_addresses.split(",") if address.strip()]
    if num_processes is not None and num_processes != len(workers):
        raise ValueError(
            f"TensorFlow needs one address per process: received {len(workers)} addresses ({workers}) "
            f"for num_processes={num_processes}."
        )
    if process_id is None:
        raise ValueError("On the tensorflow backend, `initialize()` needs `process_id` (this worker's index).")
    config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": int(process_id)}}
    os.environ["TF_CONFIG"] = json.dumps(config)
    _multi_worker()


def process_info() -> tuple[int, int]:
    config = _tf_config()
    if not config:
        return 0, 1
    workers = config.get("cluster", {}).get("worker", [])
    chiefs = config.get("cluster", {}).get("chief", [])
    task = config.get("task", {})
    index = int(task.get("index", 0)) + (len(chiefs) if task.get("type") == "worker" else 0)
    return index, max(1, len(workers) + len(chiefs))


class TensorFlowStrategy:
    """The engine of a TensorFlow `DataParallel`: its `tf.distribute.Strategy`."""

    def __init__(self, strategy: tf.distribute.Strategy) -> None:
        self.strategy = strategy

    @property
    def num_replicas(self) -> int:
        return int(self.strategy.num_replicas_in_sync)


def setup(distribution: Any) -> TensorFlowStrategy:
    strategy = _multi_worker()
    if strategy is not None:
        everything = list_devices(distribution.devices[0].split(":")[0])
        if sorted(distribution.devices) != sorted(everything):
            raise ValueError(
                "In a multi-process job, TensorFlow's MultiWorkerMirroredStrategy trains on every device of "
                f"every worker ({everything}). Received: devices={distribution.devices}. Pass `devices=None`."
            )
        return TensorFlowStrategy(strategy)
    available = list_devices("cpu") + list_devices("gpu") + list_devices("tpu")
    unknown = [device for device in distribution.devices if device not in available]
    if unknown:
        raise ValueError(
            f"Unknown TensorFlow device(s) {unknown}. Available: {available}. For several CPU devices, split "
            "the CPU first: `tf.config.set_logical_device_configuration(tf.config.list_physical_devices('CPU')[0], "
            "[tf.config.LogicalDeviceConfiguration()] * 2)`."
        )
    return TensorFlowStrategy(tf.distribute.MirroredStrategy([f"/{device}" for device in distribution.devices]))


def activate(distribution: Any) -> None:
    tf.distribute.experimental_set_strategy(None if distribution is None else distribution.engine.strategy)


_broadcast_function: Any = None


def _broadcast_tensors(values: list) -> list:
    """The chief's `values`: all-reduced sums to which only the chief's first replica contributes."""
    global _broadcast_function
    strategy = _multi_worker()
    if strategy is None or not values:
        return list(values)
    if _broadcast_function is None:
        chief = process_info()[0] == 0

        def contribute(mine: list) -> list:
            context = tf.distribute.get_replica_context()
            source = tf.logical_and(tf.constant(chief), tf.equal(context.replica_id_in_sync_group, 0))
            masked = [tf.where(source, value, tf.zeros_like(value)) for value in mine]
            result: list = [None] * len(masked)
            groups: dict = {}
            for index, value in enumerate(masked):
                groups.setdefault(value.dtype, []).append(index)
            for indices in groups.values():  # one all-reduce per dtype
                summed = context.all_reduce(tf.distribute.ReduceOp.SUM, [masked[i] for i in indices])
                for i, value in zip(indices, summed):
                    result[i] = value
            return result

        def run(mine: list) -> list:
            return [strategy.experimental_local_results(v)[0] for v in strategy.run(contribute, args=(mine,))]

        _broadcast_function = tf.function(run, reduce_retracing=True, autograph=False)
    return list(_broadcast_function([tf.convert_to_tensor(value) for value in values]))


def broadcast(value: np.ndarray) -> np.ndarray:
    if _multi_worker() is None:
        return value
    return _broadcast_tensors([value])[0].numpy()


# -- variables -------------------------------------------------------------------------
def is_distributed(variable: Any) -> bool:
    return isinstance(getattr(variable, "_value", None), tf.distribute.DistributedValues)


def _recreate(variable: Any, **kwargs: Any) -> None:
    current = variable._value
    value = tf.convert_to_tensor(current)  # the cross-replica value of a distributed one
    name = current.name.split(":")[0]
    with tf.init_scope():
        variable._value = tf.Variable(value, trainable=current.trainable, name=name, **kwargs)


def distribute_variable(variable: Any, strategy: tf.distribute.Strategy, per_replica: bool) -> None:
    """Makes the `tf.Variable` behind a Lamina Variable a distributed variable of `strategy`.

    `per_replica` (metric state): each replica updates its own copy and a
    read sums them. Otherwise one value mirrored on every replica;
    non-trainable ones a layer updates in its forward pass (statistics)
    take the mean over replicas, integer ones the first replica's.
    """
    current = getattr(variable, "_value", None)
    if current is None or getattr(variable, "_deferred", None) is not None:
        return
    aggregation = _AGGREGATIONS.get(variable.aggregation, tf.VariableAggregation.NONE)
    if per_replica:
        synchronization = tf.VariableSynchronization.ON_READ
        if aggregation not in (tf.VariableAggregation.SUM, tf.VariableAggregation.MEAN):
            aggregation = tf.VariableAggregation.SUM
    else:
        synchronization = tf.VariableSynchronization.ON_WRITE
        if aggregation == tf.VariableAggregation.NONE and not variable.trainable:
            floating = current.dtype.is_floating or current.dtype.is_complex
            aggregation = tf.VariableAggregation.MEAN if floating else tf.VariableAggregation.ONLY_FIRST_REPLICA
    if (
        isinstance(current, tf.distribute.DistributedValues)
        and current.distribute_strategy is strategy
        and current.synchronization == synchronization
        and current.aggregation == aggregation
    ):
        return
    with strategy.scope():
        _recreate(variable, synchronization=synchronization, aggregation=aggregation)


def release_variables(variables: list) -> None:
    """Gives distributed variables back a plain `tf.Variable` (after the distribution ended)."""
    for variable in variables:
        if is_distributed(variable):
            _recreate(variable)


# -- steps -----------------------------------------------------------------------------
def _rows(batch: Any) -> int:
    for leaf in tree.flatten(batch):
        shape = getattr(leaf, "shape", None)
        if shape is not None and len(shape):
            return int(shape[0])
    raise ValueError("DataParallel needs batches of arrays with a batch dimension; found none in the batch.")


def _shard(batch: Any, rows: slice) -> Any:
    def take(leaf: Any) -> Any:
        if leaf is None:
            return None
        shape = getattr(leaf, "shape", None)
        return tf.convert_to_tensor(leaf[rows] if shape is not None and len(shape) else leaf)

    if type(batch) is tuple:
        while batch and batch[-1] is None:  # (x, y, None) -> (x, y)
            batch = batch[:-1]
    return tree.map_structure(take, batch)


def _overrides(model: Any, name: str) -> bool:
    from lamina.trainers.trainer import Trainer

    return getattr(type(model), name) is not getattr(Trainer, name)


class TensorFlowDistributedStepFunctions(TensorFlowStepFunctions):
    """The TensorFlow steps, run per replica with `strategy.run`.

    The default `train_step` is replaced by a data-parallel one (overriding
    `train_step` is not supported under `DataParallel`); overridden
    `test_step` and `predict_step` run per replica, and the logs are the
    metrics' results, read across replicas.
    """

    def __init__(self, model: Any, distribution: Any) -> None:
        super().__init__(model)
        self.distribution = distribution
        self.strategy: tf.distribute.Strategy = distribution.engine.strategy

    def begin_epoch(self) -> None:
        if _multi_worker() is None:
            return
        # Every worker holds its own copies: start from the chief's state,
        # which carries what its callbacks changed (callbacks run there only).
        model = self.model
        variables = list(model.trainable_variables) + list(model.non_trainable_variables)
        if model.optimizer is not None and model.optimizer.built:
            variables += list(model.optimizer.variables)
        variables = [v for v in variables if getattr(v, "_value", None) is not None]
        for variable, value in zip(variables, _broadcast_tensors([v._value for v in variables])):
            variable._value.assign(value)

    def _distribute_variables(self) -> None:
        model = self.model
        metric_variables = model.metrics_variables
        per_replica = {id(variable) for variable in metric_variables}
        variables = list(model.trainable_variables) + list(model.non_trainable_variables) + list(metric_variables)
        if model.optimizer is not None and model.optimizer.built:
            variables += list(model.optimizer.variables)
        for variable in variables:
            distribute_variable(variable, self.strategy, id(variable) in per_replica)

    def _distribute(self, batch: Any) -> tuple[Any, int]:
        rows = _rows(batch)
        slices = self.distribution.shard_slices(rows)
        values = self.strategy.experimental_distribute_values_from_function(
            lambda context: _shard(batch, slices[context.replica_id_in_sync_group])
        )
        return values, rows

    def _function(self, fn: Callable, name: str, user_step: str) -> Callable:
        fn.__name__ = name
        if self.model.run_eagerly:
            return fn
        # Lamina's own steps have no Python control flow on tensor values, so
        # they trace without AutoGraph (measured: ~15x faster tracing under a
        # MirroredStrategy); a user's overridden step gets AutoGraph, as in Keras.
        autograph = _overrides(self.model, user_step)
        return tf.function(fn, reduce_retracing=True, autograph=autograph)

    # -- training ------------------------------------------------------------------
    def _replica_train_step(self, data: Any, global_rows: tf.Tensor) -> list:
        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        trainable = model.trainable_variables
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch([variable.value for variable in trainable])
            y_pred = model(x, training=True)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
            local_rows = _batch_size(x)
            # This replica's share of the global batch: the summed gradients
            # are those of the global batch's mean loss.
            share = tf.cast(local_rows, loss.dtype) / tf.cast(global_rows, loss.dtype)
            scaled = loss * share
        grads = tape.gradient(scaled, [variable.value for variable in trainable]) if trainable else []
        if model._loss_tracker is not None:
            model._loss_tracker.update_state(loss, sample_weight=local_rows)
        model.compute_metrics(x, y, y_pred, sample_weight)
        present = [grad for grad in grads if grad is not None]
        if not present:
            return list(grads)
        reduced = iter(tf.distribute.get_replica_context().all_reduce(tf.distribute.ReduceOp.SUM, present))
        return [None if grad is None else next(reduced) for grad in grads]

    def make_train_function(self) -> Callable[[Any], dict]:
        model = self.model
        if _overrides(model, "train_step"):
            raise NotImplementedError(
                f"{type(model).__name__} overrides `train_step`, which DataParallel on the tensorflow backend "
                "cannot distribute (the gradients are reduced inside the default step). Customize "
                "`compute_loss` instead, train on one device, or use the jax backend, where a custom "
                "`train_step` runs data-parallel."
            )
        self._distribute_variables()
        if self._train_fn is None:
            strategy = self.strategy

            def train_function(data: Any, global_rows: tf.Tensor) -> dict:
                per_replica = strategy.run(self._replica_train_step, args=(data, global_rows))
                # All-reduced: every replica holds the same sums.
                grads = [None if grad is None else strategy.experimental_local_results(grad)[0] for grad in per_replica]
                trainable = model.trainable_variables
                if model.optimizer is not None and any(grad is not None for grad in grads):
                    model.optimizer.apply(grads, trainable)
                return model.get_metrics_result()

            self._train_fn = self._function(train_function, "train_function", "train_step")
        fn = self._train_fn

        def run(batch: Any) -> dict:
            data, rows = self._distribute(batch)
            return flatten_logs(fn(data, tf.constant(rows, dtype=tf.int64)))

        return run

    # -- evaluation and prediction ----------------------------------------------------
    def make_test_function(self) -> Callable[[Any], dict]:
        self._distribute_variables()
        if self._test_fn is None:
            strategy, model = self.strategy, self.model

            def test_function(data: Any) -> dict:
                strategy.run(lambda replica_data: model.test_step(replica_data), args=(data,))
                return model.get_metrics_result()

            self._test_fn = self._function(test_function, "test_function", "test_step")
        fn = self._test_fn

        def run(batch: Any) -> dict:
            return flatten_logs(fn(self._distribute(batch)[0]))

        return run

    def make_predict_function(self) -> Callable[[Any], Any]:
        self._distribute_variables()
        if self._predict_fn is None:
            strategy, model = self.strategy, self.model

            def predict_function(data: Any) -> Any:
                outputs = strategy.run(lambda replica_data: model.predict_step(replica_data), args=(data,))
                return tf.nest.map_structure(lambda value: strategy.gather(value, axis=0), outputs)

            self._predict_fn = self._function(predict_function, "predict_function", "predict_step")
        fn = self._predict_fn

        def run(batch: Any) -> Any:
            return fn(self._distribute(batch)[0])

        return run


# The contract's name for the step functions' factory (`Backend.make_distributed_step_functions`).
make_step_functions = TensorFlowDistributedStepFunctions
