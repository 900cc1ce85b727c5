"""`lamina.callbacks`: hooks into training, as `keras.callbacks`."""

from lamina.callbacks.backup_and_restore import BackupAndRestore as BackupAndRestore
from lamina.callbacks.callback import Callback as Callback
from lamina.callbacks.callback_list import CallbackList as CallbackList
from lamina.callbacks.csv_logger import CSVLogger as CSVLogger
from lamina.callbacks.early_stopping import EarlyStopping as EarlyStopping
from lamina.callbacks.history import History as History
from lamina.callbacks.lambda_callback import LambdaCallback as LambdaCallback
from lamina.callbacks.learning_rate_scheduler import LearningRateScheduler as LearningRateScheduler
from lamina.callbacks.model_checkpoint import ModelCheckpoint as ModelCheckpoint
from lamina.callbacks.progbar_logger import ProgbarLogger as ProgbarLogger
from lamina.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau as ReduceLROnPlateau
from lamina.callbacks.swap_ema_weights import SwapEMAWeights as SwapEMAWeights
from lamina.callbacks.tensorboard import TensorBoard as TensorBoard
from lamina.callbacks.terminate_on_nan import TerminateOnNaN as TerminateOnNaN

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "SwapEMAWeights",
    "TensorBoard",
    "TerminateOnNaN",
]
