"""Data parallelism on PyTorch: one process per device, joined by `torch.distributed`.

The processes form a `torch.distributed` process group (gloo on CPU, NCCL
on GPU), started by `python -m lamina.distribution.launch --nproc N` (which
wraps `torch.distributed.run`) or by `torchrun`. Every process reads the
same global batches and keeps its shard of each (`Distribution.shard_slices`).
A training step then does what DDP does: it computes the gradients of the
local shard, all-reduces them in one flat buffer per dtype (DDP's buckets)
and applies the same averaged update everywhere. Each shard's gradient is
weighted by its share of the global batch, so replicas with unequal shards
still give the gradient of the global batch's mean loss.

Metrics (and the loss tracker) are reduced the same way, in the same
all-reduce: every process adds what its shard contributed to the metric
state (its change during the step) across processes, so each process holds
the state of the global batch and reports the same logs.

As DDP does at construction, each epoch (and each evaluation) starts by
copying the chief's variables and optimizer state to the other processes;
this also carries what the chief's callbacks changed (a learning rate set
in `on_epoch_begin` or `on_epoch_end`, restored weights). Non-trainable
variables that a step updates (batch-normalization statistics) follow each
replica's shard during an epoch and are the chief's again from the next
epoch or evaluation on (DDP's `broadcast_buffers` copies them at every
forward pass).
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.distributed as dist

from lamina import tree
from lamina.utils import unpack_x_y_sample_weight
from lamina_torch.trainer import TorchStepFunctions, _detach, _overrides, convert_batch, gradients


def _device_type() -> str:
    return "gpu" if torch.cuda.is_available() else "cpu"


def list_devices(device_type: str | None = None) -> list[str]:
    """One device per process of the job ("cpu:RANK" or "gpu:RANK"); the local ones before `initialize`."""
    kind = device_type or _device_type()
    if kind == "tpu":
        return []
    if kind == "gpu" and not torch.cuda.is_available():
        return []
    _join_torchrun_job()
    if dist.is_available() and dist.is_initialized():
        return [f"{kind}:{rank}" for rank in range(dist.get_world_size())]
    count = torch.cuda.device_count() if kind == "gpu" else 1
    return [f"{kind}:{index}" for index in range(count)]


def initialize(job_addresses: str | None, num_processes: int | None, process_id: int | None) -> None:
    """Joins (or creates) the default process group: gloo on CPU, NCCL on GPU."""
    if not dist.is_available():
        raise RuntimeError("This build of PyTorch has no torch.distributed; install a build that does.")
    if dist.is_initialized():
        world, rank = dist.get_world_size(), dist.get_rank()
        if (num_processes is not None and num_processes != world) or (process_id is not None and process_id != rank):
            raise ValueError(
                f"torch.distributed is already initialized as process {rank} of {world}. Received: "
                f"num_processes={num_processes}, process_id={process_id}"
            )
        return
    backend = "nccl" if torch.cuda.is_available() and dist.is_nccl_available() else "gloo"
    if job_addresses:
        if num_processes is None or process_id is None:
            raise ValueError(
                "With `job_addresses`, pass `num_processes` and `process_id` too (or set "
                "LAMINA_DISTRIBUTION_NUM_PROCESSES and LAMINA_DISTRIBUTION_PROCESS_ID). Received: "
                f"num_processes={num_processes}, process_id={process_id}"
            )
        coordinator = job_addresses.split(",")[0].strip()
        dist.init_process_group(backend, init_method=f"tcp://{coordinator}", world_size=num_processes, rank=process_id)
    else:
        missing = [name for name in ("MASTER_ADDR", "MASTER_PORT") if name not in os.environ]
        if num_processes is None and "WORLD_SIZE" not in os.environ:
            missing.append("WORLD_SIZE")
        if process_id is None and "RANK" not in os.environ:
            missing.append("RANK")
        if missing:
            raise ValueError(
                "`initialize()` needs the job's addresses: pass `job_addresses`, `num_processes` and "
                "`process_id`, or start the processes with `python -m lamina.distribution.launch --nproc N "
                f"script.py` or `torchrun`. Missing environment variables: {', '.join(missing)}"
            )
        kwargs: dict = {}
        if num_processes is not None:
            kwargs["world_size"] = num_processes
        if process_id is not None:
            kwargs["rank"] = process_id
        dist.init_process_group(backend, init_method="env://", **kwargs)
    if backend == "nccl":
        local_rank = int(os.environ.get("LOCAL_RANK", dist.get_rank() % torch.cuda.device_count()))
        torch.cuda.set_device(local_rank)
    # A process group left to interpreter teardown can abort the process
    # ("terminate called without an active exception"): close it at exit.
    atexit.register(_close_process_group)


def _close_process_group() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def _join_torchrun_job() -> None:
    """Joins the job of a process `torchrun` (or the launcher) started, if not done yet."""
    if not dist.is_available() or dist.is_initialized():
        return
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and all(
        name in os.environ for name in ("RANK", "MASTER_ADDR", "MASTER_PORT")
    ):
        initialize(None, None, None)


def process_info() -> tuple[int, int]:
    _join_torchrun_job()
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class TorchProcessGroup:
    """The engine of a torch `DataParallel`: this process's rank in the default process group.

    Collectives run on `torch.distributed`; tensors are grouped into one flat
    buffer per dtype so that each call is one collective per dtype.
    """

    def __init__(self, world_size: int, rank: int) -> None:
        self.world_size = world_size
        self.rank = rank

    @property
    def num_replicas(self) -> int:
        return self.world_size

    @staticmethod
    def _by_dtype(tensors: list) -> dict:
        groups: dict = {}
        for index, tensor in enumerate(tensors):
            groups.setdefault(tensor.dtype, []).append(index)
        return groups

    def all_reduce_sum(self, tensors: list) -> list:
        """Sums `tensors` across processes (new tensors, same order and shapes)."""
        if self.world_size == 1 or not tensors:
            return list(tensors)
        result: list = [None] * len(tensors)
        for indices in self._by_dtype(tensors).values():
            flat = torch.cat([tensors[i].reshape(-1) for i in indices])
            dist.all_reduce(flat, op=dist.ReduceOp.SUM)
            offset = 0
            for i in indices:
                size = tensors[i].numel()
                result[i] = flat[offset : offset + size].view_as(tensors[i])
                offset += size
        return result

    def broadcast_(self, tensors: list) -> None:
        """Overwrites `tensors` in place with the chief's values."""
        if self.world_size == 1 or not tensors:
            return
        with torch.no_grad():
            for indices in self._by_dtype(tensors).values():
                flat = torch.cat([tensors[i].detach().reshape(-1) for i in indices])
                dist.broadcast(flat, src=0)
                offset = 0
                for i in indices:
                    size = tensors[i].numel()
                    tensors[i].copy_(flat[offset : offset + size].view_as(tensors[i]))
                    offset += size

    def all_gather_rows(self, tensor: torch.Tensor, sizes: list[int]) -> torch.Tensor:
        """Concatenates each process's `tensor` (`sizes[rank]` rows) along the first axis."""
        if self.world_size == 1:
            return tensor
        longest = max(sizes)
        padded = tensor
        if tensor.shape[0] < longest:
            padding = tensor.new_zeros((longest - tensor.shape[0], *tensor.shape[1:]))
            padded = torch.cat([tensor, padding])
        parts = [torch.empty_like(padded) for _ in range(self.world_size)]
        dist.all_gather(parts, padded.contiguous())
        return torch.cat([part[:size] for part, size in zip(parts, sizes)])


