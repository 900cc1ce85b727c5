"""`.keras`: a whole model in one zip — config, weights, optimizer state.

The layout is Keras 3's (`metadata.json`, `config.json`, `model.weights.h5`),
so Lamina reads Keras 3 archives of standard layers and Keras 3 reads the
archives Lamina writes for them. Loading is safe: classes resolve through
Lamina's registry only, the archive is checked before it is read, and the
weights are checked against the model before any value is assigned.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import zipfile
from typing import Any

from lamina.backend import state
from lamina.saving.serialization import SafeModeScope, deserialize_keras_object, serialize_keras_object
from lamina.version import __version__ as lamina_version
from lamina_io.archive_safety import ArchiveError, open_archive, read_member
from lamina_io.atomic import atomic_path
from lamina_io.h5_store import WeightsFileError, apply_plan, h5py_module, plan_model, write_model

# The Keras file format version these archives follow.
KERAS_FORMAT_VERSION = "3.5.0"


class KerasArchiveFormat:
    """Saves and loads `.keras` archives."""

    def save_model(
        self, model: Any, filepath: str | os.PathLike, overwrite: bool = True, zipped: bool = True, **kwargs: Any
    ) -> None:
        if kwargs:
            raise ValueError(f"Unsupported arguments for saving a .keras file: {sorted(kwargs)}")
        if not zipped:
            raise ValueError("Lamina writes .keras files zipped only (zipped=True).")
        config = serialize_keras_object(model)
        metadata = {
            "keras_version": KERAS_FORMAT_VERSION,
            "lamina_version": lamina_version,
            "backend": model.backend.name,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        }
        h5py = h5py_module()
        weights = io.BytesIO()
        with h5py.File(weights, "w") as handle:
            if model.built:
                write_model(
                    handle,
                    model,
                    include_optimizer=getattr(model, "optimizer", None) is not None and model.optimizer.built,
                )
        with atomic_path(filepath, overwrite=overwrite) as temporary:
            with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("metadata.json", json.dumps(metadata))
                archive.writestr("config.json", json.dumps(config))
                archive.writestr("model.weights.h5", weights.getvalue(), compress_type=zipfile.ZIP_STORED)

    def load_weights(self, model: Any, filepath: str | os.PathLike, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Loads the weights (and, for a compiled model, the optimizer state) of a `.keras` file."""
        source = os.fspath(filepath)
        if not os.path.exists(source):
            raise FileNotFoundError(f"No model file at {source}.")
        with open_archive(source, source) as archive:
            weights = read_member(archive, "model.weights.h5", source)
        self._load_weights_bytes(model, weights, source, include_optimizer=True, skip_mismatch=skip_mismatch)

    def _load_weights_bytes(
        self, model: Any, weights: bytes, source: str, include_optimizer: bool, skip_mismatch: bool = False
    ) -> None:
        h5py = h5py_module()
        try:
            handle = h5py.File(io.BytesIO(weights), "r")
        except OSError as error:
            raise WeightsFileError(f"{source}: model.weights.h5 is not readable HDF5 ({error}).") from None
        with handle:
            optimizer = getattr(model, "optimizer", None)
            include_optimizer = include_optimizer and optimizer is not None and "optimizer/vars" in handle
            if include_optimizer:
                with state.backend_scope(model.backend):
                    optimizer._ensure_base_variables(model.backend)
                    stored = sum(1 for key in handle["optimizer/vars"] if key.isdigit())
                    # A file saved before training holds only the base
                    # variables; a trained one holds the slots too.
                    if stored > len(optimizer.variables) and not optimizer.built:
                        optimizer.build(model.trainable_variables)
            plan = plan_model(handle, model, source, skip_mismatch=skip_mismatch, include_optimizer=include_optimizer)
        steps = getattr(model, "_step_functions", None)
        if steps is not None:
            # State held outside the Variables (JAX, during fit) goes back into
            # them first, so the loaded values are what the next step reads.
            steps.sync_to_variables()
        apply_plan(plan)

    def load_model(
        self,
        filepath: str | os.PathLike,
        custom_objects: dict | None = None,
        compile: bool = True,  # noqa: A002 - Keras's argument name
        safe_mode: bool = True,
    ) -> Any:
        source = os.fspath(filepath)
        if not os.path.exists(source):
            raise FileNotFoundError(f"No model file at {source}.")
        with open_archive(source, source) as archive:
            try:
                config = json.loads(read_member(archive, "config.json", source))
            except ValueError as error:
                if isinstance(error, ArchiveError):
                    raise
                raise ArchiveError(f"{source}: config.json is not valid JSON ({error}).") from None
            weights = (
                read_member(archive, "model.weights.h5", source) if "model.weights.h5" in archive.namelist() else None
            )
        if not isinstance(config, dict) or "class_name" not in config:
            raise ArchiveError(f"{source}: config.json does not describe a model.")
        if not compile:
            config.pop("compile_config", None)
        with SafeModeScope(safe_mode):
            model = deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)
        if weights is not None and model.built:
            self._load_weights_bytes(model, weights, source, include_optimizer=compile)
        return model
