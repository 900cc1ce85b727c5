"""An example Lamina layer pack (registered through the `lamina` entry point).

Example:
    ```python
    from lamina_example_layers import Antirectifier

    layer = Antirectifier(units=4)
    ```
"""

from lamina_example_layers.antirectifier import Antirectifier as Antirectifier

__version__ = "0.1.0"

#: The `package` part of this pack's registered names ("ExampleLayers>Antirectifier").
PACKAGE = "ExampleLayers"
