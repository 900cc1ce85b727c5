"""Reading and writing model variables in HDF5, in Keras 3's layout.

Shared by `.weights.h5` files and the weights inside `.keras` archives.
Reading is planned first (every dataset checked for safety and shape) and
applied only when the whole file matches, so a failed load changes nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina_io.saveables import own_variables, walk


class WeightsFileError(ValueError):
    """A weights file does not match the model, or is not a safe HDF5 file."""


def h5py_module() -> Any:
    try:
        import h5py
    except ImportError:
        raise ImportError('Reading and writing weights needs h5py: pip install "lamina[io]"') from None
    return h5py


def check_safe(group: Any, source: str) -> None:
    """Refuses soft/external links, external storage and virtual datasets."""
    h5py = h5py_module()
    for name in group:
        link = group.get(name, getlink=True)
        if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
            raise WeightsFileError(
                f"{source}: '{group.name}/{name}' is an HDF5 link; Lamina refuses links in weights files."
            )
        item = group[name]
        if isinstance(item, h5py.Group):
            check_safe(item, source)
        elif isinstance(item, h5py.Dataset):
            if item.is_virtual:
                raise WeightsFileError(f"{source}: dataset '{item.name}' is virtual; Lamina refuses virtual datasets.")
            if item.external:
                raise WeightsFileError(f"{source}: dataset '{item.name}' uses external storage; Lamina refuses it.")


def write_model(handle: Any, model: Any, include_optimizer: bool = False) -> None:
    """Writes every layer's variables (and optionally the optimizer's) into `handle`."""
    for path, layer in walk(model):
        group = handle.require_group(f"{path}/vars" if path else "vars")
        group.attrs["name"] = layer.name
        for index, variable in enumerate(own_variables(layer)):
            group.create_dataset(str(index), data=np.asarray(variable.numpy()))
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and optimizer is not None:
        group = handle.require_group("optimizer/vars")
        group.attrs["name"] = optimizer.name
        for index, variable in enumerate(optimizer.variables):
            group.create_dataset(str(index), data=np.asarray(variable.numpy()))


def _plan_group(handle: Any, key: str, owner: str, variables: list, source: str, skip_mismatch: bool) -> list:
    if key not in handle:
        if variables and not skip_mismatch:
            raise WeightsFileError(
                f"{source} has no weights for '{owner}' (expected them at '{key}'). Was the file saved "
                "from a different architecture? Pass skip_mismatch=True to skip it."
            )
        return []
    group = handle[key]
    stored = sorted((k for k in group if k.isdigit()), key=int)
    if len(stored) != len(variables):
        if skip_mismatch:
            return []
        raise WeightsFileError(
            f"{source}: '{owner}' expects {len(variables)} variables, the file has {len(stored)} at '{key}'."
        )
    plan = []
    for index, variable in enumerate(variables):
        dataset = group[str(index)]
        if tuple(dataset.shape) != tuple(variable.shape):
            if skip_mismatch:
                return []
            raise WeightsFileError(
                f"{source}: shape mismatch for '{owner}', variable '{variable.path}': the model has "
                f"{tuple(variable.shape)}, the file has {tuple(dataset.shape)}."
            )
        plan.append((variable, dataset))
    return plan


def plan_model(
    handle: Any, model: Any, source: str, skip_mismatch: bool = False, include_optimizer: bool = False
) -> list:
    """Checks `handle` against `model`; returns `(variable, value)` pairs to assign.

    Values are read only after every shape has been checked, so a file that
    declares huge shapes is refused before anything is allocated.
    """
    check_safe(handle, source)
    pending: list = []
    for path, layer in walk(model):
        key = f"{path}/vars" if path else "vars"
        pending.extend(_plan_group(handle, key, f"layer '{layer.name}'", own_variables(layer), source, skip_mismatch))
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and optimizer is not None and "optimizer/vars" in handle:
        variables = optimizer.variables
        stored = [k for k in handle["optimizer/vars"] if k.isdigit()]
        if len(stored) == len(variables):
            pending.extend(_plan_group(handle, "optimizer/vars", "the optimizer", variables, source, skip_mismatch))
        elif not skip_mismatch:
            raise WeightsFileError(
                f"{source}: the optimizer has {len(variables)} variables, the file has {len(stored)}. "
                "Load with compile=False to skip the optimizer state."
            )
    return [(variable, np.asarray(dataset[()])) for variable, dataset in pending]


def apply_plan(plan: list) -> None:
    for variable, value in plan:
        variable.assign(value.astype(variable.dtype) if variable.dtype != "bfloat16" else value)
