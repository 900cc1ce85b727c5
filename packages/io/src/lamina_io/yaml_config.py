"""Model configurations as YAML (`model.to_yaml()`, `model_from_yaml`).

Only PyYAML's safe dumper and loader are used: a YAML document can hold
plain data only, and tags such as `!!python/object` are refused.
"""

from __future__ import annotations

from typing import Any


class YamlConfigFormat:
    """Dumps and loads model configurations as YAML text."""

    def dumps(self, config: dict, **kwargs: Any) -> str:
        import yaml

        return yaml.safe_dump(config, sort_keys=False, **kwargs)

    def loads(self, text: str) -> Any:
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.constructor.ConstructorError as error:
            raise ValueError(
                f"Refusing YAML that asks to construct Python objects ({error.problem}). Lamina "
                "reads configurations with the safe loader: plain data only."
            ) from None
        except yaml.YAMLError as error:
            raise ValueError(f"model_from_yaml received text that is not valid YAML: {error}") from None
