"""Python operators (`+`, `@`, `<`, ...) for Variables and symbolic tensors.

Each operator calls the `lamina.ops` function of the same meaning, so it
works eagerly, symbolically and on every backend.
"""

from __future__ import annotations

from typing import Any


def _ops() -> Any:
    import lamina.ops

    return lamina.ops


def _binary(op_name: str, reflected: bool = False) -> Any:
    def method(self: Any, other: Any) -> Any:
        op = getattr(_ops(), op_name)
        return op(other, self) if reflected else op(self, other)

    method.__name__ = f"__{'r' if reflected else ''}{op_name}__"
    return method


def _unary(op_name: str) -> Any:
    def method(self: Any) -> Any:
        return getattr(_ops(), op_name)(self)

    return method


class TensorOperators:
    """Mixin giving a tensor-like class NumPy-style operators."""

    __array_priority__ = 100

    __add__ = _binary("add")
    __radd__ = _binary("add", reflected=True)
    __sub__ = _binary("subtract")
    __rsub__ = _binary("subtract", reflected=True)
    __mul__ = _binary("multiply")
    __rmul__ = _binary("multiply", reflected=True)
    __truediv__ = _binary("divide")
    __rtruediv__ = _binary("divide", reflected=True)
    __floordiv__ = _binary("floor_divide")
    __rfloordiv__ = _binary("floor_divide", reflected=True)
    __mod__ = _binary("mod")
    __rmod__ = _binary("mod", reflected=True)
    __pow__ = _binary("power")
    __rpow__ = _binary("power", reflected=True)
    __matmul__ = _binary("matmul")
    __rmatmul__ = _binary("matmul", reflected=True)
    __lt__ = _binary("less")
    __le__ = _binary("less_equal")
    __gt__ = _binary("greater")
    __ge__ = _binary("greater_equal")
    __and__ = _binary("logical_and")
    __rand__ = _binary("logical_and", reflected=True)
    __or__ = _binary("logical_or")
    __ror__ = _binary("logical_or", reflected=True)
    __xor__ = _binary("logical_xor")
    __rxor__ = _binary("logical_xor", reflected=True)
    __neg__ = _unary("negative")
    __abs__ = _unary("abs")
    __invert__ = _unary("logical_not")

    def __pos__(self) -> Any:
        return self

    def __getitem__(self, key: Any) -> Any:
        return _ops().getitem(self, key)
