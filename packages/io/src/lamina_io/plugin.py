"""Entry point of the lamina-io plugin: registers its file formats lazily."""

from collections.abc import Callable

from lamina.plugins import hookimpl


@hookimpl
def register_formats(register: Callable) -> None:
    register("weights_h5", "lamina_io.weights_h5:WeightsH5Format", extensions=(".weights.h5",))
    register("keras", "lamina_io.keras_archive:KerasArchiveFormat", extensions=(".keras",))
    register("yaml", "lamina_io.yaml_config:YamlConfigFormat", extensions=(".yaml", ".yml"))
    register("legacy_h5", "lamina_io.legacy_h5:LegacyH5Format", extensions=(".h5", ".hdf5"))
