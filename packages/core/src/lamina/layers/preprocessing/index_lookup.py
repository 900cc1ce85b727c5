"""`IndexLookup`: the vocabulary machinery of `StringLookup` and `IntegerLookup`.

A vocabulary maps tokens to consecutive indices after the reserved ones:
index 0 for the mask token (in "int" mode, when there is one), then
`num_oov_indices` indices for out-of-vocabulary tokens, then the
vocabulary. Lookups, `adapt()` and the encodings run on the host with NumPy
(see `host_layer`), and follow Keras 3 exactly: the same indices, the same
adapted vocabulary order (by frequency, ties broken by the larger token),
the same hashed OOV buckets and TF-IDF weights.
"""

from __future__ import annotations

import collections
import os
from typing import Any

import numpy as np

from lamina.backend.config import floatx
from lamina.layers.preprocessing.category_encoding import (
    check_not_sparse,
    check_output_mode,
    encode_categorical_numpy,
    encoded_shape,
)
from lamina.layers.preprocessing.hashing import hash_bucket, standardize_salt, value_bytes
from lamina.layers.preprocessing.host_layer import HostLayer, int_dtype, iterate_batches

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(HostLayer):
    """Maps tokens to indices (or back, with `invert`); base of the lookup layers (not exported)."""

    def __init__(
        self,
        max_tokens: int | None,
        num_oov_indices: int,
        mask_token: Any,
        oov_token: Any,
        vocabulary_dtype: str,
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        name: str | None = None,
        salt: Any = None,
        **kwargs: Any,
    ) -> None:
        layer = type(self).__name__
        if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens <= 1):
            raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={max_tokens}")
        if not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(
                f"`num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices={num_oov_indices}"
            )
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                f"Invalid value for argument `oov_method` of {layer}. Expected one of ('floormod', 'farmhash'). "
                f"Received: oov_method={oov_method!r}"
            )
        if salt is not None and vocabulary_dtype != "string" and oov_method != "farmhash":
            raise ValueError(f"`salt` can only be used when `oov_method='farmhash'`. Received: oov_method={oov_method}")
        salt = standardize_salt(salt, layer)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        check_output_mode(output_mode, OUTPUT_MODES, layer)
        if invert and output_mode != "int":
            raise ValueError(
                f"`output_mode` must be `'int'` when `invert` is true. Received: output_mode={output_mode}"
            )
        check_not_sparse(sparse, layer)
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                f"Received: idf_weights={idf_weights} and output_mode={output_mode}"
            )
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        super().__init__(name=name, **kwargs)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen_size
        self.input_vocabulary = _listify(vocabulary) if not isinstance(vocabulary, str) else None
        self.input_idf_weights = _listify(idf_weights)
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens: list = []
        self._index: dict = {}
        self.idf_weights: np.ndarray | None = None
        self._learned_idf: np.ndarray | None = None
        self.reset_state()
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError(
                "When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` argument "
                "must also be provided."
            )
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- indices ---------------------------------------------------------------------------
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The number of indices: mask and OOV indices plus the vocabulary."""
        return self._token_start_index() + len(self._tokens)

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary; with special tokens, each token sits at its index."""
        vocabulary = list(self._tokens)
        if include_special_tokens:
            special = [self.oov_token] * self._token_start_index()
            if self.mask_token is not None and self.output_mode == "int":
                special[0] = self.mask_token
            vocabulary = special + vocabulary
        return vocabulary

    # -- tokens ----------------------------------------------------------------------------
    def _standardize_token(self, token: Any) -> Any:
        if self.vocabulary_dtype == "string":
            if isinstance(token, bytes):
                return token.decode(getattr(self, "encoding", "utf-8"))
            return str(token)
        return int(token)

    def _standardize_tokens(self, values: Any) -> np.ndarray:
        """Host array of tokens (str objects, or int64 for integer vocabularies)."""
        values = np.asarray(values)
        if self.vocabulary_dtype != "string":
            if values.dtype.kind not in "iub":
                if values.dtype.kind == "f" and np.all(np.mod(values, 1) == 0):
                    return values.astype("int64")
                raise ValueError(
                    f"{type(self).__name__} expects integer inputs. Received values of dtype {values.dtype}."
                )
            return values.astype("int64")
        if values.dtype.kind == "U":
            return values.astype(object)
        if values.dtype.kind in ("S", "O"):
            flat = [self._standardize_token(v) for v in values.reshape(-1).tolist()]
            return np.array(flat, dtype=object).reshape(values.shape)
        raise ValueError(
            f"{type(self).__name__} expects string inputs (str or bytes). Received values of dtype {values.dtype}."
        )

    # -- vocabulary --------------------------------------------------------------------------
    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Sets the vocabulary (a list, 1-D array or tensor, or a text file with one token per line).

        Args:
            vocabulary: the tokens, optionally starting with the special
                tokens (mask, OOV) in their order.
            idf_weights: with `output_mode="tf_idf"`, the inverse document
                frequency of each token (same length as `vocabulary`).
        """
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(
                "`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                f"Received: output_mode={self.output_mode} and idf_weights={idf_weights}"
            )
        if isinstance(vocabulary, str):
            vocabulary = self._read_vocabulary_file(vocabulary)
        tokens = [self._standardize_token(t) for t in np.asarray(vocabulary, dtype=object).reshape(-1).tolist()]
        if not tokens:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        found_special = tokens[:token_start] == special
        if found_special:
            tokens = tokens[token_start:]
        repeated = [t for t, count in collections.Counter(tokens).items() if count > 1]
        if repeated:
            raise ValueError(
                "The passed vocabulary has at least one repeated term. Please uniquify your dataset. "
                f"The repeated terms are: {repeated}"
            )
        for name, token in (("mask_token", self.mask_token), ("oov_token", self.oov_token if self.invert else None)):
            if token is not None and token in tokens:
                raise ValueError(
                    "Found reserved token at unexpected location in `vocabulary`. Note that passed `vocabulary` "
                    "does not need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or "
                    f"include them only at the start of the vocabulary in precisely this order: {special}. "
                    f"Received: {name}={token!r} at vocabulary index {tokens.index(token)}"
                )
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError(
                "Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is "
                f"{token_start + len(tokens)}; `max_tokens` is {self.max_tokens}."
            )
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            weights = np.asarray(_listify(idf_weights), dtype="float64").reshape(-1)
            if len(weights) != len(np.asarray(vocabulary, dtype=object).reshape(-1)):
                raise ValueError(
                    "`idf_weights` must be the same length as vocabulary. "
                    f"len(idf_weights) is {len(weights)}; len(vocabulary) is {len(vocabulary)}"
                )
            front = 0 if found_special else token_start
            front_value = 0.0 if found_special else float(np.average(weights))
            self._learned_idf = weights if not found_special else weights[token_start:]
            self._set_idf(weights, front, front_value)

    def _set_tokens(self, tokens: list) -> None:
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._index = {token: start + i for i, token in enumerate(self._tokens)}
        self._frozen_vocab_size = self.vocabulary_size()

    def _set_idf(self, weights: np.ndarray, front: int, front_value: float) -> None:
        back = self.max_tokens - front - len(weights) if self.pad_to_max_tokens and self.max_tokens else 0
        padded = np.pad(weights, (front, back), constant_values=(front_value, 0.0))
        self.idf_weights = padded.astype(floatx())

    def _read_vocabulary_file(self, path: str) -> list:
        if not os.path.exists(path):
            raise ValueError(f"Vocabulary file {path} does not exist.")
        if self.output_mode == "tf_idf":
            raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary from file.")
        with open(path, encoding=getattr(self, "encoding", "utf-8")) as handle:
            lines = handle.read().splitlines()
        return lines if self.vocabulary_dtype == "string" else [int(line) for line in lines]

    # -- adapt -------------------------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Builds the vocabulary from the tokens in `data`, most frequent first.

        Ties are broken by the larger token. With `max_tokens`, only the
        most frequent tokens are kept; with "tf_idf", document frequencies
        are learned too (each row of a batch is a document).

        Args:
            data: a NumPy array, list or tensor of tokens (each element of a
                1-D array is a document), or an iterable of batches
                (generator, `tf.data.Dataset`).
            steps: the number of batches to read (for endless iterables).
        """
        self.reset_state()
        if isinstance(data, (np.ndarray, list, tuple, str, bytes)) or hasattr(data, "shape"):
            batch = self._host(data)
            self.update_state(batch[:, np.newaxis] if batch.ndim == 1 else batch)
        else:
            for i, batch in enumerate(iterate_batches(data, layer=f"{type(self).__name__}.adapt()")):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Counts the tokens of one batch (rows are documents); `data` may be a list of token lists."""
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via `vocabulary` argument "
                "or `set_vocabulary()` method."
            )
        if isinstance(data, list) and data and isinstance(data[0], list):
            rows = [[self._standardize_token(t) for t in row] for row in data]
        else:
            array = self._standardize_tokens(self._host(data))
            if array.ndim == 0:
                array = array.reshape(1)
            if array.ndim == 1:
                array = array[np.newaxis]
            rows = [row.reshape(-1).tolist() for row in array]
        for row in rows:
            self._token_counts.update(row)
            if self.output_mode == "tf_idf":
                self._document_counts.update(set(row))
        self._num_documents += len(rows)

    def finalize_state(self) -> None:
        if self._has_input_vocabulary or not self._token_counts:
            return
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                self._token_counts.pop(self._standardize_token(special), None)
        ordered = sorted(self._token_counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        if self.max_tokens:
            ordered = ordered[: self.max_tokens - self._token_start_index()]
        tokens = [token for token, _ in ordered]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            counts = np.array([self._document_counts[t] for t in tokens], dtype="float64")
            idf = np.log(1.0 + self._num_documents / (1.0 + counts)).astype(floatx())
            self._learned_idf = idf
            self._set_idf(idf, self._token_start_index(), float(np.mean(idf)) if len(idf) else 0.0)
        self.reset_state()

    def reset_state(self) -> None:
        self._token_counts: collections.Counter = collections.Counter()
        self._document_counts: collections.Counter = collections.Counter()
        self._num_documents = 0

    # -- lookups -----------------------------------------------------------------------------
    def lookup(self, tokens: np.ndarray) -> np.ndarray:
        """The int64 index of every token of `tokens` (a host array)."""
        tokens = self._standardize_tokens(tokens)
        flat = tokens.reshape(-1)
        if flat.size == 0:
            return np.zeros(tokens.shape, "int64")
        uniques, inverse = np.unique(flat, return_inverse=True)
        mask = self._standardize_token(self.mask_token) if self.mask_token is not None else None
        mask_index = 0 if self.output_mode == "int" else -1  # -1: dropped by the encodings
        indices = []
        missing = []
        for token in uniques.tolist():
            if mask is not None and token == mask:
                indices.append(mask_index)
            elif token in self._index:
                indices.append(self._index[token])
            elif self.num_oov_indices == 0:
                indices.append(-1)
                missing.append(token)
            elif self.num_oov_indices == 1:
                indices.append(self._oov_start_index())
            else:
                indices.append(self._oov_start_index() + self._oov_bucket(token))
        if missing:
            raise ValueError(
                "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values "
                f"{missing[:10]}, consider setting `num_oov_indices=1`."
            )
        return np.asarray(indices, dtype="int64")[inverse].reshape(tokens.shape)

    def _oov_bucket(self, token: Any) -> int:
        if self.vocabulary_dtype != "string" and self.oov_method == "floormod":
            return token % self.num_oov_indices
        return hash_bucket(value_bytes(token), self.num_oov_indices, self.salt)

    def invert_lookup(self, indices: np.ndarray) -> np.ndarray:
        """The token of every index (the OOV token for unknown indices, the mask token for 0)."""
        indices = np.asarray(indices).astype("int64")
        vocabulary = self.get_vocabulary()
        table = {i: token for i, token in enumerate(vocabulary) if i >= self._token_start_index()}
        if self.mask_token is not None:
            table[0] = self.mask_token
        flat = [table.get(i, self.oov_token) for i in indices.reshape(-1).tolist()]
        dtype = object if self.vocabulary_dtype == "string" else "int64"
        return np.array(flat, dtype=dtype).reshape(indices.shape)

    def _depth(self) -> int | None:
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._tokens or self._has_input_vocabulary:
            return self.vocabulary_size()
        return self._frozen_vocab_size

    def _encode(self, indices: Any) -> np.ndarray:
        """Encodes lookup indices (an array, or a list of index rows) in the layer's output mode."""
        depth = self._depth()
        if depth is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, you must set the "
                "layer's vocabulary before calling it. Either pass a `vocabulary` argument to the layer, or "
                "call `adapt` with some sample data."
            )
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        if isinstance(indices, list):  # ragged rows of a text layer
            encoded = np.stack([encode_categorical_numpy(np.asarray(row, "int64"), mode, depth) for row in indices])
        else:
            encoded = encode_categorical_numpy(indices, mode, depth)
        if self.output_mode == "tf_idf":
            encoded = encoded * self.idf_weights
        return encoded

    def call(self, inputs: Any) -> Any:
        values = self._host(inputs)
        if self.invert:
            tokens = self.invert_lookup(values)
            if self.vocabulary_dtype == "string":
                return tokens
            return self._output(tokens, self._output_dtype())
        indices = self.lookup(values)
        if self.output_mode == "int":
            return self._output(indices, self._output_dtype())
        return self._output(self._encode(indices), self._output_dtype())

    def _output_dtype(self) -> str:
        if self.output_mode != "int":
            return floatx()
        if self.invert and self.vocabulary_dtype == "string":
            return "string"
        return int_dtype(self._backend)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return encoded_shape(input_shape, self.output_mode, self._depth())

    @classmethod
    def from_config(cls, config: dict) -> IndexLookup:
        check_vocabulary_not_a_file(config)
        return super().from_config(config)

    def get_config(self) -> dict:
        vocabulary = self.input_vocabulary
        idf_weights = self.input_idf_weights
        if vocabulary is None and self._tokens:
            # Lamina has no asset files: an adapted vocabulary travels in the config.
            vocabulary = list(self._tokens)
            if self.output_mode == "tf_idf" and self._learned_idf is not None:
                idf_weights = [float(w) for w in self._learned_idf]
        config = super().get_config()
        config.update(
            {
                "invert": self.invert,
                "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices,
                "oov_token": self.oov_token,
                "mask_token": self.mask_token,
                "output_mode": self.output_mode,
                "sparse": self.sparse,
                "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": self.vocabulary_dtype,
                "idf_weights": idf_weights,
                "vocabulary": vocabulary,
                "vocabulary_size": self._frozen_vocab_size,
                "oov_method": self.oov_method,
                "salt": self.salt,
            }
        )
        return config


def check_vocabulary_not_a_file(config: dict) -> None:
    """Refuses a vocabulary file path in a config loaded in safe mode (it could read any local file)."""
    from lamina.saving.serialization import in_safe_mode

    if isinstance(config.get("vocabulary"), str) and in_safe_mode():
        raise ValueError(
            "Requested the loading of a vocabulary file outside of the model archive. This could read "
            "arbitrary files and is disallowed in safe mode; if you trust the source, load with "
            f"`safe_mode=False`. Vocabulary file: '{config['vocabulary']}'"
        )


def _listify(value: Any) -> Any:
    """Arrays and tensors as lists, for configs."""
    if value is None or isinstance(value, (list, str)):
        return value
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        return [v.decode() if isinstance(v, bytes) else v for v in value.tolist()]
    return value
