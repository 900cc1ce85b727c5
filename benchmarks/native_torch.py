"""The native PyTorch contender: an eager training loop as PyTorch's docs write it.

`nn.Module`s, `torch.optim.Adam` (`fused=True` or `foreach=True`),
`zero_grad(set_to_none=True)`, `loss.backward()`, `optimizer.step()`. Data
stay in memory as tensors; each epoch draws a permutation and gathers each
batch with it (what `fit(..., shuffle=True)` does with NumPy arrays).
The convnet takes NCHW input, PyTorch's own layout, converted once up front.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812
from workloads import D_MODEL, FFN, HEADS, LEARNING_RATE, LSTM_UNITS, NUM_CLASSES, WORKLOADS

VARIANTS = ("native_fused", "native_foreach")


class _LSTMClassifier(nn.Module):
    def __init__(self, features: int) -> None:
        super().__init__()
        self.lstm = nn.LSTM(features, LSTM_UNITS, batch_first=True)
        self.head = nn.Linear(LSTM_UNITS, NUM_CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


class _EncoderClassifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.TransformerEncoderLayer(
            D_MODEL, HEADS, dim_feedforward=FFN, dropout=0.0, batch_first=True, layer_norm_eps=1e-5
        )
        self.head = nn.Linear(D_MODEL, NUM_CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(x).mean(dim=1))


def build_model(name: str) -> nn.Module:
    """The workload's architecture as `torch.nn` modules."""
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    if name == "convnet":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 5 * 5, NUM_CLASSES),
        )
    if name == "lstm":
        return _LSTMClassifier(WORKLOADS["lstm"].input_shape[-1])
    if name == "transformer":
        return _EncoderClassifier()
    raise ValueError(f"Unknown workload {name!r}.")


def _native_input(name: str, x: np.ndarray) -> torch.Tensor:
    tensor = torch.from_numpy(x)
    if name == "convnet":  # NHWC -> NCHW, once
        tensor = tensor.permute(0, 3, 1, 2).contiguous()
    return tensor


class NativeTorch:
    """One model + optimizer; `epoch()` trains one shuffled pass over the data."""

    def __init__(self, variant: str, name: str, x: np.ndarray, y: np.ndarray) -> None:
        torch.manual_seed(0)
        self.name = name
        self.batch_size = WORKLOADS[name].batch_size
        self.model = build_model(name)
        kind = {"fused": True} if variant == "native_fused" else {"foreach": True}
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=LEARNING_RATE, **kind)
        self.x = _native_input(name, x)
        self.y = torch.from_numpy(y)

    def _step(self, xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        self.optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.model(xb), yb)
        loss.backward()
        self.optimizer.step()
        return loss

    def epoch(self) -> float:
        self.model.train()
        n = self.x.shape[0]
        order = torch.randperm(n)
        loss: Any = None
        for start in range(0, n, self.batch_size):
            index = order[start : start + self.batch_size]
            loss = self._step(self.x[index], self.y[index])
        return float(loss.item())

    def predict(self, x: np.ndarray) -> np.ndarray:
        self.model.eval()
        with torch.inference_mode():
            return self.model(_native_input(self.name, x)).numpy()


def make(variant: str, name: str, x: np.ndarray, y: np.ndarray) -> NativeTorch:
    return NativeTorch(variant, name, x, y)


def eager_linear() -> tuple[Any, Any]:
    """`(call, x)`: the op a `Dense(8)` wraps (`F.linear`) on an 8x8 input."""
    x = torch.ones(8, 8)
    w, b = torch.ones(8, 8), torch.zeros(8)
    return (lambda v: F.linear(v, w, b)), x
