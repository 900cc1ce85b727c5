"""An Estimator-style facade over a compiled model (TensorFlow's `tf.estimator` interface).

`model_to_estimator(model, model_dir=...)` gives an `Estimator` that trains,
evaluates and predicts from input functions, checkpoints into `model_dir`
(`.keras` files), resumes from the latest checkpoint, and exports the model.
"""

from lamina.estimator.estimator import Estimator as Estimator
from lamina.estimator.estimator import model_to_estimator as model_to_estimator
from lamina.estimator.input_fn import ModeKeys as ModeKeys
from lamina.estimator.run_config import RunConfig as RunConfig

__all__ = ["Estimator", "ModeKeys", "RunConfig", "model_to_estimator"]
