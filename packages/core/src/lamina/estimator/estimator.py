"""`Estimator` and `model_to_estimator`: TensorFlow's Estimator interface over a compiled model."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

from lamina import tree
from lamina.backend import state
from lamina.callbacks.callback import Callback
from lamina.estimator.checkpoints import CheckpointManager
from lamina.estimator.input_fn import ModeKeys, call_input_fn, features_of, split_data
from lamina.estimator.run_config import RunConfig
from lamina.estimator.training_callback import TargetReachedError, TrainingCallback, sync_training_state

logger = logging.getLogger("lamina.estimator")

#: `fit` runs "forever"; the training callback stops it at the target step.
_MANY_EPOCHS = 2**31 - 1
_STEP = re.compile(r"ckpt-(\d+)\.keras$")


def _is_endless(data: Any) -> bool:
    """True for a tf.data.Dataset of infinite cardinality (`dataset.repeat()`)."""
    cardinality = getattr(data, "cardinality", None)
    if cardinality is None or not callable(cardinality):
        return False
    try:
        return int(cardinality()) == -1  # tf.data.INFINITE_CARDINALITY
    except (TypeError, ValueError):
        return False


def _positive_int_or_none(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer or None. Received: {name}={value!r}")
    return value


class _RestoreCallback(Callback):
    """Restores a checkpoint once the model is built (evaluate)."""

    def __init__(self, estimator: Estimator, checkpoint_path: str | None) -> None:
        super().__init__()
        self.estimator = estimator
        self.checkpoint_path = checkpoint_path

    def on_test_begin(self, logs: dict | None = None) -> None:
        self.estimator._restore_latest(self.checkpoint_path)


class Estimator:
    """Trains, evaluates, predicts and exports a compiled model from input functions.

    An Estimator keeps its state in `model_dir`: checkpoints (`.keras`
    files, every `config.save_checkpoints_steps` steps and when `train`
    returns) and the global step. Every method starts from the latest
    checkpoint, so a `train` call that was interrupted (a crash, a
    preempted machine) goes on where it stopped when it is called again
    with the same arguments: from the last checkpoint, at the same position
    in the data (for data of known length, and generators, which are read
    past the batches already used), towards the same final step. The result
    is the model an uninterrupted run gives.

    `input_fn` is a function returning the data: `(features, labels)` or
    `(features, labels, sample_weights)` arrays, features alone, a
    `tf.data.Dataset`, a generator, a `PyDataset` or a torch `DataLoader`
    (the ones yield batches of `(features, labels)`). It may take `mode`
    (a `ModeKeys` value), `params` and `config` arguments. Arrays are cut
    into batches of `batch_size`, in order: shuffling belongs in `input_fn`,
    as with TensorFlow Estimators, so that a resumed run sees the same batches.

    Args:
        model: a compiled Lamina model.
        model_dir: the folder for checkpoints (default: `config.model_dir`,
            else a new temporary folder).
        config: a `RunConfig`.
        distribution: a `lamina.distribution` distribution; its `scope()` is
            entered around training, evaluation and prediction. Create the
            model under the same scope.
        batch_size: the batch size for array data (default 32).
        params: a dict passed to `input_fn`s that take `params`.

    Example:
        ```python
        estimator = lamina.estimator.model_to_estimator(
            model, model_dir="/tmp/run", config=lamina.estimator.RunConfig(save_checkpoints_steps=100)
        )
        estimator.train(lambda: (x_train, y_train), max_steps=1000)
        metrics = estimator.evaluate(lambda: (x_test, y_test))
        export_dir = estimator.export_saved_model("/tmp/export")
        ```
    """

    def __init__(
        self,
        model: Any,
        model_dir: str | os.PathLike | None = None,
        config: RunConfig | None = None,
        distribution: Any = None,
        batch_size: int | None = None,
        params: dict | None = None,
    ) -> None:
        from lamina.models.model import Model

        if not isinstance(model, Model):
            raise TypeError(f"Estimator needs a Lamina model. Received: {type(model).__name__}")
        if config is not None and not isinstance(config, RunConfig):
            raise TypeError(f"`config` must be a lamina.estimator.RunConfig. Received: {type(config).__name__}")
        config = config or RunConfig()
        if model_dir is None:
            model_dir = config.model_dir
        if model_dir is None:
            model_dir = tempfile.mkdtemp(prefix="lamina_estimator_")
            logger.warning("Using a temporary folder as model_dir: %s", model_dir)
        self._model_dir = os.fspath(model_dir)
        self._config = config.replace(model_dir=self._model_dir)
        self._model = model
        self._batch_size = _positive_int_or_none("batch_size", batch_size)
        self._params = dict(params or {})
        self._distribution = _check_distribution(distribution)
        self._checkpoints = CheckpointManager(self._model_dir, self._config.keep_checkpoint_max)
        # The checkpoint the model's weights are known to equal, and its step.
        self._in_sync_with: str | None = None
        self._global_step: int | None = None

    # -- properties --------------------------------------------------------------
    @property
    def model(self) -> Any:
        """The model (holding the weights of the last checkpoint used or written)."""
        return self._model

    @property
    def model_dir(self) -> str:
        return self._model_dir

    @property
    def config(self) -> RunConfig:
        return self._config

    @property
    def params(self) -> dict:
        return dict(self._params)

    @property
    def global_step(self) -> int:
        """The global step of the latest checkpoint in `model_dir` (0 without one)."""
        return self._checkpoints.read().global_step if self.latest_checkpoint() else 0

    def latest_checkpoint(self) -> str | None:
        """The path of the latest checkpoint in `model_dir`, or None."""
        return self._checkpoints.latest_path()

    def get_variable_names(self) -> list[str]:
        """The paths of the model's variables."""
        return [variable.path for variable in self._model.variables]

    def get_variable_value(self, name: str) -> Any:
        """The value (a NumPy array) of variable `name` in the latest checkpoint."""
        self._restore_latest()
        for variable in self._model.variables:
            if variable.path == name:
                return variable.numpy()
        raise ValueError(f"No variable named {name!r}. Variables: {self.get_variable_names()}")

    # -- checkpoints ---------------------------------------------------------------
    def _restore_latest(self, checkpoint_path: str | None = None) -> None:
        """Loads `checkpoint_path` (default: the latest) unless the model already holds it."""
        path = checkpoint_path or self.latest_checkpoint()
        if path is None:
            if self._global_step is None:
                self._global_step = 0
            return
        if path == self._in_sync_with:
            return
        model = self._model
        sync_training_state(model)
        with state.backend_scope(model.backend):
            self._checkpoints.restore(model, path)
        match = _STEP.search(os.path.basename(path))
        self._global_step = int(match.group(1)) if match else self._checkpoints.read().global_step
        self._in_sync_with = path

    def _scope(self) -> Any:
        if self._distribution is None:
            return contextlib.nullcontext()
        return self._distribution.scope()

    def _assert_compiled(self, method: str) -> None:
        if not self._model.compiled:
            raise ValueError(
                f"Estimator.{method} needs a compiled model: call `model.compile(optimizer=..., loss=...)` "
                "before `model_to_estimator`."
            )

    # -- train ---------------------------------------------------------------------
    def train(
        self,
        input_fn: Callable,
        hooks: list | None = None,
        steps: int | None = None,
        max_steps: int | None = None,
    ) -> Estimator:
        """Trains from the latest checkpoint for `steps` steps, or up to global step `max_steps`.

        Without either, trains for one pass over the data `input_fn` returns.

        Args:
            input_fn: a function returning the training data (see the class).
            hooks: Lamina callbacks to pass to `fit`.
            steps: train this many steps more.
            max_steps: train until the global step reaches this.

        Returns:
            The Estimator.
        """
        self._assert_compiled("train")
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps. Pass one of them.")
        steps = _positive_int_or_none("steps", steps)
        max_steps = _positive_int_or_none("max_steps", max_steps)
        index = self._checkpoints.read()
        global_step = index.global_step if index.latest else (self._global_step or 0)
        pending = index.train_call if index.latest else None
        resume = (
            pending is not None
            and pending.get("steps") == steps
            and pending.get("max_steps") == max_steps
            and int(pending.get("start_step", global_step)) <= global_step
        )
        start = int(pending["start_step"]) if resume else global_step
        target = start + steps if steps is not None else max_steps
        if target is not None and global_step >= target:
            logger.info("Skipping training: global step %d already reached %d.", global_step, target)
            if resume:
                index.train_call = None
                self._checkpoints.write_index(index)
            return self
        if resume:
            logger.info("Resuming an interrupted train call from global step %d (started at %d).", global_step, start)
        train_call = {"start_step": start, "steps": steps, "max_steps": max_steps}
        callback = TrainingCallback(self, start, target, train_call)
        x, y, sample_weight = split_data(call_input_fn(input_fn, ModeKeys.TRAIN, self._params, self._config))
        try:
            with self._scope():
                self._model.fit(
                    x,
                    y,
                    sample_weight=sample_weight,
                    batch_size=self._batch_size,
                    # An endless dataset (`dataset.repeat()`, the usual TF input_fn)
                    # needs a length: the whole train call is then one epoch.
                    steps_per_epoch=target - start if target is not None and _is_endless(x) else None,
                    epochs=_MANY_EPOCHS,
                    verbose=0,
                    shuffle=False,
                    callbacks=[callback, *(hooks or [])],
                )
        except TargetReachedError:
            callback.finish()
        except BaseException:
            # The weights in memory are past the last checkpoint: restore next time.
            self._in_sync_with = None
            raise
        self._in_sync_with = self.latest_checkpoint()
        self._global_step = callback.global_step
        return self

    # -- evaluate --------------------------------------------------------------------
    def evaluate(
        self,
        input_fn: Callable,
        steps: int | None = None,
        hooks: list | None = None,
        checkpoint_path: str | None = None,
    ) -> dict:
        """Evaluates the latest checkpoint (or `checkpoint_path`) on `input_fn`'s data.

        Args:
            input_fn: a function returning the evaluation data.
            steps: evaluate this many batches (default: all of them).
            hooks: Lamina callbacks to pass to `evaluate`.
            checkpoint_path: a checkpoint to evaluate instead of the latest.

        Returns:
            A dict of the loss and metrics, and "global_step".
        """
        self._assert_compiled("evaluate")
        steps = _positive_int_or_none("steps", steps)
        x, y, sample_weight = split_data(call_input_fn(input_fn, ModeKeys.EVAL, self._params, self._config))
        restore = _RestoreCallback(self, checkpoint_path)
        with self._scope():
            logs = self._model.evaluate(
                x,
                y,
                batch_size=self._batch_size,
                sample_weight=sample_weight,
                steps=steps,
                verbose=0,
                callbacks=[restore, *(hooks or [])],
                return_dict=True,
            )
        results = dict(logs)
        results["global_step"] = self._global_step or 0
        return results

    # -- predict ---------------------------------------------------------------------
    def predict(
        self,
        input_fn: Callable,
        predict_keys: list[str] | None = None,
        checkpoint_path: str | None = None,
        yield_single_examples: bool = True,
    ) -> Iterator[Any]:
        """Yields the predictions of the latest checkpoint for `input_fn`'s features.

        Args:
            input_fn: a function returning features (labels, if any, are ignored).
            predict_keys: for models with a dict of outputs, the keys to keep.
            checkpoint_path: a checkpoint to use instead of the latest.
            yield_single_examples: yield one example at a time (NumPy arrays,
                in the model's output structure); False yields whole batches.

        Returns:
            A generator of predictions.
        """
        from lamina.trainers.data_adapters.data_adapter_utils import unpack_x_y_sample_weight
        from lamina.trainers.epoch_iterator import EpochIterator

        data = features_of(call_input_fn(input_fn, ModeKeys.PREDICT, self._params, self._config))
        iterator = EpochIterator(data, batch_size=self._batch_size, shuffle=False)
        model = self._model
        restored = False
        for _, batch in iterator:
            x, _, _ = unpack_x_y_sample_weight(batch)
            with self._scope():
                if not restored:
                    if not model.built:
                        model.predict_on_batch(x)  # builds it, so the checkpoint can load
                    self._restore_latest(checkpoint_path)
                    restored = True
                outputs = model.predict_on_batch(x)
            if predict_keys is not None:
                if not isinstance(outputs, dict):
                    raise ValueError(
                        f"`predict_keys` selects outputs of a model with a dict of outputs; model "
                        f"'{model.name}' returns {type(outputs).__name__}. Pass predict_keys=None."
                    )
                outputs = {key: outputs[key] for key in predict_keys}
            if not yield_single_examples:
                yield outputs
                continue
            count = len(tree.flatten(outputs)[0])
            for i in range(count):
                yield tree.map_structure(lambda array, i=i: array[i], outputs)

    # -- export ----------------------------------------------------------------------
    def export_saved_model(
        self,
        export_dir_base: str | os.PathLike,
        serving_input_receiver_fn: Callable | None = None,
        checkpoint_path: str | None = None,
        format: str | None = None,  # noqa: A002 - Keras's argument name
    ) -> str:
        """Exports the latest checkpoint to a new timestamped folder under `export_dir_base`.

        The format is "tf_saved_model" where the model's backend can produce
        it (TensorFlow natively, JAX through jax2tf), else the backend's own
        format: a `torch.export` program `model.pt2` on torch.

        Args:
            export_dir_base: the parent folder of the export.
            serving_input_receiver_fn: optional; returns the input signature
                (a structure of `lamina.InputSpec`/`lamina.export.ExportSpec`)
                for models without `Input`s.
            checkpoint_path: a checkpoint to export instead of the latest.
            format: an export format, to override the default.

        Returns:
            The path of the folder written.
        """
        from lamina.export import export_model
        from lamina.export.registry import find_exporter

        model = self._model
        fmt = format or self._default_export_format()
        signature = None
        if serving_input_receiver_fn is not None:
            signature = serving_input_receiver_fn()
            signature = getattr(signature, "features", signature)
        if not model.built and signature is None:
            raise ValueError(
                f"Model '{model.name}' is not built. Train it first, or pass a `serving_input_receiver_fn` "
                "returning its input specs."
            )
        self._restore_latest(checkpoint_path)
        export_dir = _new_export_dir(os.fspath(export_dir_base))
        exporter = find_exporter(fmt, model.backend.name).load()
        if getattr(exporter, "writes_folder", False):
            target = export_dir
        else:
            os.makedirs(export_dir)
            target = os.path.join(export_dir, f"model{getattr(exporter, 'extension', '')}")
        export_model(model, target, format=fmt, verbose=False, input_signature=signature)
        return export_dir

    def _default_export_format(self) -> str:
        from lamina.export import registry

        backend = self._model.backend.name
        formats = registry.formats_for_backend(backend)
        for candidate in ("tf_saved_model", backend):
            if candidate in formats and not registry.missing_requirements(registry.EXPORTERS.get(formats[candidate])):
                return candidate
        if not formats:
            raise ValueError(f"No exporter is installed for models on the {backend!r} backend.")
        return next(iter(formats))


