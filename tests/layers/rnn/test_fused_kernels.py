"""LSTM and GRU through a backend's fused kernel (`Backend.fused_lstm` /
`fused_gru`: torch's `torch.lstm` / `torch.gru`, TensorFlow's unrolled LSTM
inside compiled steps) give the generic loop's outputs, states and gradients,
eagerly and in compiled `predict`/`train` steps; masks, dropout and other
activations keep the generic loop."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina import layers

CASES = [
    (layers.LSTM, {}),
    (layers.LSTM, {"go_backwards": True, "return_sequences": True, "return_state": True}),
    (layers.LSTM, {"use_bias": False, "return_state": True}),
    (layers.GRU, {}),
    (layers.GRU, {"go_backwards": True, "return_sequences": True, "return_state": True}),
    (layers.GRU, {"use_bias": False, "return_sequences": True}),
]


class Spy:
    """Counts the backend's fused-kernel calls that returned a result."""

    def __init__(self, backend: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.used = 0
        for name in ("fused_lstm", "fused_gru"):
            original = getattr(backend, name)

            def spy(*args: Any, _original: Any = original) -> Any:
                result = _original(*args)
                self.used += result is not None
                return result

            monkeypatch.setattr(backend, name, spy)


def pair(cls: Any, kwargs: dict) -> tuple[keras.Model, keras.Model]:
    rng = np.random.default_rng(0)
    models = []
    for use_cudnn in ("auto", False):
        model = keras.Sequential([keras.Input((7, 5)), cls(6, use_cudnn=use_cudnn, **kwargs)])
        models.append(model)
    weights = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in models[0].get_weights()]
    for model in models:
        model.set_weights(weights)
    return models[0], models[1]


@pytest.mark.parametrize("cls,kwargs", CASES)
def test_fused_kernel_matches_the_generic_loop(
    backend: Any, monkeypatch: pytest.MonkeyPatch, cls: Any, kwargs: dict
) -> None:
    spy = Spy(backend, monkeypatch)
    fused, generic = pair(cls, kwargs)
    x = np.random.default_rng(1).normal(size=(4, 7, 5)).astype("float32")
    for got, want in ((fused(x), generic(x)), (fused.predict_on_batch(x), generic.predict_on_batch(x))):
        for a, b in zip(keras.tree.flatten(got), keras.tree.flatten(want)):
            np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), atol=1e-5)
    # One training step each: the same gradients reach the variables.
    if not kwargs.get("return_state"):
        y = np.random.default_rng(2).normal(size=keras.ops.shape(generic(x))).astype("float32")
        for model in (fused, generic):
            model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
            model.train_on_batch(x, y)
        for a, b in zip(fused.get_weights(), generic.get_weights()):
            np.testing.assert_allclose(a, b, atol=1e-5)
    if backend.name == "torch" or (backend.name == "tensorflow" and cls is layers.LSTM):
        assert spy.used, f"{backend.name} should have run its fused {cls.__name__}"


@pytest.mark.parametrize(
    "cls,kwargs,call",
    [
        (layers.LSTM, {"activation": "relu"}, {}),
        (layers.LSTM, {"dropout": 0.5}, {"training": True}),
        (layers.GRU, {"reset_after": False}, {}),
        (layers.GRU, {}, {"mask": np.array([[True] * 5 + [False] * 2] * 4)}),
        (layers.LSTM, {"unroll": True}, {}),
    ],
)
def test_other_configurations_keep_the_generic_loop(
    backend: Any, monkeypatch: pytest.MonkeyPatch, cls: Any, kwargs: dict, call: dict
) -> None:
    spy = Spy(backend, monkeypatch)
    layer = cls(3, seed=1, **kwargs)
    layer(np.ones((4, 7, 5), "float32"), **call)
    assert spy.used == 0
