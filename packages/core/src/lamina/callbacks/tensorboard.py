"""`TensorBoard`: writes training logs and weight histograms as TensorBoard event files.

Event files are written with `tensorboardX` (a maintained writer that needs
neither TensorFlow nor PyTorch), so the callback works on every backend:
`pip install tensorboardX`, then `tensorboard --logdir logs`.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Any

import numpy as np

from lamina.callbacks._state_sync import sync_training_state
from lamina.callbacks.callback import Callback
from lamina.callbacks.callback_list import pythonify_logs


def _summary_writer_class() -> Any:
    try:
        from tensorboardX import SummaryWriter
    except ImportError:
        raise ImportError(
            "The TensorBoard callback writes event files with tensorboardX, which is not installed. "
            "Install it with `pip install tensorboardX` (and `pip install tensorboard` to view the logs)."
        ) from None
    return SummaryWriter


class TensorBoard(Callback):
    """Logs scalars (per epoch and per batch), weight histograms and the model to TensorBoard.

    Training values go to `log_dir/train`, validation values to
    `log_dir/validation`, with the tags Keras uses: `epoch_<name>` at each
    epoch (step = epoch index), `batch_<name>` every `update_freq` batches
    (step = batch count), `<weight path>/histogram` every `histogram_freq`
    epochs, and `evaluation_<name>_vs_iterations` after each evaluation.

    Args:
        log_dir: the folder of the event files.
        histogram_freq: write weight histograms every this many epochs (0: never).
        write_graph: write the model's configuration (TensorBoard's "Keras"
            conceptual graph). Op-level graphs are not written: the
            compiled step of each backend has no TensorBoard graph form.
        write_images: write 1D/2D weights as images with the histograms.
        write_steps_per_second: also log training steps per second.
        update_freq: "epoch", "batch" or an integer N: batch-level scalars
            every N batches.
        profile_batch: profiling is not supported; must be 0.
        embeddings_freq: save the weights every this many epochs (0: never),
            for TensorBoard's projector.
        embeddings_metadata: accepted for Keras compatibility.

    Example:
        ```python
        tensorboard = lamina.callbacks.TensorBoard(log_dir="logs", histogram_freq=1, update_freq="batch")
        model.fit(x, y, epochs=5, callbacks=[tensorboard])
        # then: tensorboard --logdir logs
        ```
    """

    _raw_logs = True  # batch logs arrive unconverted; they are converted only when written

    def __init__(
        self,
        log_dir: str | os.PathLike = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: Any = "epoch",
        profile_batch: Any = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: Any = None,
    ) -> None:
        super().__init__()
        if update_freq not in ("epoch", "batch") and (
            not isinstance(update_freq, int) or isinstance(update_freq, bool) or update_freq < 1
        ):
            raise ValueError(
                f"`update_freq` must be 'epoch', 'batch' or a positive integer. Received: update_freq={update_freq!r}"
            )
        if not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(f"`histogram_freq` must be a non-negative integer. Received: {histogram_freq!r}")
        if profile_batch:
            raise ValueError(
                f"Profiling is not available in Lamina's TensorBoard callback. Received: profile_batch={profile_batch} "
                "(must be 0). Use your backend's profiler (jax.profiler, torch.profiler, tf.profiler) directly."
            )
        _summary_writer_class()  # fail at construction if the writer is missing
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._writers: dict[str, Any] = {}
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._epoch_start_iterations = 0.0
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")

    # -- writers -------------------------------------------------------------------------
    def _writer(self, which: str) -> Any:
        if which not in self._writers:
            directory = self._train_dir if which == "train" else self._val_dir
            self._writers[which] = _summary_writer_class()(logdir=directory)
        return self._writers[which]

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _scalars(self, which: str, prefix: str, logs: dict, step: int) -> None:
        writer = self._writer(which)
        for name, value in logs.items():
            array = np.asarray(value)
            if array.size != 1 or not np.issubdtype(array.dtype, np.number):
                continue  # per-class results and strings are not scalars
            writer.add_scalar(f"{prefix}{name}", float(array.reshape(())), global_step=step)

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        self._writers = {}
        if self.write_graph:
            self._write_model_config()

    def _write_model_config(self) -> None:
        """Writes the model's JSON config, shown by TensorBoard's Graphs tab as a Keras model."""
        model = self.model
        if type(model).__name__ not in ("Functional", "Sequential") or not hasattr(model, "to_json"):
            return
        try:
            config = model.to_json()
        except Exception as error:  # noqa: BLE001 - as Keras: a model that cannot serialize is skipped
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {error}", stacklevel=2)
            return
        from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata
        from tensorboardX.proto.tensor_pb2 import TensorProto
        from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto

        metadata = SummaryMetadata(
            plugin_data=SummaryMetadata.PluginData(plugin_name="graph_keras_model", content=b"1")
        )
        tensor = TensorProto(dtype=7, string_val=[config.encode("utf-8")], tensor_shape=TensorShapeProto())  # DT_STRING
        summary = Summary(value=[Summary.Value(tag="keras", metadata=metadata, tensor=tensor)])
        writer = self._writer("train")
        writer._get_file_writer().add_summary(summary, global_step=0)
        writer.flush()

    # -- training --------------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        self._global_train_batch = 0

    def on_train_end(self, logs: dict | None = None) -> None:
        self._close_writers()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.write_steps_per_second:
            self._epoch_start_time = time.time()
            self._epoch_start_iterations = self._iterations()

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq != 0:
            return
        step = self._global_train_batch
        values = pythonify_logs(logs)
        if self.write_steps_per_second:
            values["steps_per_second"] = 1.0 / max(time.time() - self._batch_start_time, 1e-9)
        self._scalars("train", "batch_", values, step)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = dict(logs or {})
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            from lamina import ops

            train_logs["learning_rate"] = float(ops.convert_to_numpy(optimizer.learning_rate))
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train_logs["steps_per_second"] = (self._iterations() - self._epoch_start_iterations) / elapsed
        if train_logs:
            self._scalars("train", "epoch_", train_logs, epoch)
        if val_logs:
            self._scalars("validation", "epoch_", val_logs, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            path = os.path.join(self._train_dir, f"keras_embedding.ckpt-{epoch}.weights.h5")
            self.model.save_weights(path)
        for writer in self._writers.values():
            writer.flush()

    def _iterations(self) -> float:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return 0.0
        from lamina import ops

        return float(ops.convert_to_numpy(optimizer.iterations))

    def _log_weights(self, epoch: int) -> None:
        sync_training_state(self.model)
        writer = self._writer("train")
        for layer in getattr(self.model, "layers", []):
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = np.asarray(weight.numpy())
                writer.add_histogram(f"{name}/histogram", values.astype("float64"), global_step=epoch)
                if self.write_images:
                    self._log_weight_as_image(writer, values, f"{name}/image", epoch)

    @staticmethod
    def _log_weight_as_image(writer: Any, values: np.ndarray, tag: str, epoch: int) -> None:
        image = np.squeeze(values)
        if image.ndim == 1:
            image = image[None, :]
        if image.ndim != 2:
            return
        if image.shape[0] > image.shape[1]:
            image = image.T
        low, high = float(image.min()), float(image.max())
        scaled = (image - low) / (high - low) if high > low else np.zeros_like(image)
        writer.add_image(tag, scaled.astype("float32"), global_step=epoch, dataformats="HW")

    # -- evaluation ------------------------------------------------------------------------
    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._global_test_batch += 1

    def on_test_end(self, logs: dict | None = None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not logs:
            return
        step = int(self._iterations())
        writer = self._writer("validation")
        for name, value in pythonify_logs(logs).items():
            array = np.asarray(value)
            if array.size == 1 and np.issubdtype(array.dtype, np.number):
                writer.add_scalar(f"evaluation_{name}_vs_iterations", float(array.reshape(())), global_step=step)
        writer.flush()
