"""Fused updates of the built-in optimizers on PyTorch.

`Optimizer.update_all` asks the backend to update all variables at once
before falling back to `update_step` per variable. Here the update rules
of `SGD`, `Adam` / `AdamW` (with AMSGrad) and `RMSprop` are run on the
Parameters and slot tensors in place, with torch's multi-tensor
(`torch._foreach_*`) ops, and for Adam with torch's fused Adam kernel.

The rules are Lamina's (Keras's), not `torch.optim`'s, which differ:

- Adam: `alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)` and
  `var -= m * alpha / (sqrt(v) + epsilon)`. torch's Adam adds epsilon after
  dividing `sqrt(v)` by its bias correction. The fused kernel is called with
  its bias corrections disabled (a step count so large that `beta**step`
  is 0) and `lr=alpha`, which leaves exactly Keras's rule.
- SGD: the slot holds Keras's velocity `momentum * v - lr * g` (torch keeps
  `momentum * b + g` and scales by lr afterwards).
- RMSprop: epsilon is added inside the square root.

Gradient clipping, weight decay and constraints stay with the base class
(`Optimizer.apply`), which runs them before and after `update_all`. Exact
built-in classes only: a subclass may change `update_step`, so it gets the
generic path. The result matches the generic path within float32
rounding.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import torch

from lamina.backend.scopes import get_stateless_scope
from lamina.optimizers.adam import Adam, AdamW
from lamina.optimizers.rmsprop import RMSprop
from lamina.optimizers.sgd import SGD
from lamina_torch.core import META, _state, convert

#: Devices on which torch's fused Adam kernel runs (falls back to foreach ops elsewhere).
_FUSED_ADAM_DEVICES = frozenset({"cpu", "cuda"})
_FUSED_ADAM_DTYPES = frozenset({torch.float32, torch.float64})
# A step count for which the fused kernel's bias corrections are exactly 1:
# `beta**step` underflows to 0 for the betas used in practice (checked by
# `_without_bias_correction`; other betas take the foreach path).
_NO_BIAS_CORRECTION_STEP = 1e12
# Whether to use torch's fused Adam kernel (tests switch it off to check the foreach path).
USE_FUSED_ADAM = True
# Whether scalars (learning rate, Adam's step size) of updates on the CPU are
# computed as Python numbers, which is cheaper than 0-d tensor ops. Elsewhere
# they stay tensors on the device, so that no step waits for the device
# (tests switch this off to check that path on the CPU).
HOST_SCALARS = True

_step_tensors: dict[Any, torch.Tensor] = {}


def _no_bias_correction_step(device: torch.device) -> torch.Tensor:
    found = _step_tensors.get(device)
    if found is None:
        found = _step_tensors[device] = torch.tensor(_NO_BIAS_CORRECTION_STEP, dtype=torch.float32, device=device)
    return found


# The slot lists each rule reads, by optimizer class (empty lists are skipped).
_SLOTS = {
    SGD: ("momentums",),
    Adam: ("momentums", "velocities", "velocity_hats"),
    AdamW: ("momentums", "velocities", "velocity_hats"),
    RMSprop: ("velocities", "momentums", "average_gradients"),
}


class _Group:
    """Variables of one device and dtype: their positions in the update and
    their Parameters and slot tensors (which assignments never replace)."""

    __slots__ = ("positions", "params", "slots", "contiguous", "device", "dtype", "steps")

    def __init__(self, device: torch.device, dtype: torch.dtype) -> None:
        self.positions: list[int] = []
        self.params: list[torch.Tensor] = []
        self.slots: dict[str, list[torch.Tensor]] = {}
        self.contiguous = True
        self.device = device
        self.dtype = dtype
        self.steps: list[torch.Tensor] = []


class _Plan:
    __slots__ = ("key", "owners", "groups")

    def __init__(self, key: tuple, owners: tuple, groups: list[_Group]) -> None:
        self.key = key
        self.owners = owners  # keeps the objects whose ids make `key` alive
        self.groups = groups


_plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _make_plan(optimizer: Any, variables: list, key: tuple) -> _Plan | None:
    index = optimizer._slot_index
    slot_lists = {name: getattr(optimizer, name, None) or [] for name in _SLOTS[type(optimizer)]}
    groups: dict[tuple, _Group] = {}
    for position, variable in enumerate(variables):
        slot = index.get(id(variable))
        param = variable._value
        if slot is None or variable._deferred is not None or not isinstance(param, torch.Tensor):
            return None
        if not param.is_floating_point() or param.device.type == META:
            return None
        group = groups.get((param.device, param.dtype))
        if group is None:
            group = groups[(param.device, param.dtype)] = _Group(param.device, param.dtype)
        group.positions.append(position)
        group.params.append(param)
        group.contiguous = group.contiguous and param.is_contiguous()
        for name, slots in slot_lists.items():
            if not slots:
                continue
            tensor = slots[slot]._value
            if tensor.shape != param.shape or tensor.dtype != param.dtype or tensor.device != param.device:
                return None
            group.slots.setdefault(name, []).append(tensor)
            group.contiguous = group.contiguous and tensor.is_contiguous()
    for group in groups.values():
        group.steps = [_no_bias_correction_step(group.device)] * len(group.params)
    return _Plan(key, (optimizer._slot_index, list(variables)), list(groups.values()))


def _plan(optimizer: Any, variables: list) -> _Plan | None:
    # `build()` makes a new `_slot_index`, so its id tells rebuilt optimizers apart.
    key = (id(optimizer._slot_index), *map(id, variables))
    plan = _plans.get(optimizer)
    if plan is None or plan.key != key:
        plan = _make_plan(optimizer, variables, key)
        if plan is None:
            return None
        _plans[optimizer] = plan
    return plan


def fused_update(optimizer: Any, grads: list, variables: list, learning_rate: Any) -> bool:
    """Applies `optimizer`'s update rule to all `variables` in place; False if it cannot."""
    rule = _RULES.get(type(optimizer))
    if rule is None or get_stateless_scope() is not None or _state.device == META:
        return False
    if torch.compiler.is_compiling():
        # Inside `torch.compile` (a user's whole `train_step`), the generic rule
        # is traced and fused by the compiler; the fused kernels mutate state
        # that dynamo cannot functionalize.
        return False
    plan = _plan(optimizer, variables)
    if plan is None:
        return False
    # Check every gradient before changing anything.
    prepared = []
    for group in plan.groups:
        tensors = []
        for position, param in zip(group.positions, group.params):
            grad = grads[position]
            if not isinstance(grad, torch.Tensor) or grad.dtype != param.dtype or grad.device != param.device:
                grad = convert(grad, param.dtype)
                if grad.device != param.device:
                    grad = grad.to(param.device)
            if grad.shape != param.shape:
                return False
            tensors.append(grad)
        prepared.append(tensors)
    with torch.no_grad():
        for group, tensors in zip(plan.groups, prepared):
            rule(optimizer, group, tensors, learning_rate)
    return True


