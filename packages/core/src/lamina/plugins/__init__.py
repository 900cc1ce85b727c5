"""Lamina's plugin system (pluggy, entry-point group "lamina").

Example: a plugin module named by an entry point
    ```python
    import lamina.plugins

    @lamina.plugins.hookimpl
    def register_backends(register):
        register("mine", "my_backend.backend:MyBackend", requires=("my_framework",))
    ```
"""

from lamina.plugins.manager import ENTRY_POINT_GROUP as ENTRY_POINT_GROUP
from lamina.plugins.manager import PluginInfo as PluginInfo
from lamina.plugins.manager import PluginWarning as PluginWarning
from lamina.plugins.manager import get_plugin_manager as get_plugin_manager
from lamina.plugins.manager import get_plugins as get_plugins
from lamina.plugins.manager import hookimpl as hookimpl
from lamina.plugins.manager import register as register
from lamina.plugins.manager import unregister as unregister
