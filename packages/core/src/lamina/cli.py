"""The `lamina` command: `info`, `plugins`, `summary`, `convert`, `export`, `conformance`."""

from __future__ import annotations

import importlib.metadata
import os
import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console(highlight=False)


def _version(name: str) -> str:
    """Version of the distribution providing module (or distribution) `name`."""
    candidates = [name]
    try:
        candidates += importlib.metadata.packages_distributions().get(name, [])
    except Exception:  # noqa: BLE001 - best effort display
        pass
    for candidate in candidates:
        try:
            return importlib.metadata.version(candidate)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "not installed"


@click.group()
@click.version_option(package_name="lamina", prog_name="lamina")
def main() -> None:
    """Lamina: Keras 3's API on pluggable PyTorch, JAX and TensorFlow backends."""


def _plugin_table() -> Table:
    from lamina.plugins import get_plugins

    table = Table(title="Plugins", title_justify="left")
    table.add_column("plugin")
    table.add_column("version")
    table.add_column("registered")
    table.add_column("status")
    for info in get_plugins():
        registered = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in info.registered.items()) or "-"
        status = "[green]ok[/green]" if info.ok else f"[red]failed: {escape(str(info.error))}[/red]"
        table.add_row(escape(info.name), info.version, escape(registered), status)
    return table


@main.command()
def plugins() -> None:
    """List installed plugins, their versions, what they registered and load errors."""
    from lamina.plugins import get_plugins

    found = get_plugins()
    if not found:
        console.print(escape('No Lamina plugins are installed. Install a backend: pip install "lamina[jax]"'))
        return
    console.print(_plugin_table())


@main.command()
def info() -> None:
    """Show versions, backends (and which is active), formats, exporters and plugins."""
    from lamina.backend import registry, selection
    from lamina.export.registry import EXPORTERS
    from lamina.saving.format_registry import FORMATS

    console.print(f"lamina {_version('lamina')} on Python {sys.version.split()[0]} ({sys.platform})")
    table = Table(title="Backends", title_justify="left")
    table.add_column("backend")
    table.add_column("plugin")
    table.add_column("framework")
    table.add_column("status")
    entries = registry.entries()
    try:
        default, source = selection.explain_default()
        choice_error = None
    except Exception as error:  # noqa: BLE001 - shown to the user
        default, source, choice_error = None, "", str(error)
    for name in ("jax", "torch", "tensorflow"):
        if name not in entries:
            table.add_row(name, "-", _version(name), escape(f'not installed: pip install "lamina[{name}]"'))
    for name, entry in entries.items():
        framework = ", ".join(f"{m} {_version(m)}" for m in entry.requires) or "-"
        missing = entry.missing_requirements()
        if missing:
            status = f"[red]unavailable: {', '.join(missing)} missing[/red]"
        elif name == default:
            status = f"[green]active[/green] (chosen by {source})"
        else:
            status = "installed"
        table.add_row(name, entry.plugin, framework, status)
    console.print(table)
    if choice_error:
        console.print(f"[red]No active backend: {escape(choice_error)}[/red]")
    formats = FORMATS.entries()
    console.print(
        "File formats: "
        + escape(
            ", ".join(f"{n} ({', '.join(e.options.get('extensions', ()))})" for n, e in formats.items())
            if formats
            else 'none (pip install "lamina[io]")'
        )
    )
    exporters = EXPORTERS.entries()
    console.print("Exporters: " + (", ".join(exporters) if exporters else "none"))
    console.print(
        f"Configuration: LAMINA_BACKEND={os.environ.get('LAMINA_BACKEND', '(unset)')}, LAMINA_HOME={selection.lamina_home()}"
    )
    console.print(_plugin_table())


_CONFIG_ENDINGS = (".json", ".yaml", ".yml")


def _load_any(path: str, weights: str | None = None) -> object:
    """A model from a .keras archive, or from a JSON/YAML config (+ optional weights)."""
    from lamina import models

    if path.endswith(".keras"):
        return models.load_model(path, compile=False)
    if path.endswith(_CONFIG_ENDINGS):
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
        model = models.model_from_json(text) if path.endswith(".json") else models.model_from_yaml(text)
        if weights:
            model.load_weights(weights)
        return model
    raise click.ClickException(
        f"Cannot read a model from {path}: expected a .keras archive or a .json/.yaml configuration "
        "(a .weights.h5 file holds weights only)."
    )


