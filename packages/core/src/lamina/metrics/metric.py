"""`Metric`: stateful metrics with `update_state`, `result` and `reset_state`."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend import dtypes, naming, scopes, state
from lamina.backend.variables import Variable


class Metric:
    """Base class of metrics: state in variables, updated batch after batch.

    Subclasses create their state with `add_variable` in `__init__` and
    implement `update_state(...)` and `result()`.

    Args:
        dtype: dtype of the metric's computations (default `floatx()`).
        name: name shown in logs.

    Example:
        ```python
        class Count(lamina.metrics.Metric):
            def __init__(self, name="count", **kwargs):
                super().__init__(name=name, **kwargs)
                self.total = self.add_variable(shape=(), initializer="zeros", name="total")

            def update_state(self, values, sample_weight=None):
                self.total.assign_add(lamina.ops.cast(lamina.ops.size(values), self.dtype))

            def result(self):
                return self.total
        ```
    """

    def __init__(self, dtype: Any = None, name: str | None = None) -> None:
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
        self._dtype = dtypes.standardize_dtype(dtype)
        self._backend = state.current()
        self._own_variables: list[Variable] = []

    @property
    def dtype(self) -> str:
        return self._dtype

    def add_variable(
        self, shape: Any, initializer: Any, dtype: Any = None, aggregation: str = "sum", name: str | None = None
    ) -> Variable:
        """Creates a non-trainable state variable for this metric."""
        from lamina import initializers

        with state.backend_scope(self._backend), naming.name_scope(self.name.replace("/", "_") or "metric"):
            variable = self._backend.Variable(
                initializer=initializers.get(initializer),
                shape=shape,
                dtype=dtype or self._dtype,
                trainable=False,
                aggregation=aggregation,
                name=name,
            )
        self._own_variables.append(variable)
        return variable

    add_weight = add_variable

    @property
    def variables(self) -> list[Variable]:
        found = list(self._own_variables)
        for value in vars(self).values():
            if isinstance(value, Metric) and value is not self:
                found.extend(value.variables)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, Metric):
                        found.extend(item.variables)
        seen: set[int] = set()
        return [v for v in found if not (id(v) in seen or seen.add(id(v)))]

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"Metric {type(self).__name__} must implement update_state().")

    def result(self) -> Any:
        raise NotImplementedError(f"Metric {type(self).__name__} must implement result().")

    def reset_state(self) -> None:
        """Sets every state variable back to zero."""
        for variable in self.variables:
            variable.assign(ops.zeros(variable.shape, dtype=variable.dtype))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Updates the state with one batch and returns the new result."""
        with state.backend_scope(self._backend):
            self.update_state(*args, **kwargs)
            return self.result()

    # -- stateless forms, for functional backends ----------------------------
    def stateless_update_state(self, metric_variables: list, *args: Any, **kwargs: Any) -> list:
        """Returns the metric's variable values after `update_state(...)`."""
        variables = self.variables
        with scopes.StatelessScope(zip(variables, metric_variables)) as scope:
            self.update_state(*args, **kwargs)
        return [
            scope.get_current_value(v) if scope.get_current_value(v) is not None else value
            for v, value in zip(variables, metric_variables)
        ]

    def stateless_result(self, metric_variables: list) -> Any:
        with scopes.StatelessScope(zip(self.variables, metric_variables)):
            return self.result()

    def stateless_reset_state(self) -> list:
        with scopes.StatelessScope() as scope:
            self.reset_state()
        return [scope.get_current_value(v) for v in self.variables]

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
