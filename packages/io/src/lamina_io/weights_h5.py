"""`.weights.h5`: a model's weights in HDF5, in the layout Keras 3 writes.

Loading is safe and all-or-nothing: HDF5 links, external storage and
virtual datasets are refused, every shape is checked against the model
before any variable changes, and only then are values assigned.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from lamina_io.atomic import atomic_path
from lamina_io.h5_store import WeightsFileError, apply_plan, h5py_module, plan_model, write_model


class WeightsH5Format:
    """Saves and loads `.weights.h5` files (keyed by layer path, backend-independent)."""

    def _optimizer_plan(self, handle: Any, model: Any, filepath: str) -> list:
        """Optimizer state to restore, if the file has some and the model can take it."""
        optimizer = getattr(model, "optimizer", None)
        if optimizer is None or "optimizer/vars" not in handle:
            return []
        from lamina.backend import state

        with state.backend_scope(model.backend):
            optimizer._ensure_base_variables(model.backend)
            stored = sum(1 for key in handle["optimizer/vars"] if key.isdigit())
            if stored > len(optimizer.variables) and not optimizer.built:
                optimizer.build(model.trainable_variables)
        if stored != len(optimizer.variables):
            warnings.warn(
                f"{filepath} holds {stored} optimizer variables but the model's optimizer has "
                f"{len(optimizer.variables)}; the optimizer state was not loaded (the weights were).",
                stacklevel=3,
            )
            return []
        from lamina_io.h5_store import _plan_group

        return [
            (variable, np.asarray(dataset[()]))
            for variable, dataset in _plan_group(
                handle, "optimizer/vars", "the optimizer", optimizer.variables, filepath, False
            )
        ]

    def save_weights(self, model: Any, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        if not model.built:
            raise ValueError(
                f"Model '{model.name}' is not built yet: call it on data (or `build`) before saving weights."
            )
        h5py = h5py_module()
        with atomic_path(filepath, overwrite=overwrite) as temporary:
            with h5py.File(temporary, "w") as handle:
                # Like Keras 3: a compiled, trained model's optimizer state goes too.
                optimizer = getattr(model, "optimizer", None)
                write_model(handle, model, include_optimizer=optimizer is not None and optimizer.built)

    def load_weights(self, model: Any, filepath: str | os.PathLike, skip_mismatch: bool = False, **kwargs: Any) -> None:
        filepath = os.fspath(filepath)
        if not os.path.exists(filepath):
            raise FileNotFoundError(f"No weights file at {filepath}.")
        if not model.built:
            raise ValueError(
                f"Model '{model.name}' is not built yet, so it has no weights to load into. Build it "
                "first (call it on a batch, or start it with `lamina.Input`)."
            )
        h5py = h5py_module()
        try:
            handle = h5py.File(filepath, "r")
        except OSError as error:
            raise WeightsFileError(f"{filepath} is not a readable HDF5 weights file ({error}).") from None
        with handle:
            plan = plan_model(handle, model, filepath, skip_mismatch=skip_mismatch)
            plan += self._optimizer_plan(handle, model, filepath)
        steps = getattr(model, "_step_functions", None)
        if steps is not None:
            # State held outside the Variables (JAX, during fit) goes back into
            # them first, so the loaded values are what the next step reads.
            steps.sync_to_variables()
        apply_plan(plan)
