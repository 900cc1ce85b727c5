"""Loss functions and classes, as `keras.losses` (names, arguments, defaults).

The losses live in one file per family (regression, probabilistic, hinge,
segmentation, similarity, ctc); this module gathers them under the path
Keras uses (`keras.src.losses.losses`), which other modules import from.
"""

from __future__ import annotations

from lamina.losses.ctc import CTC as CTC
from lamina.losses.ctc import ctc as ctc
from lamina.losses.hinge import CategoricalHinge as CategoricalHinge
from lamina.losses.hinge import Hinge as Hinge
from lamina.losses.hinge import SquaredHinge as SquaredHinge
from lamina.losses.hinge import categorical_hinge as categorical_hinge
from lamina.losses.hinge import hinge as hinge
from lamina.losses.hinge import squared_hinge as squared_hinge
from lamina.losses.loss import LossFunctionWrapper as LossFunctionWrapper
from lamina.losses.probabilistic import BinaryCrossentropy as BinaryCrossentropy
from lamina.losses.probabilistic import BinaryFocalCrossentropy as BinaryFocalCrossentropy
from lamina.losses.probabilistic import CategoricalCrossentropy as CategoricalCrossentropy
from lamina.losses.probabilistic import CategoricalFocalCrossentropy as CategoricalFocalCrossentropy
from lamina.losses.probabilistic import CategoricalGeneralizedCrossEntropy as CategoricalGeneralizedCrossEntropy
from lamina.losses.probabilistic import KLDivergence as KLDivergence
from lamina.losses.probabilistic import Poisson as Poisson
from lamina.losses.probabilistic import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from lamina.losses.probabilistic import binary_crossentropy as binary_crossentropy
from lamina.losses.probabilistic import binary_focal_crossentropy as binary_focal_crossentropy
from lamina.losses.probabilistic import categorical_crossentropy as categorical_crossentropy
from lamina.losses.probabilistic import categorical_focal_crossentropy as categorical_focal_crossentropy
from lamina.losses.probabilistic import categorical_generalized_cross_entropy as categorical_generalized_cross_entropy
from lamina.losses.probabilistic import kl_divergence as kl_divergence
from lamina.losses.probabilistic import poisson as poisson
from lamina.losses.probabilistic import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from lamina.losses.regression import CosineSimilarity as CosineSimilarity
from lamina.losses.regression import Huber as Huber
from lamina.losses.regression import LogCosh as LogCosh
from lamina.losses.regression import MeanAbsoluteError as MeanAbsoluteError
from lamina.losses.regression import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from lamina.losses.regression import MeanSquaredError as MeanSquaredError
from lamina.losses.regression import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from lamina.losses.regression import cosine_similarity as cosine_similarity
from lamina.losses.regression import huber as huber
from lamina.losses.regression import log_cosh as log_cosh
from lamina.losses.regression import mean_absolute_error as mean_absolute_error
from lamina.losses.regression import mean_absolute_percentage_error as mean_absolute_percentage_error
from lamina.losses.regression import mean_squared_error as mean_squared_error
from lamina.losses.regression import mean_squared_logarithmic_error as mean_squared_logarithmic_error
from lamina.losses.segmentation import Dice as Dice
from lamina.losses.segmentation import Tversky as Tversky
from lamina.losses.segmentation import dice as dice
from lamina.losses.segmentation import tversky as tversky
from lamina.losses.similarity import Circle as Circle
from lamina.losses.similarity import circle as circle
