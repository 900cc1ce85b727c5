"""`Wrapper`: the abstract base of layers that wrap another layer."""

from __future__ import annotations

from typing import Any

from lamina.layers.layer import Layer


class Wrapper(Layer):
    """Abstract base class for layers that wrap another layer.

    A wrapper holds `self.layer` and augments it (Keras's `TimeDistributed`
    and `Bidirectional` are wrappers). Subclasses implement `call`; the base
    builds the wrapped layer and serializes it under the config key `layer`.

    Args:
        layer: The `Layer` instance to wrap.
        **kwargs: Base layer keyword arguments (e.g. `name`).

    Example:
        ```python
        class Twice(lamina.layers.Wrapper):
            def call(self, x):
                return self.layer(self.layer(x))

        y = Twice(lamina.layers.Dense(4))(lamina.ops.ones((2, 4)))
        ```
    """

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                f"`layer` passed to {type(self).__name__} must be a `lamina.layers.Layer` instance. "
                f"Received: layer={layer!r} (of type {type(layer).__name__}). Pass a layer object, "
                "e.g. `lamina.layers.Dense(4)`, not a class or a function."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape: Any = None) -> None:
        if not self.layer.built:
            self.layer.build(input_shape)

    def get_config(self) -> dict:
        from lamina.saving import serialize_keras_object

        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Wrapper:
        from lamina.saving import deserialize_keras_object

        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
