"""`SpatialDropout1D/2D/3D`: drops whole feature maps instead of single entries."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.backend.config import image_data_format
from lamina.dtype_policies import serialize as serialize_dtype_policy
from lamina.layers.input_spec import InputSpec
from lamina.layers.regularization.dropout import Dropout

_DATA_FORMATS = ("channels_first", "channels_last")


def _standardize_data_format(data_format: str | None) -> str:
    if data_format is None:
        return image_data_format()
    if not isinstance(data_format, str) or data_format.lower() not in _DATA_FORMATS:
        raise ValueError(
            f"The `data_format` argument must be one of {_DATA_FORMATS} (or None for "
            f"`lamina.config.image_data_format()`). Received: data_format={data_format!r}"
        )
    return data_format.lower()


class _SpatialDropout(Dropout):
    """Dropout with one draw per (sample, channel), shared across the other axes."""

    _rank = 3

    def __init__(
        self,
        rate: float,
        seed: int | None = None,
        name: str | None = None,
        dtype: Any = None,
        data_format: str | None = "channels_last",
    ) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=self._rank)

    def _noise_shape(self) -> tuple:
        # None entries take the input's size (batch and channels); the rest share one draw.
        spatial = (1,) * (self._rank - 2)
        if self.data_format == "channels_first":
            return (None, None) + spatial
        return (None,) + spatial + (None,)

    def call(self, inputs: Any, training: bool | None = False) -> Any:
        if training and self.rate > 0:
            if self.rate >= 1:
                return ops.zeros_like(inputs)
            return random.dropout(inputs, self.rate, noise_shape=self._noise_shape(), seed=self.seed_generator)
        return inputs

    def get_config(self) -> dict:
        # Keras's spatial dropout layers take only these arguments.
        return {
            "rate": self.rate,
            "seed": self.seed,
            "name": self.name,
            "dtype": serialize_dtype_policy(self.dtype_policy),
        }


class SpatialDropout1D(_SpatialDropout):
    """Drops entire 1D feature maps (channels) of `(batch, steps, channels)` inputs.

    When adjacent timesteps are strongly correlated, regular dropout barely
    regularizes; dropping whole channels does. Kept channels are scaled by
    `1 / (1 - rate)`. Identity at inference.

    Args:
        rate: float in [0, 1], fraction of channels to drop.
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.SpatialDropout1D(0.5)
        layer(np.ones((2, 10, 4)), training=True)   # each (sample, channel) all 0 or all 2
        ```
    """

    _rank = 3

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype)


class SpatialDropout2D(_SpatialDropout):
    """Drops entire 2D feature maps (channels) of 4D inputs.

    Args:
        rate: float in [0, 1], fraction of channels to drop.
        data_format: "channels_last" (`(batch, rows, cols, channels)`) or
            "channels_first"; None uses `lamina.config.image_data_format()`.
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.SpatialDropout2D(0.2)
        layer(images, training=True)
        ```
    """

    _rank = 4

    def __init__(
        self,
        rate: float,
        data_format: str | None = None,
        seed: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype, data_format=_standardize_data_format(data_format))

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class SpatialDropout3D(_SpatialDropout):
    """Drops entire 3D feature maps (channels) of 5D inputs.

    Args:
        rate: float in [0, 1], fraction of channels to drop.
        data_format: "channels_last" (`(batch, d1, d2, d3, channels)`) or
            "channels_first"; None uses `lamina.config.image_data_format()`.
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.SpatialDropout3D(0.2)
        layer(volumes, training=True)
        ```
    """

    _rank = 5

    def __init__(
        self,
        rate: float,
        data_format: str | None = None,
        seed: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype, data_format=_standardize_data_format(data_format))

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
