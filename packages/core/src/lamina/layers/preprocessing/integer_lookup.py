"""`IntegerLookup`: maps integer values to contiguous indices through a vocabulary."""

from __future__ import annotations

from typing import Any

from lamina.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integer tokens (e.g. sparse ids) to contiguous indices, or back with `invert`.

    Index 0 is the mask token's (when `mask_token` is set, in "int" mode),
    the next `num_oov_indices` indices are for out-of-vocabulary values
    (`value mod num_oov_indices` among them, or a FarmHash of the value with
    `oov_method="farmhash"`), then the vocabulary, given or learned by
    `adapt()` (most frequent first).

    The lookup runs on the host with NumPy: apply the layer to data (arrays,
    lists or eager tensors), not inside a compiled step.

    Args:
        max_tokens: maximum vocabulary size, including mask and OOV indices.
        num_oov_indices: number of OOV indices (default 1).
        mask_token: value that maps to index 0 (default None: no mask).
        oov_token: value returned for OOV indices by `invert` (default -1).
        vocabulary: list of ints, or path to a text file with one per line.
        vocabulary_dtype: only "int64".
        idf_weights: with "tf_idf", the inverse document frequencies.
        invert: map indices to values instead.
        output_mode: "int" (default), "one_hot", "multi_hot", "count" or "tf_idf".
        sparse: must be False.
        pad_to_max_tokens: encode to `max_tokens` columns.
        oov_method: "floormod" (default) or "farmhash".
        salt: with "farmhash", use a keyed hash with this salt.

    Example:
        ```python
        layer = lamina.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
        layer(np.array([[12, 1138, 42], [42, 1000, 36]]))  # [[1, 3, 4], [4, 0, 2]]
        ```
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: int | None = None,
        oov_token: int = -1,
        vocabulary: Any = None,
        vocabulary_dtype: str = "int64",
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        salt: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if vocabulary_dtype != "int64":
            raise ValueError(
                f"Only `vocabulary_dtype='int64'` is supported at this time. Received: vocabulary_dtype={vocabulary_dtype}"
            )
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            vocabulary_dtype=vocabulary_dtype,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            oov_method=oov_method,
            salt=salt,
            name=name,
            **kwargs,
        )

    def get_config(self) -> dict:
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None and not isinstance(config["vocabulary"], str):
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
