"""`TextVectorization`: turns text into token indices or bag-of-words vectors."""

from __future__ import annotations

import re
import string
from typing import Any

import numpy as np

from lamina.backend.config import floatx
from lamina.layers.preprocessing.category_encoding import check_not_sparse
from lamina.layers.preprocessing.host_layer import HostLayer, int_dtype, iterate_batches
from lamina.layers.preprocessing.index_lookup import OUTPUT_MODES, check_vocabulary_not_a_file
from lamina.layers.preprocessing.string_lookup import StringLookup
from lamina.saving import deserialize_keras_object, serialize_keras_object

STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT = ("whitespace", "character")
# `tf.strings.lower` lowercases ASCII only; `tf.strings.split` splits on C whitespace.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_PUNCTUATION = str.maketrans("", "", string.punctuation)
_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")


class TextVectorization(HostLayer):
    """Maps text to sequences of token indices or to token-count vectors.

    Each string is standardized (lowercased ASCII and stripped of ASCII
    punctuation by default), split into tokens (on whitespace by default),
    optionally extended with n-grams, and looked up in a vocabulary (given, or
    learned by `adapt()`: most frequent first). Index 0 is padding (the mask
    token ""), index 1 the OOV token "[UNK]". The results equal Keras's.

    Text is processed on the host: pass NumPy arrays of `str`/`bytes`,
    Python lists of strings, or TensorFlow string tensors; the output is an
    integer (or float) tensor of the backend. JAX and PyTorch have no string
    tensors, so vectorize the data before the model (`ids = layer(texts)`);
    the layer cannot run inside a compiled step. Custom `standardize` and
    `split` callables receive and return NumPy arrays (`split` returns one
    list of tokens per string).

    Args:
        max_tokens: maximum vocabulary size, including padding and OOV.
        standardize: "lower_and_strip_punctuation" (default), "lower",
            "strip_punctuation", None, or a callable.
        split: "whitespace" (default), "character", None, or a callable.
        ngrams: None, an int n (all n-grams up to n) or a tuple of sizes.
        output_mode: "int" (default), "multi_hot", "count" or "tf_idf".
        output_sequence_length: with "int", pad or truncate every sequence
            to this length (default: the longest in the batch).
        pad_to_max_tokens: encode to `max_tokens` columns.
        vocabulary: list of tokens, or path to a file with one per line.
        idf_weights: with "tf_idf" and a `vocabulary`, the inverse document
            frequencies.
        sparse, ragged: must be False.
        encoding: text encoding of byte strings (default "utf-8").

    Example:
        ```python
        layer = lamina.layers.TextVectorization(output_sequence_length=4)
        layer.adapt(["the cat sat", "the dog"])
        layer(["The cat!", "a dog"])  # [[2, 5, 0, 0], [1, 4, 0, 0]]: "the", "cat"; OOV, "dog"
        ```
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        standardize: Any = "lower_and_strip_punctuation",
        split: Any = "whitespace",
        ngrams: Any = None,
        output_mode: str = "int",
        output_sequence_length: int | None = None,
        pad_to_max_tokens: bool = False,
        vocabulary: Any = None,
        idf_weights: Any = None,
        sparse: bool = False,
        ragged: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not (standardize is None or callable(standardize) or standardize in STANDARDIZE):
            raise ValueError(
                f"Invalid value for argument `standardize` of TextVectorization. Expected one of {STANDARDIZE}, "
                f"None or a callable. Received: standardize={standardize!r}"
            )
        if not (split is None or callable(split) or split in SPLIT):
            raise ValueError(
                f"Invalid value for argument `split` of TextVectorization. Expected one of {SPLIT}, None or a "
                f"callable. Received: split={split!r}"
            )
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"Invalid value for argument `output_mode` of TextVectorization. Expected one of {OUTPUT_MODES}. "
                f"Received: output_mode={output_mode!r}"
            )
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (
            ngrams is None
            or (isinstance(ngrams, int) and not isinstance(ngrams, bool) and ngrams > 0)
            or (isinstance(ngrams, tuple) and all(isinstance(n, int) and n > 0 for n in ngrams))
        ):
            raise ValueError(f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}")
        if output_mode == "int" and not (
            output_sequence_length is None
            or (isinstance(output_sequence_length, int) and not isinstance(output_sequence_length, bool))
        ):
            raise ValueError(
                "`output_sequence_length` must be either None or an integer when `output_mode` is 'int'. "
                f"Received: output_sequence_length={output_sequence_length}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={output_sequence_length}."
            )
        check_not_sparse(sparse, "TextVectorization")
        if ragged:
            raise ValueError(
                "TextVectorization(ragged=True) is not supported: Lamina returns dense, padded sequences. "
                "Remove `ragged=True`."
            )
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            sparse=sparse,
            has_input_vocabulary=has_input_vocabulary,
            encoding=encoding,
            vocabulary_size=vocabulary_size,
        )

    # -- vocabulary ----------------------------------------------------------------------------
    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Builds the vocabulary from the texts in `data`.

        Args:
            data: a list, NumPy array or string tensor of texts, or an
                iterable of batches of texts (generator, `tf.data.Dataset`).
            batch_size: unused (kept for Keras compatibility).
            steps: the number of batches to read (for endless iterables).
        """
        self.reset_state()
        if isinstance(data, (np.ndarray, list, tuple, str, bytes)) or hasattr(data, "shape"):
            texts = self._host(data)
            self.update_state(texts[:, np.newaxis] if texts.ndim == 1 else texts)
        else:
            for i, batch in enumerate(iterate_batches(data, layer="TextVectorization.adapt()")):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        self._lookup_layer.update_state(self._preprocess(self._host(data)))

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary; with special tokens ("" and "[UNK]"), each token sits at its index."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        """The number of indices, including padding and OOV."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Sets the vocabulary (and with "tf_idf" the IDF weights) directly."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- text processing -----------------------------------------------------------------------
    def _texts(self, values: np.ndarray) -> np.ndarray:
        """The strings of `values` as an object array of `str`."""
        if values.dtype.kind == "U":
            return values.astype(object)
        if values.dtype.kind in ("S", "O"):
            flat = [v.decode(self._encoding) if isinstance(v, bytes) else str(v) for v in values.reshape(-1).tolist()]
            return np.array(flat, dtype=object).reshape(values.shape)
        raise ValueError(f"TextVectorization expects strings. Received values of dtype {values.dtype}.")

    def _standardized(self, texts: np.ndarray) -> np.ndarray:
        if callable(self._standardize):
            return self._texts(np.asarray(self._standardize(texts.astype(str))))
        if self._standardize is None:
            return texts

        def clean(text: str) -> str:
            if self._standardize in ("lower", "lower_and_strip_punctuation"):
                text = text.translate(_ASCII_LOWER)
            if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
                text = text.translate(_PUNCTUATION)
            return text

        return np.array([clean(t) for t in texts.reshape(-1).tolist()], dtype=object).reshape(texts.shape)

    def _preprocess(self, values: np.ndarray) -> Any:
        """Standardized, split texts: a list of token lists (one per string), or an array when not splitting."""
        texts = self._standardized(self._texts(np.asarray(values)))
        if self._split is None:
            if self._ngrams is None:
                return texts
            rows = [list(row) for row in np.atleast_2d(texts).tolist()]
        else:
            if texts.ndim > 1:
                if texts.shape[-1] != 1:
                    raise ValueError(
                        "When using `TextVectorization` to tokenize strings, the input rank must be 1 or the last "
                        f"shape dimension must be 1. Received: inputs.shape={texts.shape} with rank={texts.ndim}"
                    )
                texts = texts[..., 0]
            flat = texts.reshape(-1).tolist()
            if callable(self._split):
                rows = [[str(t) for t in row] for row in self._split(np.asarray(flat, dtype=str))]
            elif self._split == "whitespace":
                rows = [[t for t in _WHITESPACE.split(text) if t] for text in flat]
            else:
                rows = [list(text) for text in flat]
        if self._ngrams is not None:
            rows = [[" ".join(row[i : i + n]) for n in self._ngrams for i in range(len(row) - n + 1)] for row in rows]
        return rows

    # -- call ----------------------------------------------------------------------------------
    def call(self, inputs: Any) -> Any:
        tokens = self._preprocess(self._host(inputs))
        lookup = self._lookup_layer
        if isinstance(tokens, np.ndarray):
            if self._output_mode != "int":
                tokens = tokens[:, np.newaxis] if tokens.ndim == 1 else tokens
                return self._output(lookup._encode(lookup.lookup(tokens)), floatx())
            indices = lookup.lookup(tokens)
            if self._output_sequence_length is not None and indices.ndim > 1:
                indices = _fit_length(indices, self._output_sequence_length)
            return self._output(indices, int_dtype(self._backend))
        flat = np.array([token for row in tokens for token in row], dtype=object)
        boundaries = np.cumsum([len(row) for row in tokens])[:-1]
        rows = np.split(lookup.lookup(flat), boundaries) if tokens else []
        if self._output_mode != "int":
            return self._output(lookup._encode(rows), floatx())
        length = self._output_sequence_length
        if length is None:
            length = max((len(row) for row in rows), default=0)
        padded = np.zeros((len(rows), length), "int64")
        for i, row in enumerate(rows):
            padded[i, : min(len(row), length)] = row[:length]
        return self._output(padded, int_dtype(self._backend))

    def _output_dtype(self) -> str:
        return int_dtype(self._backend) if self._output_mode == "int" else floatx()

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            if self._split is None:  # one index per string
                if len(input_shape) > 1 and self._output_sequence_length is not None:
                    return input_shape[:-1] + (self._output_sequence_length,)
                return input_shape
            return (input_shape[0] if input_shape else None, self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = input_shape + (1,)
        else:
            input_shape = input_shape + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    # -- configuration -------------------------------------------------------------------------
    def get_config(self) -> dict:
        lookup = self._lookup_layer
        lookup_config = lookup.get_config()
        config = super().get_config()
        config.update(
            {
                "max_tokens": lookup.max_tokens,
                "standardize": self._standardize
                if not callable(self._standardize)
                else serialize_keras_object(self._standardize),
                "split": self._split if not callable(self._split) else serialize_keras_object(self._split),
                "ngrams": self._ngrams_arg,
                "output_mode": self._output_mode,
                "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": lookup.pad_to_max_tokens,
                "sparse": lookup.sparse,
                "ragged": self._ragged,
                "vocabulary": lookup_config["vocabulary"],
                "idf_weights": lookup_config["idf_weights"],
                "encoding": self._encoding,
                "vocabulary_size": self.vocabulary_size(),
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict) -> TextVectorization:
        config = dict(config)
        check_vocabulary_not_a_file(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)


def _fit_length(indices: np.ndarray, length: int) -> np.ndarray:
    """Truncates or zero-pads the last axis of `indices` to `length`."""
    indices = indices[..., :length]
    missing = length - indices.shape[-1]
    if missing > 0:
        indices = np.pad(indices, [(0, 0)] * (indices.ndim - 1) + [(0, missing)])
    return indices
