"""`lamina.utils`: helpers, as `keras.utils`."""

from lamina.backend.dtypes import standardize_dtype as standardize_dtype
from lamina.backend.symbolic import is_symbolic as is_keras_tensor
from lamina.callbacks.history import plot_history as plot_history
from lamina.saving.object_registry import CustomObjectScope as CustomObjectScope
from lamina.saving.object_registry import custom_object_scope as custom_object_scope
from lamina.saving.object_registry import get_custom_objects as get_custom_objects
from lamina.saving.object_registry import get_registered_name as get_registered_name
from lamina.saving.object_registry import get_registered_object as get_registered_object
from lamina.saving.object_registry import register_keras_serializable as register_keras_serializable
from lamina.saving.serialization import deserialize_keras_object as deserialize_keras_object
from lamina.saving.serialization import serialize_keras_object as serialize_keras_object
from lamina.trainers.data_adapters.data_adapter_utils import pack_x_y_sample_weight as pack_x_y_sample_weight
from lamina.trainers.data_adapters.data_adapter_utils import unpack_x_y_sample_weight as unpack_x_y_sample_weight
from lamina.utils.config import Config as Config
from lamina.utils.dataset_split import split_dataset as split_dataset
from lamina.utils.image_utils import array_to_img as array_to_img
from lamina.utils.image_utils import img_to_array as img_to_array
from lamina.utils.image_utils import load_img as load_img
from lamina.utils.image_utils import save_img as save_img
from lamina.utils.io_utils import disable_interactive_logging as disable_interactive_logging
from lamina.utils.io_utils import enable_interactive_logging as enable_interactive_logging
from lamina.utils.io_utils import is_interactive_logging_enabled as is_interactive_logging_enabled
from lamina.utils.model_visualization import model_to_dot as model_to_dot
from lamina.utils.model_visualization import plot_model as plot_model
from lamina.utils.numerical_utils import normalize as normalize
from lamina.utils.numerical_utils import to_categorical as to_categorical
from lamina.utils.progbar import Progbar as Progbar
from lamina.utils.py_dataset import PyDataset as PyDataset
from lamina.utils.py_dataset import PyDataset as Sequence
from lamina.utils.random_seed import set_random_seed as set_random_seed
from lamina.utils.sequence_utils import pad_sequences as pad_sequences
from lamina.utils.session import clear_session as clear_session
from lamina.utils.source_inputs import get_source_inputs as get_source_inputs
from lamina.utils.timeseries_dataset import timeseries_dataset_from_array as timeseries_dataset_from_array

__all__ = [
    "PyDataset",
    "timeseries_dataset_from_array",
    "Sequence",
    "clear_session",
    "normalize",
    "model_to_dot",
    "pack_x_y_sample_weight",
    "plot_history",
    "plot_model",
    "set_random_seed",
    "to_categorical",
    "unpack_x_y_sample_weight",
    "Config",
    "CustomObjectScope",
    "Progbar",
    "array_to_img",
    "custom_object_scope",
    "deserialize_keras_object",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "get_source_inputs",
    "img_to_array",
    "is_interactive_logging_enabled",
    "is_keras_tensor",
    "load_img",
    "pad_sequences",
    "register_keras_serializable",
    "save_img",
    "serialize_keras_object",
    "split_dataset",
    "standardize_dtype",
]
