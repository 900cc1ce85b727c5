"""`lamina.callbacks`: hooks into training, as `keras.callbacks`."""

from lamina.callbacks.callback import Callback as Callback
from lamina.callbacks.callback_list import CallbackList as CallbackList
from lamina.callbacks.history import History as History
from lamina.callbacks.progbar_logger import ProgbarLogger as ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