def setup(distribution: Any) -> TorchProcessGroup:
    rank, world = process_info()
    devices = distribution.devices
    if len(devices) != world:
        raise ValueError(
            f"On the torch backend, DataParallel runs one process per device, so it needs as many devices as "
            f"processes ({world}). Received {len(devices)} devices: {devices}. Start one process per device "
            "with `python -m lamina.distribution.launch --nproc N script.py` (or `torchrun`), and pass "
            "`devices=None` (the default)."
        )
    kind = _device_type()
    wrong = [device for device in devices if not str(device).startswith(f"{kind}:")]
    if wrong:
        raise ValueError(
            f"This process trains on {kind!r} devices; DataParallel received {wrong}. "
            f"Use `lamina.distribution.list_devices()` (here {list_devices()})."
        )
    return TorchProcessGroup(world, rank)


def broadcast(value: np.ndarray) -> np.ndarray:
    rank, world = process_info()
    if world == 1:
        return value
    device = torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else "cpu"
    tensor = torch.as_tensor(np.ascontiguousarray(value)).to(device)
    dist.broadcast(tensor, src=0)
    return tensor.cpu().numpy()


def launch(num_processes: int, argv: list[str]) -> int:
    """`torchrun --standalone --nproc-per-node N script args...`."""
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import main

    try:
        main(["--standalone", f"--nproc-per-node={num_processes}", *argv])
    except ChildFailedError as error:
        codes = [failure.exitcode for failure in error.failures.values()]
        return next((code for code in codes if code), 1)
    return 0


