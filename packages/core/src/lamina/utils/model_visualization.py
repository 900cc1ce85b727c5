"""`plot_model` and `model_to_dot`: draw a model's graph with Graphviz, as `keras.utils` does.

`model_to_dot` builds a `pydot.Dot` graph (no Graphviz program needed);
`plot_model` renders it with Graphviz's `dot` program to PNG, SVG, PDF or
any other format `dot` knows, or writes the DOT source itself (".dot",
".gv"). Each layer is one box; calls of a shared layer all point at its box;
nested models are one box each, or a dashed cluster of their own layers with
`expand_nested=True`. Subclassed models have no graph to draw and appear as
one box.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from typing import Any

_RANKDIRS = ("TB", "LR", "BT", "RL")
_SOURCE_FORMATS = ("dot", "gv")
_INSTALL_HINT = (
    "Install pydot with `pip install pydot`, and Graphviz (which provides the `dot` program) "
    "from your system's packages: `apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS) or `conda install graphviz`."
)


def _import_pydot() -> Any:
    try:
        import pydot
    except ImportError:
        raise ImportError(f"Drawing a model needs pydot, which is not installed. {_INSTALL_HINT}") from None
    return pydot


def _find_dot_program() -> str:
    program = shutil.which("dot")
    if program is None:
        raise ImportError(
            "Rendering a model image needs Graphviz's `dot` program, which was not found on PATH. "
            f"{_INSTALL_HINT} To get the graph without Graphviz, use `lamina.utils.model_to_dot(model)` "
            'or save the DOT source with `to_file="model.dot"`.'
        )
    return program


def _is_model(layer: Any) -> bool:
    from lamina.models.model import Model

    return isinstance(layer, Model)


def _graph_kind(model: Any) -> str:
    """How `model` is drawn: "functional", "sequential", or "opaque" (one box: a subclassed model)."""
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    if isinstance(model, Functional):
        return "functional"
    if isinstance(model, Sequential):
        return "sequential"
    return "opaque"


def _format_shapes(tensors: list) -> str:
    shapes = [tuple(t.shape) for t in tensors]
    if not shapes:
        return "?"
    text = ", ".join(str(shape) for shape in shapes)
    return text if len(shapes) == 1 else f"[{text}]"


def _format_dtypes(tensors: list) -> str:
    names = [str(getattr(t, "dtype", "?")) for t in tensors]
    if not names:
        return "?"
    return names[0] if len(names) == 1 else f"[{', '.join(names)}]"


def _activation_name(layer: Any) -> str | None:
    activation = getattr(layer, "activation", None)
    if activation is None or not callable(activation):
        return None
    name = getattr(activation, "__name__", None) or getattr(activation, "name", None)
    return str(name) if name else type(activation).__name__


class _DotBuilder:
    """Adds one model's layers and edges to a pydot graph, recursing into nested models."""

    def __init__(self, pydot: Any, options: dict) -> None:
        self.pydot = pydot
        self.options = options
        self.node_ids: dict[int, str] = {}  # id(layer) -> DOT node name
        self.ports: dict[int, tuple[list[str], list[str]]] = {}  # id(model) -> (entries, exits)
        self.edges: set[tuple[str, str]] = set()

    # -- labels ---------------------------------------------------------------------
    def label(self, layer: Any) -> str:
        options = self.options
        class_name = type(layer).__name__
        title = f"<b>{html.escape(layer.name)}</b> ({class_name})" if options["show_layer_names"] else class_name
        rows = [f'<tr><td colspan="2" bgcolor="#e8eef7">{title}</td></tr>']
        if options["show_layer_activations"]:
            activation = _activation_name(layer)
            if activation is not None:
                rows.append(f'<tr><td colspan="2">activation: {html.escape(activation)}</td></tr>')
        if options["show_trainable"]:
            rows.append(f'<tr><td colspan="2">trainable: {"yes" if layer.trainable else "no"}</td></tr>')
        if options["show_shapes"] or options["show_dtype"]:
            node = next((n for n in getattr(layer, "_inbound_nodes", []) if n.outputs), None)
            inputs = list(node.input_tensors) if node is not None else []
            outputs = list(node.outputs) if node is not None else []
            is_input = node is not None and node.is_input
            if options["show_shapes"]:
                if not is_input:
                    rows.append(self._pair("input shape", _format_shapes(inputs) if node else "?"))
                rows.append(self._pair("output shape", _format_shapes(outputs) if node else "?"))
            if options["show_dtype"]:
                if not is_input:
                    rows.append(self._pair("input dtype", _format_dtypes(inputs) if node else "?"))
                rows.append(self._pair("output dtype", _format_dtypes(outputs) if node else "?"))
        table = "".join(rows)
        return f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="4">{table}</table>>'

    @staticmethod
    def _pair(key: str, value: str) -> str:
        return f"<tr><td>{key}</td><td>{html.escape(value)}</td></tr>"

    # -- nodes, clusters, edges --------------------------------------------------------
    def add_layer(self, graph: Any, layer: Any) -> None:
        """Adds `layer` as a box, or as an expanded cluster for a nested model."""
        if id(layer) in self.node_ids or id(layer) in self.ports:
            return
        if self.options["expand_nested"] and _is_model(layer) and _graph_kind(layer) != "opaque":
            cluster = self.pydot.Cluster(
                f"m{id(layer)}",
                label=f"{layer.name} ({type(layer).__name__})",
                style="dashed",
                fontname="Helvetica",
            )
            self.ports[id(layer)] = self.add_model(cluster, layer)
            graph.add_subgraph(cluster)
            return
        name = f"n{id(layer)}"
        self.node_ids[id(layer)] = name
        graph.add_node(self.pydot.Node(name, label=self.label(layer), shape="plaintext", fontname="Helvetica"))

    def add_edge(self, graph: Any, source: str, target: str) -> None:
        if (source, target) not in self.edges:
            self.edges.add((source, target))
            graph.add_edge(self.pydot.Edge(source, target))

    def source_of(self, tensor: Any) -> str:
        """The box an edge carrying `tensor` starts from."""
        operation, _, index = tensor._history
        if id(operation) in self.ports:
            exits = self.ports[id(operation)][1]
            return exits[min(index, len(exits) - 1)]
        return self.node_ids[id(operation)]

    def target_of(self, layer: Any, position: int) -> str:
        """The box an edge into input `position` of `layer` ends at."""
        if id(layer) in self.ports:
            entries = self.ports[id(layer)][0]
            return entries[min(position, len(entries) - 1)]
        return self.node_ids[id(layer)]

    def add_model(self, graph: Any, model: Any) -> tuple[list[str], list[str]]:
        """Adds the layers of `model` and their edges; returns its (entry, exit) boxes."""
        kind = _graph_kind(model)
        if kind == "sequential":
            stack = list(model._layers)
            for layer in stack:
                self.add_layer(graph, layer)
            for before, after in zip(stack, stack[1:]):
                source = self.ports[id(before)][1][0] if id(before) in self.ports else self.node_ids[id(before)]
                self.add_edge(graph, source, self.target_of(after, 0))
            first, last = stack[0], stack[-1]
            entries = self.ports[id(first)][0] if id(first) in self.ports else [self.node_ids[id(first)]]
            exits = self.ports[id(last)][1] if id(last) in self.ports else [self.node_ids[id(last)]]
            return entries, exits
        # The model's Input layers first, in the order of `model.inputs`.
        operations = [t._history[0] for t in model.inputs]
        operations += [op for op in model._operations if all(op is not other for other in operations)]
        for operation in operations:
            self.add_layer(graph, operation)
        for node in model._nodes:
            for position, tensor in enumerate(node.input_tensors):
                if tensor._history is None:
                    continue
                self.add_edge(graph, self.source_of(tensor), self.target_of(node.operation, position))
        entries = [self.target_of(t._history[0], 0) for t in model.inputs]
        exits = [self.source_of(t) for t in model.outputs]
        return entries, exits


