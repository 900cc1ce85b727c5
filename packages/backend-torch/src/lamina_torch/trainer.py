"""Training steps on PyTorch: eager autograd, in-place updates.

Every Lamina Variable owns a `torch.nn.Parameter` that assignments update
in place, so a step changes the model, optimizer and metric state directly,
as Keras does on its torch backend: nothing lives outside the Variables
between steps, and `begin_epoch` / `sync_to_variables` have nothing to do.
The optimizers' update rules run fused (`lamina_torch.optimizers`).

Steps run eagerly, like Keras's torch default. With `jit_compile=True` the
forward pass and loss of the default `train_step` (and the whole test and
predict steps) go through `torch.compile`, with static shapes; a user's own
`train_step` is compiled whole, as Keras does. Inside those graphs
channels-last convolutions and max pooling keep ATen's kernels
(`lamina_torch.aten_kernels`) and the fused recurrent kernels run between
graphs (`lamina_torch.rnn`).

Users who override `train_step` write it as Keras users do on torch:

```python
def train_step(self, data):
    x, y = data
    y_pred = self(x, training=True)
    loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
    trainable = self.trainable_variables
    grads = torch.autograd.grad(loss, [v.value for v in trainable])
    with torch.no_grad():
        self.optimizer.apply(grads, trainable)
    ...
    return {m.name: m.result() for m in self.metrics}
```

(`loss.backward()` works too: the gradients are then in `v.value.grad`,
which must be reset to None before the next step; see
`lamina_torch.trainer.zero_grad`.)
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from lamina import tree
from lamina.backend.contract import StepFunctions
from lamina.layers import layer as layer_module
from lamina.trainers.trainer import Trainer
from lamina.utils import unpack_x_y_sample_weight
from lamina_torch import aten_kernels
from lamina_torch.core import _from_numpy, _state


def _batch_size(x: Any) -> int:
    if isinstance(x, torch.Tensor):
        return int(x.shape[0]) if x.ndim else 1
    for leaf in tree.flatten(x):
        if hasattr(leaf, "shape"):
            return int(leaf.shape[0]) if len(leaf.shape) else 1
    return 1


def _to_tensor(leaf: Any) -> Any:
    if isinstance(leaf, np.ndarray):
        if _state.device == "cpu" and leaf.dtype.kind in "biuf" and leaf.flags.writeable:
            try:
                return torch.from_numpy(leaf)  # shares memory, like `torch.as_tensor` but cheaper
            except (TypeError, ValueError):  # negative strides, dtypes torch lacks
                pass
        return _from_numpy(leaf, None)
    return leaf


def convert_batch(batch: Any) -> Any:
    """Converts the NumPy leaves of a batch to torch tensors on the default
    device, keeping dtypes (zero-copy on the CPU)."""
    if type(batch) is tuple:
        for leaf in batch:
            if leaf is not None and type(leaf) is not np.ndarray:
                break
        else:
            # The common case (arrays from the array adapter): skip `tree`.
            return tuple(None if leaf is None else _to_tensor(leaf) for leaf in batch)
    return tree.map_structure(_to_tensor, batch)


def _detach(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return x.detach()
    return tree.map_structure(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, x)


def zero_grad(variables: list, set_to_none: bool = True) -> None:
    """Forgets the gradients that `loss.backward()` left on `variables`
    (what `torch.nn.Module.zero_grad()` does)."""
    for variable in variables:
        value = variable.value
        if isinstance(value, torch.Tensor) and value.grad is not None:
            if set_to_none:
                value.grad = None
            else:
                value.grad.zero_()


def gradients(loss: Any, variables: list) -> list:
    """Gradients of `loss` with respect to `variables`: zeros for float
    variables `loss` does not depend on, None for integer ones."""
    params = [variable.value for variable in variables]
    wrt = [i for i, p in enumerate(params) if isinstance(p, torch.Tensor) and p.requires_grad]
    found: Any = [None] * len(wrt)
    if wrt and isinstance(loss, torch.Tensor) and loss.requires_grad:
        found = torch.autograd.grad(loss, [params[i] for i in wrt], allow_unused=True)
    grads: list = [None] * len(params)
    for i, grad in zip(wrt, found):
        grads[i] = grad
    for i, param in enumerate(params):
        if grads[i] is None and isinstance(param, torch.Tensor) and (param.is_floating_point() or param.is_complex()):
            grads[i] = torch.zeros_like(param)
    return grads


def _own_code(fn: Callable) -> Callable:
    """`fn` (a bound method) over a copy of its code object. Dynamo keeps the
    graphs it compiles per code object, with a limit (8) on how many: every
    model's steps share the same methods, so without a copy the ninth model
    compiled in a process would run eagerly."""
    if not isinstance(fn, types.MethodType):
        return fn
    function = fn.__func__
    copy = types.FunctionType(
        function.__code__.replace(),
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__qualname__ = function.__qualname__
    return types.MethodType(copy, fn.__self__)


def _overrides(model: Any, name: str) -> bool:
    return getattr(type(model), name) is not getattr(Trainer, name)


class TorchStepFunctions(StepFunctions):
    """Default steps (Keras-on-torch style), run eagerly or with `torch.compile`."""

    def __init__(self, model: Any) -> None:
        super().__init__(model)
        self._train_fn: Callable | None = None
        self._test_fn: Callable | None = None
        self._predict_fn: Callable | None = None
        self._forward_loss: Callable = self._forward_and_loss
        # `model.trainable_variables` walks all layers (~80 us for an MLP), so
        # the train function reads it once per epoch: changes of `trainable`
        # made by callbacks count from the next epoch on.
        self._trainable: list | None = None
        self._in_train_function = False

    def _trainable_variables(self) -> list:
        if not self._in_train_function:
            return self.model.trainable_variables
        if self._trainable is None:
            self._trainable = self.model.trainable_variables
        return self._trainable

    def begin_epoch(self) -> None:
        self._trainable = None

    def _jit(self) -> bool:
        model = self.model
        return not model.run_eagerly and model.jit_compile is True

    # -- default steps -------------------------------------------------------------
    def _forward_and_loss(self, x: Any, y: Any, sample_weight: Any) -> tuple:
        model = self.model
        y_pred = model(x, training=True)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
        return y_pred, loss

    def train_step(self, data: Any) -> dict:
        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred, loss = self._forward_loss(x, y, sample_weight)
        optimizer = model.optimizer
        if optimizer is not None:
            trainable = self._trainable_variables()
            if trainable:
                # Gradients of the scaled loss (`loss_scale_factor`); logs show the loss itself.
                grads = gradients(optimizer.scale_loss(loss), trainable)
                with torch.no_grad():
                    optimizer.apply(grads, trainable)
        with torch.no_grad():
            if model._loss_tracker is not None:
                model._loss_tracker.update_state(_detach(loss), sample_weight=_batch_size(x))
            return model.compute_metrics(x, y, _detach(y_pred), sample_weight)

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
    def _clear_losses(self) -> None:
        if layer_module._LOSSES_IN_USE[0]:
            # Do not keep the last step's graph alive through `layer.losses`.
            self.model._clear_losses()

    def _compile(self, fn: Callable) -> Callable:
        # Static shapes: a new input shape (a partial last batch, say) compiles
        # a graph of its own rather than one with symbolic sizes, which shape
        # arithmetic in ops (padding, pooling) cannot always branch on.
        aten_kernels.register()
        return torch.compile(_own_code(fn), dynamic=False)

    def make_train_function(self) -> Callable[[Any], dict]:
        self._trainable = None
        if self._train_fn is None:
            model = self.model
            step = model.train_step
            if self._jit():
                if _overrides(model, "train_step"):
                    step = self._compile(step)
                else:
                    self._forward_loss = self._compile(self._forward_and_loss)
            else:
                self._forward_loss = self._forward_and_loss
            clear = self._clear_losses

            def train_function(batch: Any) -> dict:
                self._in_train_function = True
                try:
                    logs = step(convert_batch(batch))
                finally:
                    self._in_train_function = False
                clear()
                return logs

            self._train_fn = train_function
        return self._train_fn

    def make_test_function(self) -> Callable[[Any], dict]:
        if self._test_fn is None:
            step = self.model.test_step
            if self._jit():
                step = self._compile(step)
            clear = self._clear_losses

            def test_function(batch: Any) -> dict:
                with torch.no_grad():
                    logs = step(convert_batch(batch))
                clear()
                return logs

            self._test_fn = test_function
        return self._test_fn

    def make_predict_function(self) -> Callable[[Any], Any]:
        if self._predict_fn is None:
            step = self.model.predict_step
            if self._jit():
                step = self._compile(step)
            clear = self._clear_losses

            def predict_function(batch: Any) -> Any:
                with torch.no_grad():
                    outputs = step(convert_batch(batch))
                clear()
                return outputs

            self._predict_fn = predict_function
        return self._predict_fn

    def reset(self) -> None:
        self._train_fn = self._test_fn = self._predict_fn = None
        self._trainable = None
        self._forward_loss = self._forward_and_loss