def _rows(batch: Any) -> int:
    for leaf in tree.flatten(batch):
        shape = getattr(leaf, "shape", None)
        if shape is not None and len(shape):
            return int(shape[0])
    raise ValueError("DataParallel needs batches of arrays with a batch dimension; found none in the batch.")


def _take(batch: Any, rows: slice) -> Any:
    def take(leaf: Any) -> Any:
        shape = getattr(leaf, "shape", None)
        return leaf[rows] if shape is not None and len(shape) else leaf

    return tree.map_structure(take, batch)


class TorchDistributedStepFunctions(TorchStepFunctions):
    """The default torch steps, run on this process's shard of each global batch.

    Overriding `train_step` is not supported under `DataParallel` (the
    gradients must be reduced inside it); overridden `test_step` and
    `predict_step` run on each shard, and their metrics and outputs are
    reduced and gathered across processes.
    """

    def __init__(self, model: Any, distribution: Any) -> None:
        super().__init__(model)
        self.distribution = distribution
        self.group: TorchProcessGroup = distribution.engine
        self._metric_variables: list | None = None

    # -- state shared across processes ------------------------------------------
    def _state_variables(self) -> list:
        model = self.model
        found = list(model.trainable_variables) + list(model.non_trainable_variables)
        if model.optimizer is not None and model.optimizer.built:
            found += list(model.optimizer.variables)
        return [v for v in found if isinstance(v.value, torch.Tensor)]

    def begin_epoch(self) -> None:
        # Every process calls this at the same point (the loop runs everywhere),
        # so it may run collectives. `sync_to_variables` may not: callbacks,
        # which run on the chief only, call it (and it has nothing to do here).
        super().begin_epoch()
        self._metric_variables = None
        # DDP's initial sync; carries what the chief's callbacks changed.
        self.group.broadcast_([v.value for v in self._state_variables()])

    def _metrics(self) -> list:
        if self._metric_variables is None:
            self._metric_variables = self.model.metrics_variables
        return self._metric_variables

    def _local(self, batch: Any) -> tuple[Any, int, int, list[slice]]:
        rows = _rows(batch)
        slices = self.distribution.shard_slices(rows)
        mine = slices[self.group.rank]
        return _take(batch, mine), mine.stop - mine.start, rows, slices

    def _snapshot(self) -> list:
        return [v.value.detach().clone() for v in self._metrics()]

    def _reduce(self, grads: list, scale: float, before: list) -> list:
        """All-reduces `grads * scale` and the metric changes since `before` in one call per dtype.

        Sets each metric variable to its global state and returns the summed gradients.
        """
        metrics = self._metrics()
        world = self.group.world_size
        contributions = []
        for variable, old in zip(metrics, before):
            if variable.aggregation == "mean":
                contributions.append(variable.value.detach() / world)
            else:
                contributions.append(variable.value.detach() - old)
        present = [i for i, grad in enumerate(grads) if grad is not None]
        scaled = [grads[i] * scale for i in present]
        reduced = self.group.all_reduce_sum(scaled + contributions)
        for variable, old, total in zip(metrics, before, reduced[len(scaled) :]):
            variable.assign(total if variable.aggregation == "mean" else old + total)
        result = list(grads)
        for i, grad in zip(present, reduced[: len(scaled)]):
            result[i] = grad
        return result

    # -- steps -----------------------------------------------------------------------
    def _distributed_train_step(self, data: Any, local_rows: int, global_rows: int) -> dict:
        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        before = self._snapshot()
        y_pred, loss = self._forward_loss(x, y, sample_weight)
        optimizer = model.optimizer
        trainable = self._trainable_variables() if optimizer is not None else []
        grads = gradients(loss, trainable) if trainable else []
        with torch.no_grad():
            if model._loss_tracker is not None:
                model._loss_tracker.update_state(_detach(loss), sample_weight=local_rows)
            model.compute_metrics(x, y, _detach(y_pred), sample_weight)
            # Each shard's mean-loss gradient, weighted by its share of the
            # global batch: the sum is the global batch's gradient.
            grads = self._reduce(grads, local_rows / global_rows, before)
            if trainable:
                optimizer.apply(grads, trainable)
            return model.get_metrics_result()

    def make_train_function(self) -> Callable[[Any], dict]:
        self._trainable = None
        if self._train_fn is None:
            model = self.model
            if _overrides(model, "train_step"):
                raise NotImplementedError(
                    f"{type(model).__name__} overrides `train_step`, which DataParallel on the torch backend "
                    "cannot distribute (the gradients are reduced inside the default step). Customize "
                    "`compute_loss` instead, train on one process, or use the jax backend, where a custom "
                    "`train_step` runs data-parallel."
                )
            self._forward_loss = self._compile(self._forward_and_loss) if self._jit() else self._forward_and_loss
            clear = self._clear_losses

            def train_function(batch: Any) -> dict:
                local, local_rows, global_rows, _ = self._local(batch)
                self._in_train_function = True
                try:
                    logs = self._distributed_train_step(convert_batch(local), local_rows, global_rows)
                finally:
                    self._in_train_function = False
                clear()
                return logs

            self._train_fn = train_function
        return self._train_fn

    def make_test_function(self) -> Callable[[Any], dict]:
        if self._test_fn is None:
            step = self.model.test_step
            if self._jit():
                step = self._compile(step)
            clear = self._clear_losses

            def test_function(batch: Any) -> dict:
                local, _, _, _ = self._local(batch)
                with torch.no_grad():
                    before = self._snapshot()
                    step(convert_batch(local))
                    self._reduce([], 0.0, before)
                    logs = self.model.get_metrics_result()
                clear()
                return logs

            self._test_fn = test_function
        return self._test_fn

    def make_predict_function(self) -> Callable[[Any], Any]:
        if self._predict_fn is None:
            step = self.model.predict_step
            if self._jit():
                step = self._compile(step)
            clear = self._clear_losses
            group = self.group

            def predict_function(batch: Any) -> Any:
                local, _, _, slices = self._local(batch)
                sizes = [s.stop - s.start for s in slices]
                with torch.no_grad():
                    outputs = step(convert_batch(local))
                    outputs = tree.map_structure(
                        lambda t: group.all_gather_rows(t, sizes) if isinstance(t, torch.Tensor) and t.ndim else t,
                        outputs,
                    )
                clear()
                return outputs

            self._predict_fn = predict_function
        return self._predict_fn

    def reset(self) -> None:
        super().reset()
        self._metric_variables = None


# The contract's name for the step functions' factory (`Backend.make_distributed_step_functions`).
make_step_functions = TorchDistributedStepFunctions
