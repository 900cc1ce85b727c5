"""`StringLookup`: maps strings to integer indices through a vocabulary."""

from __future__ import annotations

from typing import Any

from lamina.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps string tokens to integer indices (or, with `invert`, back).

    Index 0 is the mask token's (when `mask_token` is set, in "int" mode),
    the next `num_oov_indices` indices are for out-of-vocabulary tokens
    (hashed among them when there are several), then the vocabulary. The
    vocabulary is given, or learned by `adapt()` (most frequent first).

    The layer computes on the host: inputs are NumPy arrays of `str` or
    `bytes`, Python lists, or TensorFlow string tensors; outputs are integer
    tensors of the backend (int64, int32 on JAX), float encodings, or with
    `invert=True` a NumPy array of strings. JAX and PyTorch have no string
    tensors, so apply the layer to your data before the model; it cannot
    run inside a compiled step.

    Args:
        max_tokens: maximum vocabulary size, including mask and OOV indices.
        num_oov_indices: number of OOV indices (default 1; 0 makes unknown
            tokens an error).
        mask_token: token that maps to index 0 (default None: no mask).
        oov_token: token returned for OOV indices by `invert` (default "[UNK]").
        vocabulary: list of tokens, or path to a text file with one per line.
        idf_weights: with "tf_idf", the inverse document frequencies.
        invert: map indices to tokens instead.
        output_mode: "int" (default), "one_hot", "multi_hot", "count" or "tf_idf".
        pad_to_max_tokens: encode to `max_tokens` columns.
        sparse: must be False.
        encoding: text encoding of byte strings (default "utf-8").
        salt: with several OOV indices, use a keyed hash with this salt.

    Example:
        ```python
        layer = lamina.layers.StringLookup(vocabulary=["a", "b", "c", "d"])
        layer(np.array([["a", "c", "d"], ["d", "z", "b"]]))  # [[1, 3, 4], [4, 0, 2]]
        ```
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: str | None = None,
        oov_token: str = "[UNK]",
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        pad_to_max_tokens: bool = False,
        sparse: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        salt: Any = None,
        **kwargs: Any,
    ) -> None:
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            name=name,
            salt=salt,
            vocabulary_dtype="string",
            **kwargs,
        )

    def get_config(self) -> dict:
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config
