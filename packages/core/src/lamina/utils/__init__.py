"""`lamina.utils`: helpers, as `keras.utils`."""

from lamina.callbacks.history import plot_history as plot_history
from lamina.trainers.data_adapters.data_adapter_utils import pack_x_y_sample_weight as pack_x_y_sample_weight
from lamina.trainers.data_adapters.data_adapter_utils import unpack_x_y_sample_weight as unpack_x_y_sample_weight
from lamina.utils.model_visualization import model_to_dot as model_to_dot
from lamina.utils.model_visualization import plot_model as plot_model
from lamina.utils.numerical_utils import normalize as normalize
from lamina.utils.numerical_utils import to_categorical as to_categorical
from lamina.utils.py_dataset import PyDataset as PyDataset
from lamina.utils.py_dataset import PyDataset as Sequence
from lamina.utils.random_seed import set_random_seed as set_random_seed
from lamina.utils.session import clear_session as clear_session

__all__ = [
    "PyDataset",
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
]
