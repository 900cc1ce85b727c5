"""Learning rate schedules: the learning rate as a function of the step count.

Each schedule is a pure function of `step` written with `lamina.ops`
(choices between phases use `ops.where`, never Python branches on tensor
values), so it runs inside compiled training steps on every backend.
"""

from __future__ import annotations

import math
from typing import Any

from lamina import ops


def _check_positive(argument: str, value: Any) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{argument}` must be > 0. Received: {argument}={value}")


class LearningRateSchedule:
    """Base class of schedules: `schedule(step)` returns the learning rate at `step`.

    Pass an instance as an optimizer's `learning_rate`; the optimizer calls
    it with its step count. Subclasses implement `__call__` and `get_config`.

    Example:
        ```python
        class Halving(lamina.optimizers.schedules.LearningRateSchedule):
            def __init__(self, initial_learning_rate, every):
                self.initial_learning_rate = initial_learning_rate
                self.every = every

            def __call__(self, step):
                halvings = lamina.ops.floor(lamina.ops.cast(step, "float32") / self.every)
                return self.initial_learning_rate * 0.5**halvings

            def get_config(self):
                return {"initial_learning_rate": self.initial_learning_rate, "every": self.every}
        ```
    """

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: number of steps per factor of `decay_rate` (> 0).
        decay_rate: the decay factor.
        staircase: decay in whole steps (`floor(step / decay_steps)`).
        name: name of the schedule.

    Example:
        ```python
        schedule = lamina.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96)
        optimizer = lamina.optimizers.SGD(learning_rate=schedule)
        ```
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_positive("decay_steps", decay_steps)

    def __call__(self, step: Any) -> Any:
        initial = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = ops.dtype(initial)
        progress = ops.divide(ops.cast(step, dtype), ops.cast(self.decay_steps, dtype))
        if self.staircase:
            progress = ops.floor(progress)
        return ops.multiply(initial, ops.power(ops.cast(self.decay_rate, dtype), progress))

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` up to `boundaries[0]`, `values[1]` up to `boundaries[1]`, ...

    Args:
        boundaries: increasing step counts; each interval includes its upper boundary.
        values: one more learning rate than `boundaries`.
        name: name of the schedule.

    Example:
        ```python
        # 1.0 for steps 0..100000, 0.5 for steps 100001..110000, then 0.1.
        schedule = lamina.optimizers.schedules.PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1])
        ```
    """

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant") -> None:
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, "
                f"and values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> Any:
        step = ops.convert_to_tensor(step)
        boundaries = [ops.cast(b, ops.dtype(step)) for b in self.boundaries]
        values = [ops.convert_to_tensor(v) for v in self.values]
        dtype = ops.dtype(values[0])
        # Sum of value * [step in its interval]: exactly one term is nonzero.
        result = ops.multiply(ops.cast(ops.less_equal(step, boundaries[0]), dtype), values[0])
        result = ops.add(result, ops.multiply(ops.cast(ops.greater(step, boundaries[-1]), dtype), values[-1]))
        for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            inside = ops.logical_and(ops.greater(step, low), ops.less_equal(step, high))
            result = ops.add(result, ops.multiply(ops.cast(inside, dtype), value))
        return result

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial interpolation from `initial_learning_rate` to `end_learning_rate`.

    `(initial - end) * (1 - step / decay_steps) ** power + end`, with `step`
    capped at `decay_steps`; with `cycle=True`, `decay_steps` is instead
    stretched to the next multiple that exceeds `step`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: number of steps of the decay (> 0).
        end_learning_rate: the final learning rate (default 0.0001).
        power: the power of the polynomial (default 1.0: linear).
        cycle: restart the decay beyond `decay_steps`.
        name: name of the schedule.

    Example:
        ```python
        schedule = lamina.optimizers.schedules.PolynomialDecay(0.1, 10000, end_learning_rate=0.01, power=0.5)
        ```
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_positive("decay_steps", decay_steps)

    def __call__(self, step: Any) -> Any:
        initial = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = ops.dtype(initial)
        end = ops.cast(self.end_learning_rate, dtype)
        power = ops.cast(self.power, dtype)
        step = ops.cast(step, dtype)
        decay_steps = ops.cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = ops.where(ops.equal(step, 0), 1.0, ops.ceil(ops.divide(step, decay_steps)))
            decay_steps = ops.multiply(decay_steps, ops.cast(multiplier, dtype))
        else:
            step = ops.minimum(step, decay_steps)
        fraction = ops.divide(step, decay_steps)
        return ops.add(ops.multiply(ops.subtract(initial, end), ops.power(ops.subtract(1, fraction), power)), end)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: how often `decay_rate` applies (> 0).
        decay_rate: the decay factor.
        staircase: decay in whole steps (`floor(step / decay_steps)`).
        name: name of the schedule.

    Example:
        ```python
        schedule = lamina.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
        ```
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_positive("decay_steps", decay_steps)

    def __call__(self, step: Any) -> Any:
        initial = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = ops.dtype(initial)
        progress = ops.divide(ops.cast(step, dtype), ops.cast(self.decay_steps, dtype))
        if self.staircase:
            progress = ops.floor(progress)
        denominator = ops.add(ops.cast(1, dtype), ops.multiply(ops.cast(self.decay_rate, dtype), progress))
        return ops.divide(initial, denominator)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


def _cosine(fraction: Any, alpha: Any, dtype: str) -> Any:
    """`(1 - alpha) * 0.5 * (1 + cos(pi * fraction)) + alpha`."""
    cosine = ops.multiply(0.5, ops.add(1.0, ops.cos(ops.multiply(ops.cast(math.pi, dtype), fraction))))
    return ops.add(ops.multiply(ops.subtract(1, alpha), cosine), alpha)


class CosineDecay(LearningRateSchedule):
    """Cosine decay, optionally after a linear warmup.

    Without `warmup_target`: from `initial_learning_rate` down to
    `alpha * initial_learning_rate` over `decay_steps`. With it: a linear
    ramp from `initial_learning_rate` to `warmup_target` over
    `warmup_steps`, then the cosine decay from `warmup_target`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: number of steps of the decay (> 0).
        alpha: the final learning rate as a fraction of the decayed one (default 0).
        name: name of the schedule.
        warmup_target: the learning rate reached at the end of the warmup (None: no warmup).
        warmup_steps: number of warmup steps (default 0).

    Example:
        ```python
        schedule = lamina.optimizers.schedules.CosineDecay(
            0.0, decay_steps=1000, warmup_target=0.1, warmup_steps=100
        )
        ```
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_positive("decay_steps", decay_steps)

    def __call__(self, step: Any) -> Any:
        initial = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = ops.dtype(initial)
        decay_steps = ops.cast(self.decay_steps, dtype)
        step = ops.cast(step, dtype)
        if self.warmup_target is None:
            step = ops.minimum(step, decay_steps)
            return ops.multiply(initial, _cosine(ops.divide(step, decay_steps), self.alpha, dtype))
        target = ops.cast(self.warmup_target, dtype)
        warmup_steps = ops.cast(self.warmup_steps, dtype)
        step = ops.minimum(step, ops.add(decay_steps, warmup_steps))
        # max(warmup_steps, 1) keeps the unused warmup branch finite when warmup_steps == 0.
        warmup_fraction = ops.divide(step, ops.maximum(warmup_steps, 1.0))
        warming = ops.add(ops.multiply(ops.subtract(target, initial), warmup_fraction), initial)
        decayed = ops.multiply(
            target, _cosine(ops.divide(ops.subtract(step, warmup_steps), decay_steps), self.alpha, dtype)
        )
        return ops.where(ops.less(step, warmup_steps), warming, decayed)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    The first period lasts `first_decay_steps`; each next one is `t_mul`
    times longer and starts from `m_mul` times the previous initial rate.

    Args:
        initial_learning_rate: the learning rate at step 0.
        first_decay_steps: length of the first period (> 0).
        t_mul: factor of the period lengths (default 2.0).
        m_mul: factor of the initial rates of the periods (default 1.0).
        alpha: the final learning rate of a period as a fraction of its initial rate (default 0).
        name: name of the schedule.

    Example:
        ```python
        schedule = lamina.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=1000)
        ```
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_positive("first_decay_steps", first_decay_steps)

    def __call__(self, step: Any) -> Any:
        initial = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = ops.dtype(initial)
        alpha = ops.cast(self.alpha, dtype)
        t_mul = ops.cast(self._t_mul, dtype)
        m_mul = ops.cast(self._m_mul, dtype)
        fraction = ops.divide(ops.cast(step, dtype), ops.cast(self.first_decay_steps, dtype))
        if self._t_mul == 1.0:
            restart = ops.floor(fraction)
            fraction = ops.subtract(fraction, restart)
        else:
            # Periods grow geometrically: restart i begins at (1 - t_mul**i) / (1 - t_mul).
            restart = ops.floor(
                ops.divide(ops.log(ops.subtract(1.0, ops.multiply(fraction, ops.subtract(1.0, t_mul)))), ops.log(t_mul))
            )
            start = ops.divide(ops.subtract(1.0, ops.power(t_mul, restart)), ops.subtract(1.0, t_mul))
            fraction = ops.divide(ops.subtract(fraction, start), ops.power(t_mul, restart))
        period_scale = ops.power(m_mul, restart)
        cosine = ops.multiply(
            ops.multiply(0.5, period_scale),
            ops.add(1.0, ops.cos(ops.multiply(ops.cast(math.pi, dtype), fraction))),
        )
        return ops.multiply(initial, ops.add(ops.multiply(ops.subtract(1, alpha), cosine), alpha))

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
