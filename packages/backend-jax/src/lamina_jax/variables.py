"""Variables on JAX: an immutable `jax.Array` replaced on each assignment."""

from __future__ import annotations

from typing import Any

from lamina.backend import Variable


class JaxVariable(Variable):
    def __jax_array__(self) -> Any:
        return self.value
