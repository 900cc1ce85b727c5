"""Variables on TensorFlow: each Lamina Variable owns a `tf.Variable`.

`value` is the `tf.Variable` itself (outside stateless scopes), so that
`tf.GradientTape` watches it and `tf.function` graphs read its current value
and see assignments. Raw TensorFlow ops accept Lamina variables directly
through a registered tensor conversion function.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from lamina.backend import Variable
from lamina_tensorflow.core import tf_variable_name


class TensorFlowVariable(Variable):
    """A Lamina Variable stored in a `tf.Variable`.

    The Lamina `trainable` flag is authoritative: `tf.Variable.trainable` is
    fixed at creation, so changing `trainable` later only changes the Lamina
    flag (trainers collect variables by that flag and watch them explicitly).
    """

    # Act as a resource variable towards TensorFlow, so that
    # `tape.gradient(loss, model.trainable_variables)` (as Keras users write
    # it on TensorFlow) differentiates with respect to the `tf.Variable`.
    _should_act_as_resource_variable = True

    @property
    def handle(self) -> Any:
        """The resource handle of the underlying `tf.Variable`."""
        return self.value.handle

    def __init__(self, initializer: Any, *args: Any, **kwargs: Any) -> None:
        if _is_graph_tensor(initializer):
            super().__init__(initializer, *args, **kwargs)
            return
        # Initial values never depend on a graph being traced: compute them
        # eagerly, so that variables created inside a tf.function (a layer
        # built on its first call) live outside it.
        with tf.init_scope():
            super().__init__(initializer, *args, **kwargs)

    def _initialize(self, value: Any) -> None:
        self._value = self._make_tf_variable(value)

    def _make_tf_variable(self, value: Any) -> tf.Variable:
        kwargs = {
            "dtype": value.dtype,
            "trainable": self._trainable,
            "name": tf_variable_name(self._path),
        }
        if tf.is_symbolic_tensor(value):
            # Created while a graph is being traced (shape inference or a
            # tf.function): lift constant values out so that the variable lives
            # eagerly instead of in the (temporary) graph.
            static = tf.get_static_value(value)
            if static is None:
                return tf.Variable(value, **kwargs)
            value = static
        with tf.init_scope():
            return tf.Variable(value, **kwargs)

    def _initialize_deferred(self) -> None:
        # Deferred initializers must run eagerly, even when the outermost
        # SymbolicScope exits inside a tf.function trace.
        with tf.init_scope():
            super()._initialize_deferred()

    def _direct_assign(self, value: Any) -> None:
        self._value.assign(value)


def _is_graph_tensor(value: Any) -> bool:
    return isinstance(value, tf.Tensor) and tf.is_symbolic_tensor(value)


def _convert_variable(
    variable: TensorFlowVariable, dtype: Any = None, name: Any = None, as_ref: bool = False
) -> tf.Tensor:
    return tf.convert_to_tensor(variable.value, dtype=dtype, name=name)


tf.register_tensor_conversion_function(TensorFlowVariable, _convert_variable)