def _on_host(*tensors: Any) -> bool:
    return HOST_SCALARS and all(not isinstance(t, torch.Tensor) or t.device.type == "cpu" for t in tensors)


def _scalar_lr(learning_rate: Any, dtype: torch.dtype, device: torch.device) -> Any:
    """The learning rate cast to `dtype`: a Python float on the host, else a 0-d tensor on `device`."""
    if not isinstance(learning_rate, torch.Tensor):
        learning_rate = torch.tensor(learning_rate, dtype=dtype)
    if device.type == "cpu" and _on_host(learning_rate):
        return float(learning_rate.to(dtype))
    return learning_rate.to(dtype=dtype, device=device)


def _sgd(optimizer: SGD, group: _Group, grads: list, learning_rate: Any) -> None:
    params = group.params
    lr = _scalar_lr(learning_rate, group.dtype, group.device)
    # g * lr (a tensor learning rate stays on its device: no host sync)
    steps = torch._foreach_mul(grads, lr) if isinstance(lr, torch.Tensor) else None
    if not optimizer.momentum:
        # w -= g * lr
        if steps is None:
            torch._foreach_add_(params, grads, alpha=-lr)
        else:
            torch._foreach_sub_(params, steps)
        return
    momentum = optimizer.momentum
    velocities = group.slots["momentums"]
    # v = v * momentum - g * lr
    torch._foreach_mul_(velocities, momentum)
    if steps is None:
        torch._foreach_add_(velocities, grads, alpha=-lr)
    else:
        torch._foreach_sub_(velocities, steps)
    if optimizer.nesterov:
        # w += v * momentum - g * lr
        torch._foreach_add_(params, velocities, alpha=momentum)
        if steps is None:
            torch._foreach_add_(params, grads, alpha=-lr)
        else:
            torch._foreach_sub_(params, steps)
    else:
        # w += v
        torch._foreach_add_(params, velocities)


def _adam_alpha(optimizer: Adam, learning_rate: Any, dtype: torch.dtype, device: torch.device) -> Any:
    """`lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)` as `Adam.update_step` computes it:
    a Python float on the host, else a 0-d tensor on `device`."""
    iterations = optimizer.iterations.value
    on_host = device.type == "cpu" and _on_host(iterations, learning_rate)
    if on_host and dtype == torch.float32:
        # NumPy float32 scalars: the rounding of the tensor ops, at a tenth of the cost.
        step = np.float32(int(iterations) + 1)
        one = np.float32(1.0)
        beta_1_power = np.float32(optimizer.beta_1) ** step
        beta_2_power = np.float32(optimizer.beta_2) ** step
        return float(np.float32(float(learning_rate)) * np.sqrt(one - beta_2_power) / (one - beta_1_power))
    step = (iterations + 1).to(dtype)
    # A Python base is weak (rounded to `dtype`, as `ops.cast(beta, dtype)` is) and
    # needs no host-to-device copy, which would synchronize.
    beta_1_power = torch.pow(float(optimizer.beta_1), step)
    beta_2_power = torch.pow(float(optimizer.beta_2), step)
    alpha = convert(learning_rate, dtype) * torch.sqrt(1.0 - beta_2_power) / (1.0 - beta_1_power)
    if on_host:
        return float(alpha)
    return alpha if alpha.device == device else alpha.to(device)


