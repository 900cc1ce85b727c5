"""`.weights.h5`: a model's weights in HDF5, in the layout Keras 3 writes.

Loading is safe and all-or-nothing: HDF5 links, external storage and
virtual datasets are refused, every shape is checked against the model
before any variable changes, and only then are values assigned.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from lamina_io.atomic import atomic_path
from lamina_io.saveables import own_variables, walk


class WeightsFileError(ValueError):
    """A weights file does not match the model, or is not a safe HDF5 file."""


def _h5py() -> Any:
    import h5py

    return h5py


def _check_safe(group: Any, filepath: str) -> None:
    """Refuses soft/external links, external storage and virtual datasets."""
    h5py = _h5py()
    for name in group:
        link = group.get(name, getlink=True)
        if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
            raise WeightsFileError(
                f"{filepath}: '{group.name}/{name}' is an HDF5 link; Lamina refuses links in weights files."
            )
        item = group[name]
        if isinstance(item, h5py.Group):
            _check_safe(item, filepath)
        elif isinstance(item, h5py.Dataset):
            if item.is_virtual:
                raise WeightsFileError(
                    f"{filepath}: dataset '{item.name}' is virtual; Lamina refuses virtual datasets."
                )
            if item.external:
                raise WeightsFileError(f"{filepath}: dataset '{item.name}' uses external storage; Lamina refuses it.")


class WeightsH5Format:
    """Saves and loads `.weights.h5` files (keyed by layer path, backend-independent)."""

    def save_weights(self, model: Any, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        if not model.built:
            raise ValueError(
                f"Model '{model.name}' is not built yet: call it on data (or `build`) before saving weights."
            )
        h5py = _h5py()
        with atomic_path(filepath, overwrite=overwrite) as temporary:
            with h5py.File(temporary, "w") as handle:
                for path, layer in walk(model):
                    group = handle.require_group(f"{path}/vars" if path else "vars")
                    group.attrs["name"] = layer.name
                    for index, variable in enumerate(own_variables(layer)):
                        group.create_dataset(str(index), data=np.asarray(variable.numpy()))

    def load_weights(self, model: Any, filepath: str | os.PathLike, skip_mismatch: bool = False, **kwargs: Any) -> None:
        filepath = os.fspath(filepath)
        if not os.path.exists(filepath):
            raise FileNotFoundError(f"No weights file at {filepath}.")
        if not model.built:
            raise ValueError(
                f"Model '{model.name}' is not built yet, so it has no weights to load into. Build it "
                "first (call it on a batch, or start it with `lamina.Input`)."
            )
        h5py = _h5py()
        try:
            handle = h5py.File(filepath, "r")
        except OSError as error:
            raise WeightsFileError(f"{filepath} is not a readable HDF5 weights file ({error}).") from None
        plan: list[tuple[Any, np.ndarray]] = []
        with handle:
            _check_safe(handle, filepath)
            for path, layer in walk(model):
                variables = own_variables(layer)
                key = f"{path}/vars" if path else "vars"
                if key not in handle:
                    if variables and not skip_mismatch:
                        raise WeightsFileError(
                            f"{filepath} has no weights for layer '{layer.name}' (expected them at '{key}'). "
                            "Was the file saved from a different architecture? Pass skip_mismatch=True to skip it."
                        )
                    continue
                group = handle[key]
                stored = sorted((k for k in group if k.isdigit()), key=int)
                if len(stored) != len(variables):
                    if skip_mismatch:
                        continue
                    raise WeightsFileError(
                        f"{filepath}: layer '{layer.name}' expects {len(variables)} variables, the file "
                        f"has {len(stored)} at '{key}'."
                    )
                for index, variable in enumerate(variables):
                    dataset = group[str(index)]
                    if tuple(dataset.shape) != tuple(variable.shape):
                        if skip_mismatch:
                            break
                        raise WeightsFileError(
                            f"{filepath}: shape mismatch for layer '{layer.name}', variable "
                            f"'{variable.path}': the model has {tuple(variable.shape)}, the file has "
                            f"{tuple(dataset.shape)}."
                        )
                else:
                    for index, variable in enumerate(variables):
                        plan.append((variable, np.asarray(group[str(index)][()])))
        for variable, value in plan:
            variable.assign(value.astype(variable.dtype) if variable.dtype != "bfloat16" else value)
        steps = getattr(model, "_step_functions", None)
        if steps is not None:
            steps.reset()
