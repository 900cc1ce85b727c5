"""`.weights.h5`: a model's weights in HDF5, in the layout Keras 3 writes.

Loading is safe and all-or-nothing: HDF5 links, external storage and
virtual datasets are refused, every shape is checked against the model
before any variable changes, and only then are values assigned.
"""

from __future__ import annotations

import os
from typing import Any

from lamina_io.atomic import atomic_path
from lamina_io.h5_store import WeightsFileError, apply_plan, h5py_module, plan_model, write_model


class WeightsH5Format:
    """Saves and loads `.weights.h5` files (keyed by layer path, backend-independent)."""

    def save_weights(self, model: Any, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        if not model.built:
            raise ValueError(
                f"Model '{model.name}' is not built yet: call it on data (or `build`) before saving weights."
            )
        h5py = h5py_module()
        with atomic_path(filepath, overwrite=overwrite) as temporary:
            with h5py.File(temporary, "w") as handle:
                write_model(handle, model)

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
        apply_plan(plan)
        steps = getattr(model, "_step_functions", None)
        if steps is not None:
            steps.reset()