def _without_bias_correction(beta: float) -> bool:
    """Whether the fused kernel's bias correction `1 - beta**step` is exactly 1."""
    return 0.0 <= beta < 1.0 and float(np.float32(beta)) < 1.0 and beta**_NO_BIAS_CORRECTION_STEP == 0.0


def _adam(optimizer: Adam, group: _Group, grads: list, learning_rate: Any) -> None:
    params, dtype, device = group.params, group.dtype, group.device
    alpha = _adam_alpha(optimizer, learning_rate, dtype, device)
    m = group.slots["momentums"]
    v = group.slots["velocities"]
    v_hat = group.slots.get("velocity_hats", []) if optimizer.amsgrad else []
    if (
        USE_FUSED_ADAM
        and group.contiguous
        and device.type in _FUSED_ADAM_DEVICES
        and dtype in _FUSED_ADAM_DTYPES
        and _without_bias_correction(optimizer.beta_1)
        and _without_bias_correction(optimizer.beta_2)
    ):
        # The kernel reads memory linearly: gradients must be contiguous too.
        grads = [g if g.is_contiguous() else g.contiguous() for g in grads]
        # With bias corrections of 1 (`group.steps`), the kernel computes
        # m = beta_1 * m + (1 - beta_1) * g, v = beta_2 * v + (1 - beta_2) * g**2,
        # (v_hat = max(v_hat, v)) and w -= lr * m / (sqrt(v or v_hat) + epsilon).
        torch._fused_adam_(
            params,
            grads,
            m,
            v,
            v_hat,
            group.steps,
            lr=alpha,
            beta1=float(optimizer.beta_1),
            beta2=float(optimizer.beta_2),
            weight_decay=0.0,
            eps=float(optimizer.epsilon),
            amsgrad=bool(optimizer.amsgrad),
            maximize=False,
        )
        return
    # m += (g - m) * (1 - beta_1)
    torch._foreach_lerp_(m, grads, 1.0 - optimizer.beta_1)
    # v += (g**2 - v) * (1 - beta_2)
    squares = torch._foreach_mul(grads, grads)
    torch._foreach_lerp_(v, squares, 1.0 - optimizer.beta_2)
    if optimizer.amsgrad:
        # v_hat = max(v_hat, v)
        torch._foreach_maximum_(v_hat, v)
        second = v_hat
    else:
        second = v
    # w -= m * alpha / (sqrt(second) + epsilon)
    denominators = torch._foreach_sqrt(second)
    torch._foreach_add_(denominators, optimizer.epsilon)
    numerators = torch._foreach_mul(m, alpha)
    torch._foreach_div_(numerators, denominators)
    torch._foreach_sub_(params, numerators)


def _rmsprop(optimizer: RMSprop, group: _Group, grads: list, learning_rate: Any) -> None:
    params = group.params
    lr = _scalar_lr(learning_rate, group.dtype, group.device)
    rho = optimizer.rho
    velocities = group.slots["velocities"]
    # v = rho * v + (1 - rho) * g**2
    torch._foreach_mul_(velocities, rho)
    torch._foreach_addcmul_(velocities, grads, grads, value=1.0 - rho)
    if optimizer.centered:
        averages = group.slots["average_gradients"]
        # a = rho * a + (1 - rho) * g;  denominator = v - a**2
        torch._foreach_mul_(averages, rho)
        torch._foreach_add_(averages, grads, alpha=1.0 - rho)
        denominators = torch._foreach_addcmul(velocities, averages, averages, value=-1.0)
        torch._foreach_add_(denominators, optimizer.epsilon)
    else:
        denominators = torch._foreach_add(velocities, optimizer.epsilon)
    torch._foreach_sqrt_(denominators)
    # increment = lr * g / sqrt(denominator + epsilon)
    increments = torch._foreach_mul(grads, lr)
    torch._foreach_div_(increments, denominators)
    if optimizer.momentum > 0:
        # mom = momentum * mom + increment;  w -= mom
        momentums = group.slots["momentums"]
        torch._foreach_mul_(momentums, optimizer.momentum)
        torch._foreach_add_(momentums, increments)
        torch._foreach_sub_(params, momentums)
    else:
        torch._foreach_sub_(params, increments)


_RULES = {SGD: _sgd, Adam: _adam, AdamW: _adam, RMSprop: _rmsprop}