def model_to_dot(
    model: Any,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    subgraph: bool = False,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str | None = None,
    **kwargs: Any,
) -> Any:
    """Converts a model to a `pydot.Dot` graph (needs pydot, not the Graphviz program).

    Args:
        model: a built model: Sequential, functional, or subclassed (drawn as one box).
        show_shapes: show each layer's input and output shapes.
        show_dtype: show each layer's input and output dtypes.
        show_layer_names: show layer names next to their class names.
        rankdir: the layout direction: "TB" (top to bottom), "LR" (left to right),
            "BT" or "RL".
        expand_nested: draw nested Sequential and functional models as clusters
            of their own layers instead of one box.
        dpi: the image resolution Graphviz uses.
        subgraph: return a `pydot.Cluster` (to embed in another graph) instead
            of a `pydot.Dot`.
        show_layer_activations: show the activation of layers that have one.
        show_trainable: show whether each layer is trainable.
        splines: Graphviz's edge style ("ortho", "spline", "polyline", "line", ...);
            default: "ortho", as in Keras.
        **kwargs: nothing else is accepted (an unknown keyword is an error).

    Returns:
        The `pydot.Dot` graph (or a `pydot.Cluster` with `subgraph=True`);
        `to_string()` gives its DOT source.

    Example:
        ```python
        dot = lamina.utils.model_to_dot(model, show_shapes=True)
        print(dot.to_string())
        ```
    """
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for `model_to_dot`: {sorted(kwargs)}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"`rankdir` must be one of {', '.join(_RANKDIRS)}. Received: rankdir={rankdir!r}")
    if not _is_model(model):
        raise TypeError(
            f"`model_to_dot` draws a lamina Model (Sequential, functional or subclassed). "
            f"Received: {model!r} of type {type(model).__name__}"
        )
    if not model.built:
        raise ValueError(
            f"Model '{model.name}' has not been built yet, so its layers have no shapes to draw. "
            "Build it first: start it with `lamina.Input(shape=...)`, call `model.build(input_shape)`, "
            "or call it on a batch of data."
        )
    pydot = _import_pydot()
    if subgraph:
        graph = pydot.Cluster(f"m{id(model)}", label=f"{model.name} ({type(model).__name__})", style="dashed")
    else:
        graph = pydot.Dot(graph_type="digraph", graph_name=f"{model.name}")
        graph.set("rankdir", rankdir)
        graph.set("dpi", str(dpi))
        graph.set("splines", splines or "ortho")
        graph.set_node_defaults(shape="plaintext", fontname="Helvetica")
    options = {
        "show_shapes": show_shapes,
        "show_dtype": show_dtype,
        "show_layer_names": show_layer_names,
        "expand_nested": expand_nested,
        "show_layer_activations": show_layer_activations,
        "show_trainable": show_trainable,
    }
    builder = _DotBuilder(pydot, options)
    if _graph_kind(model) == "opaque":
        builder.add_layer(graph, model)
    else:
        builder.add_model(graph, model)
    return graph


