"""Data-parallel training on each backend's own engine (Keras 3's `keras.distribution`).

`fit`, `evaluate` and `predict` run unchanged under a current distribution:

```python
import lamina

distribution = lamina.distribution.DataParallel()  # all devices of the default type
lamina.distribution.set_distribution(distribution)  # or: with distribution.scope():
model.fit(x, y, batch_size=64)  # each replica gets its shard of every batch of 64
```

Each global batch is split across replicas, gradients are averaged by the
framework's collectives, and losses and metrics are reduced across replicas,
so training ends where one device fed the same global batches would.

- JAX: a `jax.sharding.Mesh` over the devices; one process, or several.
- TensorFlow: a `tf.distribute.MirroredStrategy` over one process's devices,
  or a `MultiWorkerMirroredStrategy` across processes.
- torch: one process per device, joined by `torch.distributed` (gloo on CPU,
  NCCL on GPU), as DDP runs.

Several processes (required on torch, optional elsewhere) run the same
script; each calls `lamina.distribution.initialize()` first. On one machine:

```console
$ LAMINA_BACKEND=torch python -m lamina.distribution.launch --nproc 2 train.py
```

(on torch this is `torchrun --standalone --nproc-per-node 2 train.py`). On
several machines, start the script on each with the job's addresses:
`initialize("10.0.0.1:1234,10.0.0.2:1234", num_processes=2, process_id=i)`,
or the `LAMINA_DISTRIBUTION_JOB_ADDRESSES`, `..._NUM_PROCESSES` and
`..._PROCESS_ID` variables (torch also accepts `torchrun`'s). Callbacks,
checkpoints and the progress bar run on the chief (process 0) only.
"""

from lamina.distribution.base import Distribution as Distribution
from lamina.distribution.base import distribution as distribution
from lamina.distribution.base import set_distribution as set_distribution
from lamina.distribution.data_parallel import DataParallel as DataParallel
from lamina.distribution.device_mesh import DeviceMesh as DeviceMesh
from lamina.distribution.devices import get_device_count as get_device_count
from lamina.distribution.devices import initialize as initialize
from lamina.distribution.devices import list_devices as list_devices

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "Distribution",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "set_distribution",
]