def _weights_table(path: str) -> Table:
    import h5py

    table = Table(title=f"Weights in {path}", title_justify="left")
    table.add_column("path")
    table.add_column("shape")
    table.add_column("dtype")
    with h5py.File(path, "r") as handle:

        def visit(name: str, item: object) -> None:
            if isinstance(item, h5py.Dataset):
                table.add_row(name, str(tuple(item.shape)), str(item.dtype))

        handle.visititems(visit)
    return table


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def summary(path: str) -> None:
    """Print the summary of a saved model (.keras, .json, .yaml) or list a .weights.h5 file."""
    if path.endswith(".weights.h5"):
        console.print(_weights_table(path))
        return
    try:
        model = _load_any(path)
    except (ValueError, TypeError, OSError) as error:
        raise click.ClickException(str(error)) from None
    model.summary()


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.argument("target", type=click.Path(dir_okay=False))
@click.option(
    "--weights", type=click.Path(exists=True, dir_okay=False), help="Weights (.weights.h5) for a JSON/YAML source."
)
@click.option("--overwrite/--no-overwrite", default=False, help="Replace TARGET if it exists.")
def convert(source: str, target: str, weights: str | None, overwrite: bool) -> None:
    """Convert a model between .keras, .weights.h5, .json and .yaml (Keras 3 files included)."""
    if os.path.exists(target) and not overwrite:
        raise click.ClickException(f"{target} exists. Pass --overwrite to replace it.")
    if target.endswith(".keras") and source.endswith(_CONFIG_ENDINGS) and not weights:
        raise click.ClickException(
            f"{source} holds an architecture but no weights, so it cannot become a .keras model. "
            "Pass --weights W.weights.h5, or convert from a .keras file."
        )
    try:
        model = _load_any(source, weights)
        if target.endswith(".keras"):
            model.save(target)
        elif target.endswith(".weights.h5"):
            model.save_weights(target)
        elif target.endswith(".json"):
            with open(target, "w", encoding="utf-8") as stream:
                stream.write(model.to_json(indent=2))
        elif target.endswith((".yaml", ".yml")):
            with open(target, "w", encoding="utf-8") as stream:
                stream.write(model.to_yaml())
        else:
            raise click.ClickException(f"Unknown target format for {target}: use .keras, .weights.h5, .json or .yaml.")
    except (ValueError, TypeError, OSError) as error:
        raise click.ClickException(str(error)) from None
    console.print(f"Wrote {target} ({model.name}, {model.count_params():,} parameters).")


def _export_backend(format_name: str, requested: str | None) -> str:
    """The backend to load a model on for `lamina export`: the requested one, else
    the active one if it can produce the format, else the first installed one that can."""
    from lamina.backend import registry as backend_registry
    from lamina.backend import selection
    from lamina.export import registry

    if requested:
        return requested
    active = selection.default_backend_name()
    candidates = [active] + [name for name in backend_registry.installed_backends() if name != active]
    for name in candidates:
        try:
            registry.find_exporter(format_name, name)
        except ValueError:
            continue
        return name
    return active


@main.command(name="export")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "format_name", required=True, help="tf_saved_model, torch, jax, onnx, ...")
@click.option("--output", "-o", required=True, type=click.Path(), help="Where to write the artifact.")
@click.option("--backend", default=None, help="Backend to load the model on (default: one that can export FORMAT).")
@click.option("--weights", type=click.Path(exists=True, dir_okay=False), help="Weights for a JSON/YAML PATH.")
def export_command(path: str, format_name: str, output: str, backend: str | None, weights: str | None) -> None:
    """Export a saved model (.keras, or .json/.yaml with --weights) to a deployable artifact."""
    from lamina.backend import registry as backend_registry
    from lamina.backend import state

    if path.endswith(_CONFIG_ENDINGS) and not weights:
        raise click.ClickException(f"{path} holds an architecture but no weights. Pass --weights W.weights.h5.")
    try:
        name = _export_backend(format_name, backend)
        with state.backend_scope(backend_registry.get_backend(name)):
            model = _load_any(path, weights)
            model.export(output, format=format_name, verbose=False)
    except (ValueError, TypeError, OSError) as error:
        raise click.ClickException(str(error)) from None
    console.print(escape(f"Wrote {output} ({format_name} from the {name} backend, model {model.name})."))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("backend")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def conformance(backend: str, pytest_args: tuple) -> None:
    """Run the backend conformance suite on BACKEND (extra arguments go to pytest)."""
    try:
        import pytest
    except ImportError:
        raise click.ClickException('The conformance suite needs pytest: pip install "lamina[testing]"') from None
    from lamina.backend import registry

    try:
        registry.get_backend(backend)
    except ImportError as error:
        raise click.ClickException(str(error)) from None
    code = pytest.main(
        ["--pyargs", "lamina.testing.conformance", "--lamina-backend", backend, "-p", "no:cacheprovider", *pytest_args]
    )
    sys.exit(int(code))


if __name__ == "__main__":  # pragma: no cover
    main()
