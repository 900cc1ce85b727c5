"""Training steps on TensorFlow: stateful, compiled with `tf.function`.

Every Lamina Variable owns a `tf.Variable`, so a step updates the model,
optimizer and metric state in place, as Keras does on its TensorFlow
backend: nothing lives outside the Variables between steps, and
`begin_epoch` / `sync_to_variables` have nothing to do.

Users who override the steps write them as Keras users do on TensorFlow:

```python
def train_step(self, data):
    x, y = data
    with tf.GradientTape() as tape:
        y_pred = self(x, training=True)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
    grads = tape.gradient(loss, self.trainable_variables)
    self.optimizer.apply(grads, self.trainable_variables)
    ...
    return {m.name: m.result() for m in self.metrics}
```
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from lamina import tree
from lamina.backend.contract import StepFunctions
from lamina.layers import layer as layer_module
from lamina.utils import unpack_x_y_sample_weight

# What `jit_compile="auto"` means on TensorFlow: whether to compile the steps
# with XLA. Measured on CPU (2-core VM, OMP_NUM_THREADS=1, TF intra/inter-op
# threads 1, TF 2.21) with `fit` on an MLP 784-512-512-10, batch 128, Adam,
# random data; steps/s, median of 5 epochs of 100 steps after warm-up, the
# variants alternated in one process, three sessions:
#     tf.function without XLA (fused optimizer kernels):  273 / 296 / 311
#     tf.function with XLA:                               269 / 275 / 275
#     (generic optimizer rule: without XLA 232-265, with XLA 257-276)
# With TensorFlow's fused optimizer kernels (see `optimizers.py`) a plain
# tf.function is as fast or faster, and it skips XLA's compile time on the
# first step and each new batch shape. So "auto" means no XLA on CPU. On
# GPUs/TPUs it means XLA, as in Keras (not measured here).
AUTO_JIT_COMPILE_ON_CPU = False


def _has_accelerator() -> bool:
    return any(device.device_type != "CPU" for device in tf.config.list_physical_devices())


def resolve_jit_compile(jit_compile: Any) -> bool:
    """Whether steps compiled for a model with this `jit_compile` use XLA."""
    if isinstance(jit_compile, str):
        if jit_compile != "auto":
            raise ValueError(f"`jit_compile` must be True, False or 'auto'. Received: jit_compile={jit_compile!r}")
        return AUTO_JIT_COMPILE_ON_CPU or _has_accelerator()
    if jit_compile is None:
        return resolve_jit_compile("auto")
    return bool(jit_compile)


def _batch_size(x: Any) -> Any:
    """The number of samples in `x`: a Python int when static, else a scalar tensor."""
    for leaf in tree.flatten(x):
        if leaf is None or not hasattr(leaf, "shape"):
            continue
        shape = leaf.shape
        if len(shape) == 0:
            return 1
        if shape[0] is not None:
            return int(shape[0])
        return tf.shape(leaf)[0]
    return 1


def _to_tensor(leaf: Any) -> Any:
    if leaf is None or isinstance(leaf, (tf.Tensor, tf.RaggedTensor, tf.SparseTensor)):
        return leaf
    if isinstance(leaf, np.ndarray) or hasattr(leaf, "__array__") or isinstance(leaf, (int, float, bool, list)):
        return tf.convert_to_tensor(leaf)
    return leaf


def convert_batch(batch: Any) -> Any:
    """Converts the NumPy leaves of a batch to `tf.Tensor`s, keeping dtypes."""
    if type(batch) is tuple and all(type(leaf) is np.ndarray or leaf is None for leaf in batch):
        # The common case (arrays from the array adapter): skip `tree`.
        return tuple(None if leaf is None else tf.convert_to_tensor(leaf) for leaf in batch)
    return tree.map_structure(_to_tensor, batch)


def flatten_logs(logs: Any) -> Any:
    """Lifts nested result dicts into the top level, as Keras's `pythonify_logs` does.

    A Keras-style `train_step` returning `{m.name: m.result() for m in
    self.metrics}` yields `{"loss": ..., "compile_metrics": {"accuracy": ...}}`;
    Keras reports that as `{"loss": ..., "accuracy": ...}`.
    """
    if not isinstance(logs, dict) or not any(isinstance(value, dict) for value in logs.values()):
        return logs
    flat: dict = {}
    for key, value in logs.items():
        if isinstance(value, dict):
            flat.update(flatten_logs(value))
        else:
            flat[key] = value
    return flat


class TensorFlowStepFunctions(StepFunctions):
    """Default steps (Keras-on-TensorFlow style) and their `tf.function`s."""

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        self._train_fn: Callable | None = None
        self._test_fn: Callable | None = None
        self._predict_fn: Callable | None = None

    # -- default steps -------------------------------------------------------------
    def train_step(self, data: Any) -> dict:
        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        trainable = model.trainable_variables
        step = bool(trainable) and model.optimizer is not None
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            if step:
                # Watch explicitly: the Lamina `trainable` flag is authoritative,
                # the `tf.Variable`'s own flag is fixed at creation.
                tape.watch([variable.value for variable in trainable])
            y_pred = model(x, training=True)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
            # Gradients of the scaled loss (`loss_scale_factor`); logs show the loss itself.
            scaled = model.optimizer.scale_loss(loss) if step else loss
        if step:
            grads = tape.gradient(scaled, [variable.value for variable in trainable])
            model.optimizer.apply(grads, trainable)
        if model._loss_tracker is not None:
            model._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return model.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data: Any) -> dict:
        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = model(x, training=False)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        if model._loss_tracker is not None:
            model._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return model.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data: Any) -> Any:
        x, _, _ = unpack_x_y_sample_weight(data)
        return self.model(x, training=False)

    # -- compiled functions --------------------------------------------------------
    def _compile(self, step: Callable, name: str) -> Callable:
        model = self.model

        def one_step(data: Any) -> Any:
            outputs = step(data)
            if layer_module._LOSSES_IN_USE[0]:
                # Losses added during a traced call are graph tensors: do not
                # leave them on the layers after the step.
                model._clear_losses()
            return outputs

        one_step.__name__ = name
        if model.run_eagerly:
            return one_step
        # No AutoGraph, as Keras 3 (its steps are `do_not_convert`): converting
        # every Lamina function the step reaches took ~7 s of the first step of
        # an MLP; steps use `lamina.ops` control flow (`cond`, `while_loop`).
        one_step = tf.autograph.experimental.do_not_convert(one_step)
        return tf.function(one_step, reduce_retracing=True, jit_compile=resolve_jit_compile(model.jit_compile))

    def make_train_function(self) -> Callable[[Any], dict]:
        if self._train_fn is None:
            # Call through the model so that a user's `train_step` override runs.
            self._train_fn = self._compile(lambda data: self.model.train_step(data), "train_function")
        fn = self._train_fn

        def run(batch: Any) -> dict:
            return flatten_logs(fn(convert_batch(batch)))

        return run

    def make_test_function(self) -> Callable[[Any], dict]:
        if self._test_fn is None:
            self._test_fn = self._compile(lambda data: self.model.test_step(data), "test_function")
        fn = self._test_fn

        def run(batch: Any) -> dict:
            return flatten_logs(fn(convert_batch(batch)))

        return run

    def make_predict_function(self) -> Callable[[Any], Any]:
        if self._predict_fn is None:
            self._predict_fn = self._compile(lambda data: self.model.predict_step(data), "predict_function")
        fn = self._predict_fn

        def run(batch: Any) -> Any:
            return fn(convert_batch(batch))

        return run

    def reset(self) -> None:
        self._train_fn = self._test_fn = self._predict_fn = None
