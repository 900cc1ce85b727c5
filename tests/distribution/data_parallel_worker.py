"""Trains one model with and without `DataParallel` and writes what the tests compare.

Run by `test_data_parallel.py` in a fresh process (or several, under the
launcher) per backend: `python data_parallel_worker.py OUT_DIR`. The
backend comes from `LAMINA_BACKEND`; for TensorFlow the process first
splits its CPU into two logical devices, for JAX the test sets `XLA_FLAGS`.
Each process writes `OUT_DIR/process_<id>.json`.
"""

from __future__ import annotations

import json
import os
import sys

if os.environ.get("LAMINA_BACKEND") == "tensorflow" and "LAMINA_DISTRIBUTION_NUM_PROCESSES" not in os.environ:
    import tensorflow as tf

    (cpu,) = tf.config.list_physical_devices("CPU")
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import numpy as np

import lamina

SAMPLES, FEATURES, OUTPUTS = 32, 6, 3


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, FEATURES)).astype("float32")
    y = rng.normal(size=(SAMPLES, OUTPUTS)).astype("float32")
    return x, y


# What each replica's training step saw of its inputs (see `ShardProbe`).
SEEN: list = []


class ShardProbe(lamina.layers.Layer):
    """The identity; records how the training step's inputs are split.

    torch and TensorFlow run the step per replica: the probe records the
    rows of the replica's shard. JAX runs it on the global batch: the probe
    records how XLA lays the input out over devices.
    """

    def call(self, inputs, training=None):
        if training:
            backend = os.environ["LAMINA_BACKEND"]
            if backend == "jax":
                import jax

                def record(sharding):
                    SEEN.append(f"devices={sharding.num_devices} replicated={sharding.is_fully_replicated}")

                jax.debug.inspect_array_sharding(inputs, callback=record)
            else:
                SEEN.append(f"rows={inputs.shape[0]}")
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


def make_model() -> lamina.Model:
    """A deterministic model (no dropout) with fixed initial weights."""
    model = lamina.Sequential(
        [
            lamina.Input((FEATURES,)),
            ShardProbe(),
            lamina.layers.Dense(8, activation="tanh"),
            lamina.layers.Dense(OUTPUTS),
        ]
    )
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    return model


def halve_in_second_epoch(epoch: int, learning_rate: float) -> float:
    return learning_rate / 2 if epoch == 1 else learning_rate


def train(model: lamina.Model, batch_size: int, callbacks: list | None = None) -> dict:
    x, y = data()
    # Callbacks run on the chief only; the new learning rate must reach every process.
    callbacks = [*(callbacks or []), lamina.callbacks.LearningRateScheduler(halve_in_second_epoch)]
    history = model.fit(x, y, batch_size=batch_size, epochs=2, shuffle=False, verbose=0, callbacks=callbacks)
    return {
        "history": history.history,
        "weights": [w.tolist() for w in model.get_weights()],
        "evaluate": model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True),
        "predict": model.predict(x, batch_size=batch_size, verbose=0).tolist(),
    }


def main(out_dir: str) -> None:
    if "LAMINA_DISTRIBUTION_NUM_PROCESSES" in os.environ:  # started by the launcher
        lamina.distribution.initialize()
    distribution = lamina.distribution.DataParallel()
    results: dict = {
        "process_id": distribution.process_id,
        "num_processes": distribution.num_processes,
        "num_replicas": distribution.num_replicas,
        "devices": distribution.devices,
    }
    checkpoint = os.path.join(out_dir, f"checkpoint_{distribution.process_id}.weights.h5")
    with distribution.scope():
        model = make_model()
        results["even"] = train(
            model, batch_size=8, callbacks=[lamina.callbacks.ModelCheckpoint(checkpoint, save_weights_only=True)]
        )
        results["seen"] = sorted(set(SEEN))
        # The chief's callback stops training after two batches: every process must stop there.
        stopped = make_model()
        stop = lamina.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: setattr(stopped, "stop_training", batch == 1)
        )
        x, y = data()
        stopped.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, callbacks=[stop])
        results["steps_before_stop"] = int(lamina.ops.convert_to_numpy(stopped.optimizer.iterations))
        # Statistics updated by the step (batch normalization), and a callback on
        # the chief reading the weights mid-epoch: training goes on everywhere.
        normalized = lamina.Sequential(
            [lamina.Input((FEATURES,)), lamina.layers.BatchNormalization(), lamina.layers.Dense(OUTPUTS)]
        )
        normalized.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
        mid_epoch = os.path.join(out_dir, f"mid_epoch_{distribution.process_id}.weights.h5")
        normalized.fit(
            x,
            y,
            batch_size=8,
            epochs=2,
            shuffle=False,
            verbose=0,
            callbacks=[lamina.callbacks.ModelCheckpoint(mid_epoch, save_weights_only=True, save_freq=2)],
        )
        results["normalized_weights"] = [w.tolist() for w in normalized.get_weights()]
        results["normalized_trainable"] = [v.numpy().tolist() for v in normalized.trainable_variables]
        # 32 samples in batches of 7: shards of 4 and 3 rows, then 2 and 2.
        results["uneven"] = train(make_model(), batch_size=7)
    SEEN.clear()
    if distribution.is_chief:
        results["reference_even"] = train(make_model(), batch_size=8)
        results["reference_uneven"] = train(make_model(), batch_size=7)
    results["reference_seen"] = sorted(set(SEEN))
    with open(os.path.join(out_dir, f"process_{distribution.process_id}.json"), "w") as file:
        json.dump(results, file)


if __name__ == "__main__":
    main(sys.argv[1])
