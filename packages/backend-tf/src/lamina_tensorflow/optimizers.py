"""Fused optimizer updates on TensorFlow (`Backend.fused_optimizer_update`).

TensorFlow has one kernel per built-in update rule (`ResourceApplyAdam`,
`ResourceApplyKerasMomentum`, ...) that reads and writes the variable and
its slots in a single pass. Without XLA, the generic rule (written with
`lamina.ops`) runs about ten elementwise kernels per variable instead, each
a pass over memory. The kernels compute the rules of Lamina's `Adam`
(also AdamW and AMSGrad; weight decay is applied before, by the base class)
and `SGD` (plain, momentum, Nesterov) with the same formulas; results agree
up to float rounding. Measured on the MLP 784-512-512-10, batch 128, Adam,
CPU with one thread: `fit` runs ~15% more steps per second without XLA.
Other optimizers, and subclasses that override `update_step`, take the
generic path.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from lamina.backend import scopes

_FLOAT_DTYPES = (tf.float16, tf.bfloat16, tf.float32, tf.float64)


def _resource_variables(variables: list) -> list | None:
    """The `tf.Variable`s behind Lamina variables, or None where one is missing."""
    found = []
    for variable in variables:
        value = getattr(variable, "_value", None)
        if not isinstance(value, tf.Variable) or getattr(variable, "_deferred", None) is not None:
            return None
        if value.dtype not in _FLOAT_DTYPES:
            return None
        found.append(value)
    return found


def _dense(gradient: Any, dtype: tf.DType) -> tf.Tensor:
    if isinstance(gradient, tf.IndexedSlices):
        gradient = tf.convert_to_tensor(gradient)
    gradient = tf.convert_to_tensor(gradient)
    return gradient if gradient.dtype == dtype else tf.cast(gradient, dtype)


def _apply_adam(optimizer: Any, grads: list, variables: list, targets: list, learning_rate: Any) -> bool:
    momentums = [optimizer._slot(optimizer.momentums, v) for v in variables]
    velocities = [optimizer._slot(optimizer.velocities, v) for v in variables]
    hats = [optimizer._slot(optimizer.velocity_hats, v) for v in variables] if optimizer.amsgrad else None
    slots_m, slots_v = _resource_variables(momentums), _resource_variables(velocities)
    slots_hat = _resource_variables(hats) if hats is not None else None
    if slots_m is None or slots_v is None or (hats is not None and slots_hat is None):
        return False
    iterations = tf.convert_to_tensor(optimizer.iterations.value)
    constants: dict = {}
    for i, (grad, target) in enumerate(zip(grads, targets)):
        dtype = target.dtype
        if dtype not in constants:
            step = tf.cast(iterations + 1, dtype)
            beta_1 = tf.constant(optimizer.beta_1, dtype)
            beta_2 = tf.constant(optimizer.beta_2, dtype)
            constants[dtype] = (
                tf.pow(beta_1, step),
                tf.pow(beta_2, step),
                tf.cast(learning_rate, dtype),
                beta_1,
                beta_2,
                tf.constant(optimizer.epsilon, dtype),
            )
        beta_1_power, beta_2_power, lr, beta_1, beta_2, epsilon = constants[dtype]
        grad = _dense(grad, dtype)
        if slots_hat is not None:
            tf.raw_ops.ResourceApplyAdamWithAmsgrad(
                var=target.handle,
                m=slots_m[i].handle,
                v=slots_v[i].handle,
                vhat=slots_hat[i].handle,
                beta1_power=beta_1_power,
                beta2_power=beta_2_power,
                lr=lr,
                beta1=beta_1,
                beta2=beta_2,
                epsilon=epsilon,
                grad=grad,
            )
        else:
            tf.raw_ops.ResourceApplyAdam(
                var=target.handle,
                m=slots_m[i].handle,
                v=slots_v[i].handle,
                beta1_power=beta_1_power,
                beta2_power=beta_2_power,
                lr=lr,
                beta1=beta_1,
                beta2=beta_2,
                epsilon=epsilon,
                grad=grad,
            )
    return True


def _apply_sgd(optimizer: Any, grads: list, variables: list, targets: list, learning_rate: Any) -> bool:
    momentum = optimizer.momentum
    accumulators = None
    if momentum:
        accumulators = _resource_variables([optimizer._slot(optimizer.momentums, v) for v in variables])
        if accumulators is None:
            return False
    for i, (grad, target) in enumerate(zip(grads, targets)):
        dtype = target.dtype
        lr = tf.cast(learning_rate, dtype)
        grad = _dense(grad, dtype)
        if accumulators is None:
            tf.raw_ops.ResourceApplyGradientDescent(var=target.handle, alpha=lr, delta=grad)
        else:
            tf.raw_ops.ResourceApplyKerasMomentum(
                var=target.handle,
                accum=accumulators[i].handle,
                lr=lr,
                grad=grad,
                momentum=tf.constant(momentum, dtype),
                use_nesterov=bool(optimizer.nesterov),
            )
    return True


_RULES: dict = {}


def _rule_for(optimizer: Any) -> Any:
    if not _RULES:
        from lamina.optimizers.adam import Adam
        from lamina.optimizers.sgd import SGD

        # Keyed by the update rule: a subclass overriding `update_step` gets
        # the generic path.
        _RULES.update({Adam.update_step: _apply_adam, SGD.update_step: _apply_sgd})
    return _RULES.get(type(optimizer).update_step)


def fused_optimizer_update(optimizer: Any, grads: list, variables: list, learning_rate: Any) -> bool:
    """Applies `optimizer`'s rule with TensorFlow's fused kernels, if it is a built-in one."""
    if scopes.get_stateless_scope() is not None:
        return False
    rule = _rule_for(optimizer)
    if rule is None:
        return False
    targets = _resource_variables(variables)
    if targets is None:
        return False
    return rule(optimizer, grads, variables, targets, learning_rate)