def plot_model(
    model: Any,
    to_file: str | os.PathLike = "model.png",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str | None = None,
    **kwargs: Any,
) -> Any:
    """Draws a model's graph to an image file with Graphviz.

    The file's ending picks the format: ".png" (also the default when there is
    none), ".svg", ".pdf", ".jpg" or any other format Graphviz's `dot` renders;
    ".dot" and ".gv" write the DOT source and need no Graphviz program.
    Needs pydot (`pip install pydot`) and, for images, Graphviz's `dot`
    program (the `graphviz` system package); either missing raises an
    `ImportError` that says how to install it. The file is written
    atomically (a temporary file, then a rename).

    Args:
        model: a built model: Sequential, functional, or subclassed (drawn as one box).
        to_file: where to write the image.
        show_shapes: show each layer's input and output shapes.
        show_dtype: show each layer's input and output dtypes.
        show_layer_names: show layer names next to their class names.
        rankdir: "TB" (top to bottom), "LR" (left to right), "BT" or "RL".
        expand_nested: draw nested models as clusters of their own layers.
        dpi: the image resolution.
        show_layer_activations: show the activation of layers that have one.
        show_trainable: show whether each layer is trainable.
        splines: Graphviz's edge style ("ortho", "spline", "polyline", "line", ...).
            By default "ortho", as in Keras; where Graphviz's orthogonal router
            fails on a graph (it does on some graphs with clusters), the edges are
            drawn with "polyline" instead. A style given explicitly is used as is.
        **kwargs: nothing else is accepted (an unknown keyword is an error).

    Returns:
        An `IPython.display.Image` of the file when IPython is installed and
        the format is an image Jupyter shows (so a notebook displays it), else None.

    Example:
        ```python
        lamina.utils.plot_model(model, "model.png", show_shapes=True)
        ```
    """
    dot = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        splines=splines,
        **kwargs,
    )
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    if extension in _SOURCE_FORMATS:
        data = dot.to_string().encode("utf-8")
    else:
        data = _render(dot, extension, ortho_fallback=splines is None)
    _write_atomically(to_file, data)
    if extension in ("png", "jpg", "jpeg", "gif"):
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None


def _run_dot(source: str, output_format: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_find_dot_program(), f"-T{output_format}"],
        input=source.encode("utf-8"),
        capture_output=True,
        check=False,
    )


def _render(dot: Any, output_format: str, ortho_fallback: bool) -> bytes:
    """The image bytes from Graphviz's `dot` for the pydot graph `dot`."""
    result = _run_dot(dot.to_string(), output_format)
    failed = result.returncode != 0 or not result.stdout
    message = result.stderr.decode("utf-8", "replace").strip().rstrip(".")
    if failed and "not recognized" in message:
        raise ValueError(
            f"Graphviz cannot write the format {output_format!r} (the ending of `to_file`): {message}. "
            'Use an ending Graphviz knows, such as ".png", ".svg" or ".pdf", or ".dot" for the DOT source.'
        )
    if failed and ortho_fallback:
        # Graphviz's orthogonal router fails on some graphs with clusters (an assertion
        # in maze.c in Graphviz 2.4x); the same graph lays out with straight segments.
        dot.set("splines", "polyline")
        result = _run_dot(dot.to_string(), output_format)
        failed = result.returncode != 0 or not result.stdout
        message = result.stderr.decode("utf-8", "replace").strip().rstrip(".")
    if failed:
        raise RuntimeError(
            f"Graphviz's `dot` failed to draw the model (exit code {result.returncode}): "
            f"{message or 'no message'}. Try another `splines=` or `rankdir=`, or save the DOT "
            'source with `to_file="model.dot"` to inspect it.'
        )
    return result.stdout


def _write_atomically(path: str, data: bytes) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".plot_model-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
