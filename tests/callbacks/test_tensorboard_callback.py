"""The TensorBoard callback writes event files that TensorBoard's own reader understands."""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
import pytest

import lamina

pytest.importorskip("tensorboardX", reason="the TensorBoard callback writes with tensorboardX")
event_accumulator = pytest.importorskip(
    "tensorboard.backend.event_processing.event_accumulator", reason="the events are read back with tensorboard"
)


def _read(directory: str) -> Any:
    accumulator = event_accumulator.EventAccumulator(
        directory, size_guidance={"scalars": 0, "histograms": 0, "tensors": 0, "images": 0}
    )
    accumulator.Reload()
    return accumulator


def _scalars(accumulator: Any, tag: str) -> tuple[list[int], list[float]]:
    events = accumulator.Scalars(tag)
    return [e.step for e in events], [e.value for e in events]


def test_tensorboard_scalars_histograms_and_model(trainable_backend: Any, tmp_path: Any) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    inputs = lamina.Input((3,))
    outputs = lamina.layers.Dense(1)(lamina.layers.Dense(4)(inputs))
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer=lamina.optimizers.SGD(0.01), loss="mse", metrics=["mae"])
    callback = lamina.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=1, update_freq=2, write_images=True)
    history = model.fit(x, y, batch_size=8, epochs=2, validation_data=(x[:16], y[:16]), verbose=0, callbacks=[callback])

    train = _read(os.path.join(tmp_path, "train"))
    tags = train.Tags()
    for tag in ("epoch_loss", "epoch_mae", "epoch_learning_rate", "batch_loss", "batch_mae"):
        assert tag in tags["scalars"], tags["scalars"]
    steps, values = _scalars(train, "epoch_loss")
    assert steps == [0, 1]
    np.testing.assert_allclose(values, history.history["loss"], rtol=1e-5)
    steps, values = _scalars(train, "epoch_learning_rate")
    np.testing.assert_allclose(values, [0.01, 0.01], rtol=1e-6)
    # 4 batches per epoch, every 2nd batch (counted over the whole run).
    assert _scalars(train, "batch_loss")[0] == [2, 4, 6, 8]

    kernel_paths = [w.path.replace(":", "_") for layer in model.layers for w in layer.weights]
    for path in kernel_paths:
        assert f"{path}/histogram" in tags["histograms"], tags["histograms"]
        events = train.Histograms(f"{path}/histogram")
        assert [e.step for e in events] == [0, 1]
    histogram = train.Histograms(f"{kernel_paths[0]}/histogram")[-1].histogram_value
    assert histogram.num == model.layers[1].weights[0].numpy().size
    assert any(tag.endswith("/image") for tag in tags["images"])

    assert "keras" in tags["tensors"]
    config = json.loads(train.Tensors("keras")[0].tensor_proto.string_val[0])
    assert config["class_name"] == "Functional"

    validation = _read(os.path.join(tmp_path, "validation"))
    steps, values = _scalars(validation, "epoch_loss")
    assert steps == [0, 1]
    np.testing.assert_allclose(values, history.history["val_loss"], rtol=1e-5)
    steps, values = _scalars(validation, "evaluation_loss_vs_iterations")
    assert steps == [4, 8]
    np.testing.assert_allclose(values, history.history["val_loss"], rtol=1e-5)


def test_tensorboard_epoch_only_writes_no_batch_scalars(trainable_backend: Any, tmp_path: Any) -> None:
    x = np.ones((16, 2), "float32")
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x[:, :1], batch_size=4, epochs=1, verbose=0, callbacks=[lamina.callbacks.TensorBoard(str(tmp_path))])
    train = _read(os.path.join(tmp_path, "train"))
    scalars = train.Tags()["scalars"]
    assert "epoch_loss" in scalars
    assert not any(tag.startswith("batch_") for tag in scalars)


def test_tensorboard_rejects_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="update_freq"):
        lamina.callbacks.TensorBoard(update_freq="sometimes")
    with pytest.raises(ValueError, match="profile_batch"):
        lamina.callbacks.TensorBoard(profile_batch=2)
