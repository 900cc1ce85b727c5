"""The `lamina` command: `info`, `plugins`, `conformance`."""

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