def _new_export_dir(base: str) -> str:
    stamp = int(time.time())
    while os.path.exists(os.path.join(base, str(stamp))):
        stamp += 1
    return os.path.join(base, str(stamp))


def _check_distribution(distribution: Any) -> Any:
    if distribution is None:
        return None
    if not callable(getattr(distribution, "scope", None)):
        raise TypeError(
            f"`distribution` must be a lamina.distribution distribution (with a `scope()` method). "
            f"Received: {type(distribution).__name__}"
        )
    return distribution


def model_to_estimator(
    model: Any = None,
    model_dir: str | os.PathLike | None = None,
    config: RunConfig | None = None,
    distribution: Any = None,
    model_path: str | os.PathLike | None = None,
    custom_objects: dict | None = None,
    batch_size: int | None = None,
    params: dict | None = None,
) -> Estimator:
    """An `Estimator` over a compiled model (or a `.keras` file holding one).

    If `model_dir` holds checkpoints, the Estimator starts from the latest;
    otherwise from the model's current weights, at global step 0.

    Args:
        model: a compiled Lamina model.
        model_dir: the folder for checkpoints.
        config: a `RunConfig`.
        distribution: a `lamina.distribution` distribution (see `Estimator`).
        model_path: instead of `model`, a `.keras` file saved from a compiled model.
        custom_objects: classes and functions the file at `model_path` needs.
        batch_size: the batch size for array data (default 32).
        params: a dict passed to `input_fn`s that take `params`.

    Returns:
        The Estimator.

    Example:
        ```python
        model.compile(optimizer="adam", loss="mse")
        estimator = lamina.estimator.model_to_estimator(model, model_dir="/tmp/run")
        estimator.train(lambda: (x, y), steps=100)
        ```
    """
    if (model is None) == (model_path is None):
        raise ValueError("Pass exactly one of `model` and `model_path` to model_to_estimator.")
    if model is None:
        from lamina.models import load_model

        model = load_model(model_path, custom_objects=custom_objects)
    if not model.compiled:
        raise ValueError(
            f"model_to_estimator needs a compiled model; model '{model.name}' is not compiled. Call "
            "`model.compile(optimizer=..., loss=...)` first."
        )
    return Estimator(
        model, model_dir=model_dir, config=config, distribution=distribution, batch_size=batch_size, params=params
    )
