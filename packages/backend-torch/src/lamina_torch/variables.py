"""Variables on PyTorch: a `torch.nn.Parameter` updated in place.

Assignments copy into the same Parameter object, so optimizers, DDP and any
code that holds the tensor see the new values.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import Variable
from lamina.backend.scopes import get_stateless_scope
from lamina_torch.core import DEFAULT_DEVICE, META, _state, convert, device_scope, unwrap


class TorchVariable(Variable):
    """A Lamina Variable whose value is a `torch.nn.Parameter`.

    Float (and complex) variables hold a Parameter with
    `requires_grad=trainable`; integer and bool variables hold a plain tensor.
    Torch functions accept the variable directly (`torch.matmul(x, v)`).
    """

    def _initialize(self, value: Any) -> None:
        if value.device.type == META:
            raise ValueError(
                f"Cannot initialize variable {self.path!r} from a tensor on the 'meta' "
                "device (it has no values). Create variables outside shape inference."
            )
        device = _state.device if _state.device != META else DEFAULT_DEVICE
        # A private, contiguous copy: the caller's tensor or NumPy buffer must not
        # change when the variable is assigned in place, and the fused optimizer
        # kernels need dense memory (the Orthogonal initializer returns a transpose).
        tensor = value.detach().to(device=device, copy=True, memory_format=torch.contiguous_format)
        if tensor.is_floating_point() or tensor.is_complex():
            self._value = torch.nn.Parameter(tensor, requires_grad=self._trainable)
        else:
            self._value = tensor

    def _convert_to_tensor(self, value: Any, dtype: Any = None) -> Any:
        if self._value is None and _state.device == META:
            # Initial values of variables created during `eval_shape` (e.g. a
            # SeedGenerator's state) are real data, not meta stand-ins.
            with device_scope(DEFAULT_DEVICE):
                return convert(value, dtype)
        return convert(value, dtype)

    def _direct_assign(self, value: Any) -> None:
        if torch.is_grad_enabled():
            with torch.no_grad():
                self._value.copy_(value)
        else:
            self._value.copy_(value)

    # Fast paths for the common case (an initialized variable, outside any
    # StatelessScope): metrics and optimizers assign every step. Anything else,
    # including errors, goes through the generic `Variable` methods.
    def _direct(self) -> Any:
        if self._deferred is not None or get_stateless_scope() is not None:
            return None
        return self._value

    def assign(self, value: Any) -> Any:
        target = self._direct()
        if target is not None:
            tensor = convert(value, target.dtype)
            if tensor.shape == target.shape and tensor.device.type != META:
                self._direct_assign(tensor)
                return tensor
        return super().assign(value)

    def _update(self, value: Any, subtract: bool) -> Any:
        target = self._direct()
        if target is not None:
            tensor = convert(value, target.dtype)
            if tensor.device == target.device and (tensor.shape == target.shape or not tensor.dim()):
                update = target.sub_ if subtract else target.add_
                if torch.is_grad_enabled():
                    with torch.no_grad():
                        update(tensor)
                else:
                    update(tensor)
                return target
        return super().assign_sub(value) if subtract else super().assign_add(value)

    def assign_add(self, value: Any) -> Any:
        return self._update(value, False)

    def assign_sub(self, value: Any) -> Any:
        return self._update(value, True)

    @property
    def value(self) -> Any:
        """The Parameter (or a replacement inside a StatelessScope; a stand-in
        on the meta device while `eval_shape` runs)."""
        scope = get_stateless_scope()
        if scope is not None:
            replacement = scope.get_current_value(self)
            if replacement is not None:
                return self._maybe_autocast(replacement)
        if self._deferred is not None:
            return self._maybe_autocast(self._backend.numpy.zeros(self._shape, dtype=self._dtype))
        value = self._value
        if _state.device == META and value.device.type != META:
            # Meta tensors do not mix with real ones in element-wise ops.
            value = torch.empty(value.shape, dtype=value.dtype, device=META)
        return self._maybe_autocast(value)

    @Variable.trainable.setter  # type: ignore[attr-defined]
    def trainable(self, value: bool) -> None:
        Variable.trainable.fset(self, value)  # type: ignore[attr-defined]
        if isinstance(self._value, torch.nn.Parameter):
            self._value.requires_grad_(self._trainable)

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        return func(*unwrap(args), **(unwrap(kwargs) if kwargs else {}))
