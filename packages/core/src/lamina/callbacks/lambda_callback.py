"""`LambdaCallback`: a callback built from plain functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina.callbacks.callback import Callback

_HOOKS = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_begin",
    "on_train_end",
    "on_train_batch_begin",
    "on_train_batch_end",
)


def _forwarder(hook: str) -> Callable:
    def forward(self: Any, *args: Any) -> Any:
        return self.__dict__[hook](*args)

    forward.__name__ = hook
    return forward


class LambdaCallback(Callback):
    """Calls the given functions at the matching hooks.

    Epoch hooks get `(epoch, logs)`, batch hooks `(batch, logs)`, train
    hooks `(logs)`. Other hooks (e.g. `on_test_batch_end=...`) can be
    passed as keyword arguments.

    Example:
        ```python
        print_loss = lamina.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"])
        )
        model.fit(x, y, callbacks=[print_loss])
        ```
    """

    def __init__(
        self,
        on_epoch_begin: Callable | None = None,
        on_epoch_end: Callable | None = None,
        on_train_begin: Callable | None = None,
        on_train_end: Callable | None = None,
        on_train_batch_begin: Callable | None = None,
        on_train_batch_end: Callable | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.__dict__.update(kwargs)
        given = dict(
            zip(
                _HOOKS,
                (on_epoch_begin, on_epoch_end, on_train_begin, on_train_end, on_train_batch_begin, on_train_batch_end),
            )
        )
        for hook, function in given.items():
            if function is not None:
                setattr(self, hook, function)
        # Batch hooks are dispatched only to callbacks whose class overrides them
        # (so that logs are converted only when someone reads them): give this
        # instance a class that overrides exactly the batch hooks it was given.
        batch_hooks = [name for name, value in vars(self).items() if "batch" in name and callable(value)]
        if batch_hooks:
            namespace = {hook: _forwarder(hook) for hook in batch_hooks}
            self.__class__ = type(type(self).__name__, (type(self),), namespace)
