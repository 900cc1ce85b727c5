"""Random ops on PyTorch.

The seed is a 2-element int64 tensor (torch has no uint32 arithmetic). Each
call hashes it into the seed of a `torch.Generator`, so the same seed gives
the same numbers and advancing the second entry gives new ones. Under
`eval_shape` (the "meta" device) nothing is drawn.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import torch

from lamina.backend.contract import RandomOps
from lamina_torch.core import META, _state, convert, to_torch_dtype

Tensor = torch.Tensor

_MASK64 = (1 << 64) - 1
# Bounds of a standard normal truncated at two standard deviations, as CDF values.
_CDF_LOW = 0.5 * (1.0 + math.erf(-2.0 / math.sqrt(2.0)))
_CDF_HIGH = 1.0 - _CDF_LOW
_LOW_PRECISION = (torch.float16, torch.bfloat16)


def _splitmix64(z: int) -> int:
    z = (z + 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


class _Generators(threading.local):
    """One reusable torch.Generator per device and thread (reseeded per call)."""

    def __init__(self) -> None:
        self.by_device: dict[str, torch.Generator] = {}


_generators = _Generators()


def generator(seed: Any, device: Any) -> torch.Generator:
    """A torch.Generator on `device` seeded from the 2-element `seed`."""
    if isinstance(seed, Tensor):
        values = seed.tolist()
    else:
        values = convert(seed).tolist()
    if len(values) != 2:
        raise ValueError(
            f"A seed must be a tensor of 2 integers (from lamina.random.SeedGenerator). Received: {values}"
        )
    key = str(device)
    found = _generators.by_device.get(key)
    if found is None:
        found = _generators.by_device[key] = torch.Generator(device=device)
    found.manual_seed(_splitmix64(_splitmix64(int(values[0]) & _MASK64) ^ (int(values[1]) & _MASK64)))
    return found


def _float_dtype(dtype: Any, op: str) -> torch.dtype:
    dtype = to_torch_dtype(dtype)
    if not dtype.is_floating_point:
        raise ValueError(
            f"random.{op} draws floats; expected a float dtype. Received: dtype={dtype}"
            + (" (use random.randint for integers)" if op == "uniform" else "")
        )
    return dtype


def _draw_dtype(dtype: torch.dtype) -> torch.dtype:
    """Half-precision samples are drawn in float32 and cast, on every device."""
    return torch.float32 if dtype in _LOW_PRECISION else dtype


class TorchRandomOps(RandomOps):
    seed_dtype = "int64"

    def normal(self, shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None) -> Tensor:
        dtype = _float_dtype(dtype, "normal")
        device = _state.device
        shape = tuple(shape)
        if device == META:
            return torch.empty(shape, dtype=dtype, device=META)
        sample = torch.randn(shape, generator=generator(seed, device), dtype=_draw_dtype(dtype), device=device)
        return (sample * stddev + mean).to(dtype)

    def uniform(
        self, shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> Tensor:
        dtype = _float_dtype(dtype, "uniform")
        device = _state.device
        shape = tuple(shape)
        if device == META:
            return torch.empty(shape, dtype=dtype, device=META)
        sample = torch.rand(shape, generator=generator(seed, device), dtype=_draw_dtype(dtype), device=device)
        return (sample * (maxval - minval) + minval).to(dtype)

    def truncated_normal(
        self, shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> Tensor:
        dtype = _float_dtype(dtype, "truncated_normal")
        device = _state.device
        shape = tuple(shape)
        if device == META:
            return torch.empty(shape, dtype=dtype, device=META)
        draw = torch.float64 if dtype is torch.float64 else torch.float32
        # Inverse-CDF sampling of the normal restricted to [-2, 2]: exact, one pass.
        u = torch.rand(shape, generator=generator(seed, device), dtype=draw, device=device)
        p = u * (_CDF_HIGH - _CDF_LOW) + _CDF_LOW
        sample = torch.clamp(math.sqrt(2.0) * torch.erfinv(2.0 * p - 1.0), -2.0, 2.0)
        return (sample * stddev + mean).to(dtype)

    def randint(self, shape: Any, minval: int, maxval: int, dtype: Any = "int32", seed: Any = None) -> Tensor:
        dtype = to_torch_dtype(dtype)
        device = _state.device
        shape = tuple(shape)
        if device == META:
            return torch.empty(shape, dtype=dtype, device=META)
        draw = dtype if dtype in (torch.int32, torch.int64, torch.int16, torch.int8, torch.uint8) else torch.int64
        sample = torch.randint(
            int(minval), int(maxval), shape, generator=generator(seed, device), dtype=draw, device=device
        )
        return sample if draw is dtype else sample.to(dtype)

    def dropout(self, inputs: Any, rate: float, noise_shape: Any = None, seed: Any = None) -> Tensor:
        inputs = convert(inputs)
        if inputs.device.type == META or _state.device == META:
            return torch.empty_like(inputs)
        if noise_shape is None:
            shape = inputs.shape
        else:
            shape = tuple(inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape))
        draw = inputs.dtype if inputs.is_floating_point() else torch.float32
        noise = torch.rand(shape, generator=generator(seed, inputs.device), dtype=draw, device=inputs.device)
        return torch.where(noise >= rate, inputs * (1.0 / (1.0 - rate)), 0.0)

    def shuffle(self, x: Any, axis: int = 0, seed: Any = None) -> Tensor:
        x = convert(x)
        if x.device.type == META or _state.device == META:
            return torch.empty_like(x)
        order = torch.randperm(x.shape[axis], generator=generator(seed, x.device), device=x.device)
        return torch.index_select(x, axis, order)

    def categorical(self, logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> Tensor:
        logits = convert(logits)
        dtype = to_torch_dtype(dtype)
        if logits.device.type == META or _state.device == META:
            return torch.empty(tuple(logits.shape[:-1]) + (num_samples,), dtype=dtype, device=META)
        if not logits.is_floating_point():
            logits = logits.to(torch.float32)
        probabilities = torch.softmax(logits.to(torch.float32), dim=-1)
        samples = torch.multinomial(
            probabilities, num_samples, replacement=True, generator=generator(seed, logits.device)
        )
        return samples.to(dtype)
