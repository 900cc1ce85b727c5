"""`Trainer`: compile, fit, evaluate and predict — the loop, written once.

The loop (epochs, batching, validation, callbacks, progress, history) lives
here. Each step runs a function compiled by the model's backend
(`Backend.make_step_functions`), which calls `train_step`, `test_step` or
`predict_step`: the backend's defaults unless the user overrides them.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from lamina import optimizers as optimizers_module
from lamina import tree
from lamina.backend import state
from lamina.backend.symbolic import SymbolicTensor, compute_output_spec
from lamina.callbacks.callback_list import CallbackList, pythonify_logs
from lamina.callbacks.history import History
from lamina.callbacks.progbar_logger import ProgbarLogger
from lamina.distribution import trainer_hooks as distribution_hooks
from lamina.metrics.reduction_metrics import Mean
from lamina.trainers import run_limits
from lamina.trainers.compile_utils import CompileLoss, CompileMetrics
from lamina.trainers.data_adapters import data_adapter_utils
from lamina.trainers.epoch_iterator import EpochIterator


class Trainer:
    """The training API of `Model` (mixed into it)."""

    def _init_trainer(self) -> None:
        self.compiled = False
        self.optimizer: Any = None
        self._compile_loss: CompileLoss | None = None
        self._compile_metrics: CompileMetrics | None = None
        self._loss_tracker: Mean | None = None
        self._compile_config: dict | None = None
        self._step_functions: Any = None
        self._run_eagerly = False
        self._jit_compile: Any = "auto"
        self.steps_per_execution = 1
        self.stop_training = False
        self.history: History | None = None
        # Set by callbacks in `on_train_begin` (BackupAndRestore) to resume a
        # run: fit starts at this epoch and skips this many batches of it.
        self._initial_epoch: int | None = None
        self._initial_step: int | None = None

    # -- compile ---------------------------------------------------------------
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile: Any = "auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Configures the model for training.

        Args:
            optimizer: name ("adam", "sgd", "rmsprop", ...) or optimizer instance.
            loss: name, function or `Loss`; a list or dict for several outputs.
            loss_weights: scalar weights of each output's loss (list or dict).
            metrics: names, functions or `Metric`s ("accuracy" picks the right
                variant from the loss and shapes); lists or dicts per output.
            weighted_metrics: metrics that take `sample_weight` into account.
            run_eagerly: run steps without compilation (for debugging).
            steps_per_execution: batches run between two calls of the batch-level
                callbacks (and progress-bar updates); they see the logs after the
                last batch of each group, as in Keras.
            jit_compile: "auto", True or False: compile with XLA (JAX, TF) or
                `torch.compile` (torch, only when True).

        Example:
            ```python
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            ```
        """
        with state.backend_scope(self._backend):
            self.optimizer = optimizers_module.get(optimizer)
            if (
                auto_scale_loss
                and self.optimizer is not None
                and self.dtype_policy.name == "mixed_float16"
                and not isinstance(self.optimizer, optimizers_module.LossScaleOptimizer)
            ):
                # As Keras: float16 training scales the loss dynamically.
                self.optimizer = optimizers_module.LossScaleOptimizer(self.optimizer, name="loss_scale_optimizer")
            output_names = self._compile_output_names()
            self._compile_loss = CompileLoss(loss, loss_weights, output_names) if loss is not None else None
            self._compile_metrics = (
                CompileMetrics(metrics, weighted_metrics, output_names)
                if metrics is not None or weighted_metrics is not None
                else None
            )
            self._loss_tracker = Mean(name="loss")
        if isinstance(steps_per_execution, bool) or not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError(
                f"`steps_per_execution` must be a positive integer; received {steps_per_execution!r}. "
                "Pass the number of batches to run between two calls of the batch-level callbacks."
            )
        self._run_eagerly = bool(run_eagerly)
        self._jit_compile = jit_compile
        self.steps_per_execution = steps_per_execution
        self.compiled = True
        self._step_functions = None
        from lamina.saving.serialization import serialize_keras_object

        self._compile_config = {
            "optimizer": serialize_keras_object(self.optimizer),
            "loss": serialize_keras_object(loss),
            "loss_weights": serialize_keras_object(loss_weights),
            "metrics": serialize_keras_object(metrics),
            "weighted_metrics": serialize_keras_object(weighted_metrics),
            "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }

    def _compile_output_names(self) -> list[str]:
        names = getattr(self, "output_names", None)
        return list(names) if names else ["output"]

    def get_compile_config(self) -> dict | None:
        """The arguments of the last `compile` call, serialized (saved with the model)."""
        return dict(self._compile_config) if self.compiled and self._compile_config else None

    def compile_from_config(self, config: dict) -> None:
        """Compiles the model from `get_compile_config()`'s output."""
        from lamina.saving.serialization import deserialize_keras_object

        config = dict(config)
        optimizer = deserialize_keras_object(config.pop("optimizer", "rmsprop"))
        loss = deserialize_keras_object(config.pop("loss", None))
        self.compile(
            optimizer=optimizer,
            loss=loss,
            loss_weights=config.get("loss_weights"),
            metrics=config.get("metrics"),
            weighted_metrics=config.get("weighted_metrics"),
            run_eagerly=config.get("run_eagerly", False),
            steps_per_execution=config.get("steps_per_execution", 1),
            jit_compile=config.get("jit_compile", "auto"),
        )

    @property
    def run_eagerly(self) -> bool:
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        self._run_eagerly = bool(value)
        self._step_functions = None

    @property
    def jit_compile(self) -> Any:
        return self._jit_compile

    @jit_compile.setter
    def jit_compile(self, value: Any) -> None:
        self._jit_compile = value
        self._step_functions = None

    def _assert_compiled(self, method: str) -> None:
        if not self.compiled:
            raise ValueError(
                f"You must call `compile()` before calling `{method}()`, e.g. "
                "`model.compile(optimizer='adam', loss='mse')`."
            )

    # -- metrics -----------------------------------------------------------------
    @property
    def metrics(self) -> list:
        """The loss tracker, compiled metrics and metrics tracked by layers."""
        cache = self.__dict__.get("_structure_cache")
        if cache is not None:
            found = cache.get("metrics")
            if found is None:
                found = cache["metrics"] = self._collect_metrics()
            return found
        return self._collect_metrics()

    def _collect_metrics(self) -> list:
        found = []
        if self.compiled:
            if self._loss_tracker is not None:
                found.append(self._loss_tracker)
            if self._compile_loss is not None:
                found.extend(self._compile_loss.metrics)
            if self._compile_metrics is not None:
                found.append(self._compile_metrics)
        found.extend(self._metrics)
        for layer in self._flatten_layers(include_self=False):
            if isinstance(layer, Trainer):
                continue
            found.extend(layer._metrics)
        return found

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self) -> list:
        return [v for metric in self.metrics for v in metric.variables]

    def reset_metrics(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def compute_loss(
        self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None, training: bool = True
    ) -> Any:
        """The total loss of a batch: compiled loss plus `self.losses`.

        Override to customize the loss while keeping the default `train_step`.
        """
        from lamina import ops

        total = None
        if self._compile_loss is not None:
            total = self._compile_loss(y, y_pred, sample_weight)
        for extra in self.losses:
            extra = ops.cast(extra, "float32")
            total = extra if total is None else ops.add(total, extra)
        if total is None:
            if self._compile_loss is None:
                raise ValueError(
                    "No loss to compute. Provide a `loss` argument in `compile()`, or add "
                    "losses in your model with `self.add_loss()`."
                )
            return ops.zeros(())
        return total

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict:
        """Updates the compiled metrics with a batch and returns all results."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """Current results of `self.metrics`, flattened into one dict."""
        logs = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[metric.name] = result
        return logs

    # -- steps (defaults come from the backend) ---------------------------------
    def _get_step_functions(self) -> Any:
        # Under a `lamina.distribution` distribution, the backend's distributed
        # steps; they are made again when the current distribution changes.
        distribution = distribution_hooks.active_distribution(self)
        steps = self._step_functions
        if steps is None or getattr(steps, "distribution", None) is not distribution:
            if steps is not None:
                steps.sync_to_variables()
            self._step_functions = distribution_hooks.make_step_functions(self, distribution)
        return self._step_functions

    def train_step(self, *args: Any) -> Any:
        """One training step; the backend's default unless overridden."""
        return self._get_step_functions().train_step(*args)

    def test_step(self, *args: Any) -> Any:
        """One evaluation step; the backend's default unless overridden."""
        return self._get_step_functions().test_step(*args)

    def predict_step(self, *args: Any) -> Any:
        """One prediction step; the backend's default unless overridden."""
        return self._get_step_functions().predict_step(*args)

    # -- building before the first step -----------------------------------------
    def _symbolic_build(self, batch: Any) -> None:
        """Builds the model, compiled loss, metrics and optimizer from a data batch."""
        x, y, sample_weight = data_adapter_utils.unpack_x_y_sample_weight(batch)
        if not self.built or getattr(self, "_needs_output_spec", False):
            self._build_from_data(x)
        if self._compile_loss is None and self._compile_metrics is None and self.optimizer is None:
            return
        needs = (self._compile_loss is not None and not self._compile_loss.built) or (
            self._compile_metrics is not None and not self._compile_metrics.built
        )
        if needs and y is not None:
            y_pred = self._output_spec_for(x)
            with state.backend_scope(self._backend):
                if self._compile_loss is not None and not self._compile_loss.built:
                    self._compile_loss.build(y, y_pred)
                if self._compile_metrics is not None and not self._compile_metrics.built:
                    self._compile_metrics.build(y, y_pred)
                    # Metrics that size their state from the first batch (F1Score,
                    # R2Score) create it now, before any step is compiled.
                    compute_output_spec(
                        self._backend,
                        self._compile_metrics.update_state,
                        self._spec_of(y),
                        y_pred,
                        self._spec_of(sample_weight),
                    )
        if self.optimizer is not None and not self.optimizer.built:
            with state.backend_scope(self._backend):
                self.optimizer.build(self.trainable_variables)

    def _spec_of(self, x: Any) -> Any:
        from lamina.backend import dtypes

        def spec(leaf: Any) -> Any:
            if leaf is None or not hasattr(leaf, "shape"):
                return leaf
            shape = (None,) + tuple(leaf.shape[1:])
            return SymbolicTensor(shape, dtypes.standardize_dtype(leaf.dtype))

        return tree.map_structure(spec, x)

    def _build_from_data(self, x: Any) -> None:
        try:
            self._output_spec_for(x)
        except Exception:  # noqa: BLE001 - fall back to an eager call, as Keras does
            with state.backend_scope(self._backend):
                self(x, training=False)
        self.built = True

    def _output_spec_for(self, x: Any) -> Any:
        with state.backend_scope(self._backend):
            return self(self._spec_of(x), training=False)

    # -- fit / evaluate / predict -------------------------------------------------
    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: Any = "auto",
        callbacks: list | None = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: Any = True,
        class_weight: dict | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int = 1,
    ) -> History:
        """Trains the model for `epochs` epochs; returns a `History`.

        Example:
            ```python
            history = model.fit(x_train, y_train, batch_size=32, epochs=5, validation_split=0.1)
            ```
        """
        self._assert_compiled("fit")
        if x is None:
            raise ValueError("`fit` needs training data: pass `x` (and `y`).")
        epochs = run_limits.cap_epochs(epochs)  # lamina.config.set_max_epochs
        if validation_split and validation_data is None:
            arrays = (
                data_adapter_utils.to_arrays(x),
                data_adapter_utils.to_arrays(y),
                data_adapter_utils.to_arrays(sample_weight),
            )
            (x, y, sample_weight), validation_data = data_adapter_utils.train_validation_split(arrays, validation_split)
        iterator = EpochIterator(
            x,
            y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
        validation_iterator = None
        if validation_data is not None:
            val_x, val_y, val_sw = data_adapter_utils.unpack_x_y_sample_weight(validation_data)
            validation_iterator = EpochIterator(
                val_x,
                val_y,
                sample_weight=val_sw,
                batch_size=validation_batch_size or batch_size,
                steps_per_epoch=validation_steps,
                shuffle=False,
            )
        verbose = _resolve_verbose(verbose)
        history = History()
        callback_list = distribution_hooks.callback_list(
            list(callbacks or []) + ([ProgbarLogger(verbose)] if verbose else []) + [history],
            model=self,
            epochs=epochs,
            steps=iterator.num_batches,
            verbose=verbose,
        )
        with state.backend_scope(self._backend):
            self._symbolic_build(iterator.peek())
            steps = self._get_step_functions()
            train_function = steps.make_train_function()
            with self._freeze_structure():
                self.stop_training = False
                self._initial_epoch = self._initial_step = None
                callback_list.on_train_begin()
                if self._initial_epoch is not None:
                    initial_epoch = self._initial_epoch
                skip_steps = self._initial_step or 0
                epoch_logs: dict = {}
                for epoch in range(initial_epoch, epochs):
                    self.reset_metrics()
                    callback_list.on_epoch_begin(epoch)
                    # After the callbacks, which may change weights or the learning rate.
                    steps.begin_epoch()
                    logs: dict = {}
                    # Steps done before an interrupted run (BackupAndRestore) are skipped.
                    remaining = ((step, batch) for step, batch in iterator if step >= skip_steps)
                    for first, last, batches in _executions(remaining, self.steps_per_execution):
                        callback_list.on_train_batch_begin(first)
                        for batch in batches:
                            logs = train_function(batch)
                        callback_list.on_train_batch_end(last, logs)
                        if self.stop_training:
                            break
                    steps.sync_to_variables()
                    if not logs and skip_steps:
                        logs = self.get_metrics_result()
                    skip_steps = 0
                    if not logs:
                        if epoch > initial_epoch:
                            warnings.warn(
                                "Your input ran out of data; interrupting training. Make sure the data can "
                                f"generate at least `steps_per_epoch * epochs` batches (here {epochs} epochs).",
                                stacklevel=2,
                            )
                            break
                        raise ValueError(
                            "The training data produced no batches. Check `x`, `batch_size` and `steps_per_epoch`."
                        )
                    epoch_logs = pythonify_logs(steps.final_logs(logs))
                    if validation_iterator is not None and _should_validate(epoch, validation_freq):
                        validation_logs = self._evaluate_iterator(validation_iterator, callback_list, inside_fit=True)
                        epoch_logs.update({f"val_{name}": value for name, value in validation_logs.items()})
                    callback_list.on_epoch_end(epoch, epoch_logs)
                    if self.stop_training:
                        break
                if self.optimizer is not None:
                    # EMA weights (use_ema without an overwrite frequency) go into the model now.
                    self.optimizer.finalize_variable_values(self.trainable_variables)
                callback_list.on_train_end(epoch_logs)
        self.history = history
        return history

    def _evaluate_iterator(
        self, iterator: EpochIterator, callback_list: CallbackList, inside_fit: bool = False
    ) -> dict:
        steps = self._get_step_functions()
        test_function = steps.make_test_function()
        self.reset_metrics()
        if inside_fit:
            iterator.reset()
        callback_list.params["inside_fit"] = inside_fit
        callback_list.on_test_begin()
        steps.begin_epoch()
        logs: dict = {}
        for first, last, batches in _executions(iterator, self.steps_per_execution):
            callback_list.on_test_batch_begin(first)
            for batch in batches:
                logs = test_function(batch)
            callback_list.on_test_batch_end(last, logs)
        steps.sync_to_variables()
        if not logs:
            raise ValueError("The evaluation data produced no batches.")
        logs = pythonify_logs(steps.final_logs(logs))
        callback_list.on_test_end(logs)
        callback_list.params["inside_fit"] = False
        return logs

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: Any = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: list | None = None,
        return_dict: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Returns the loss and metrics on `x`, `y` (a list, or a dict with `return_dict`)."""
        self._assert_compiled("evaluate")
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        if x is None:
            raise ValueError("`evaluate` needs data: pass `x` (and `y`).")
        iterator = EpochIterator(
            x, y, sample_weight=sample_weight, batch_size=batch_size, steps_per_epoch=steps, shuffle=False
        )
        verbose = _resolve_verbose(verbose)
        callback_list = distribution_hooks.callback_list(
            list(callbacks or []) + ([ProgbarLogger(verbose)] if verbose else []),
            model=self,
            steps=iterator.num_batches,
            verbose=verbose,
            epochs=1,
        )
        with state.backend_scope(self._backend):
            self._symbolic_build(iterator.peek())
            with self._freeze_structure():
                logs = self._evaluate_iterator(iterator, callback_list)
        if return_dict:
            return logs
        values = [logs[name] for name in self._result_names(logs)]
        return values[0] if len(values) == 1 else values

    def _result_names(self, logs: dict) -> list[str]:
        ordered = [name for name in ("loss",) if name in logs]
        ordered += [name for name in logs if name not in ordered]
        return ordered

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: Any = "auto",
        steps: int | None = None,
        callbacks: list | None = None,
    ) -> Any:
        """Returns the model's outputs for `x` as NumPy arrays, batch by batch.

        Example:
            ```python
            probabilities = model.predict(x_test, batch_size=256)
            ```
        """
        iterator = EpochIterator(x, batch_size=batch_size, steps_per_epoch=steps, shuffle=False)
        verbose = _resolve_verbose(verbose)
        callback_list = distribution_hooks.callback_list(
            list(callbacks or []) + ([ProgbarLogger(verbose)] if verbose else []),
            model=self,
            steps=iterator.num_batches,
            verbose=verbose,
            epochs=1,
        )
        outputs: list = []
        with state.backend_scope(self._backend):
            if not self.built:
                self._build_from_data(data_adapter_utils.unpack_x_y_sample_weight(iterator.peek())[0])
            predict_function = self._get_step_functions().make_predict_function()
            callback_list.on_predict_begin()
            with self._freeze_structure():
                for first, last, batches in _executions(iterator, self.steps_per_execution):
                    callback_list.on_predict_batch_begin(first)
                    for batch in batches:
                        batch_outputs = predict_function(batch)
                        outputs.append(tree.map_structure(self._backend.core.convert_to_numpy, batch_outputs))
                    callback_list.on_predict_batch_end(last, {"outputs": None})
            callback_list.on_predict_end()
        if not outputs:
            raise ValueError("The prediction data produced no batches.")
        return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: dict | None = None,
        return_dict: bool = False,
    ) -> Any:
        """Runs one training step on one batch; returns the loss and metrics."""
        self._assert_compiled("train_on_batch")
        if class_weight is not None and sample_weight is not None:
            raise ValueError(
                "Arguments `sample_weight` and `class_weight` cannot be specified at the same time. "
                "Fold the class weights into `sample_weight`."
            )
        if class_weight is not None:
            weights = data_adapter_utils.class_weight_to_sample_weights(np.asarray(y), class_weight)
            sample_weight = weights if sample_weight is None else np.asarray(sample_weight) * weights
        batch = data_adapter_utils.to_arrays(data_adapter_utils.pack_x_y_sample_weight(x, y, sample_weight))
        with state.backend_scope(self._backend):
            self._symbolic_build(batch)
            self.reset_metrics()
            steps = self._get_step_functions()
            steps.begin_epoch()
            logs = steps.make_train_function()(batch)
            steps.sync_to_variables()
            logs = pythonify_logs(steps.final_logs(logs))
        return self._batch_result(logs, return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        """Runs one evaluation step on one batch (metrics are reset first)."""
        self._assert_compiled("test_on_batch")
        batch = data_adapter_utils.to_arrays(data_adapter_utils.pack_x_y_sample_weight(x, y, sample_weight))
        with state.backend_scope(self._backend):
            self._symbolic_build(batch)
            self.reset_metrics()
            steps = self._get_step_functions()
            steps.begin_epoch()
            logs = steps.make_test_function()(batch)
            steps.sync_to_variables()
            logs = pythonify_logs(steps.final_logs(logs))
        return self._batch_result(logs, return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """Returns the predictions for one batch as NumPy arrays."""
        batch = (data_adapter_utils.to_arrays(x),)
        with state.backend_scope(self._backend):
            if not self.built:
                self._build_from_data(batch[0])
            outputs = self._get_step_functions().make_predict_function()(batch)
        return tree.map_structure(self._backend.core.convert_to_numpy, outputs)

    def _batch_result(self, logs: dict, return_dict: bool) -> Any:
        if return_dict:
            return logs
        values = [logs[name] for name in self._result_names(logs)]
        return values[0] if len(values) == 1 else values


def _executions(steps: Any, size: int) -> Any:
    """Groups `(step, batch)` pairs into runs of `size` (`steps_per_execution`).

    Yields `(first_step, last_step, batches)`; the last group may be shorter.
    """
    group: list = []
    first = 0
    for step, batch in steps:
        if not group:
            first = step
        group.append(batch)
        if len(group) == size:
            yield first, step, group
            group = []
    if group:
        yield first, first + len(group) - 1, group


def _resolve_verbose(verbose: Any) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    return int(verbose)


def _should_validate(epoch: int, validation_freq: Any) -> bool:
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq
