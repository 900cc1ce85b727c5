"""`clear_session`: forget generated layer names and global random state."""

from __future__ import annotations


def clear_session(free_memory: bool = True) -> None:
    """Resets automatic names ("dense", "dense_1", ...) and global seed generators.

    Example:
        ```python
        lamina.utils.clear_session()
        lamina.layers.Dense(1).name   # "dense" again
        ```

    Args:
        free_memory: Also run Python's garbage collector, so memory held by
            dropped models is released now.
    """
    from lamina.backend import naming
    from lamina.random.seed_generator import reset_global_seed_generators

    naming.reset_uids()
    reset_global_seed_generators()
    if free_memory:
        import gc

        gc.collect()
