"""`lamina.utils.plot_model` and `model_to_dot`: the DOT graph, and images through Graphviz."""

from __future__ import annotations

import re
import shutil
import struct
import sys
from pathlib import Path
from typing import Any

import pytest

import lamina
from lamina import layers
from lamina.utils import model_visualization

pydot = pytest.importorskip("pydot", reason="model_to_dot needs pydot: pip install pydot")

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's `dot` program is not installed (apt-get install graphviz; .ci/run installs it)",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def two_headed_model() -> lamina.Model:
    """Two inputs, a nested Sequential, a shared layer called twice, a residual Add, two outputs."""
    block = lamina.Sequential(
        [lamina.Input((16,), name="block_in"), layers.Dense(16, activation="relu", name="block_dense")], name="block"
    )
    measurements = lamina.Input((16,), name="measurements")
    context = lamina.Input((4,), name="context")
    shared = layers.Dense(16, activation="tanh", name="shared")
    x = block(measurements)
    y = shared(layers.Dense(16, name="context_proj")(context))
    merged = layers.Add(name="merge")([x, y])
    residual = layers.Add(name="residual")([merged, shared(merged)])
    label = layers.Dense(1, activation="sigmoid", name="label")(residual)
    score = layers.Dense(1, name="score", dtype="float16")(residual)
    return lamina.Model([measurements, context], [label, score], name="two_headed")


def boxes(graph: Any) -> dict[str, str]:
    """DOT node name -> the layer name in its label, for every node of `graph` and its clusters."""
    found = {}
    pending = [graph]
    while pending:
        current = pending.pop()
        for node in current.get_nodes():
            label = node.get("label") or ""
            match = re.search(r"<b>([^<]+)</b>", label) or re.search(r">([A-Za-z]\w*)</td>", label)
            if match:
                found[node.get_name()] = match.group(1)
        pending.extend(current.get_subgraphs())
    return found


def edges(graph: Any) -> set[tuple[str, str]]:
    """(source layer name, target layer name) for every edge of `graph` and its clusters."""
    names = boxes(graph)
    found = set()
    pending = [graph]
    while pending:
        current = pending.pop()
        for edge in current.get_edges():
            found.add((names[edge.get_source()], names[edge.get_destination()]))
        pending.extend(current.get_subgraphs())
    return found


def test_every_layer_is_a_box_and_connections_are_edges(backend: Any) -> None:
    model = two_headed_model()
    graph = lamina.utils.model_to_dot(model)
    assert isinstance(graph, pydot.Dot)
    names = set(boxes(graph).values())
    expected = {"measurements", "context", "block", "context_proj", "shared", "merge", "residual", "label", "score"}
    assert names == expected
    connections = edges(graph)
    assert {
        ("measurements", "block"),
        ("context", "context_proj"),
        ("context_proj", "shared"),
        ("block", "merge"),
        ("shared", "merge"),
        ("merge", "shared"),  # the second call of the shared layer
        ("merge", "residual"),  # the residual connection
        ("shared", "residual"),
        ("residual", "label"),
        ("residual", "score"),
    } == connections
    source = graph.to_string()
    assert "block_dense" not in source  # not expanded: the nested model is one box
    assert "subgraph cluster_" not in source
    # Input layers first, in the order of model.inputs.
    names_in_order = [boxes(graph).get(node.get_name()) for node in graph.get_nodes()]
    assert [name for name in names_in_order if name][:2] == ["measurements", "context"]


def test_expand_nested_draws_a_cluster_wired_to_the_outer_graph(backend: Any) -> None:
    graph = lamina.utils.model_to_dot(two_headed_model(), expand_nested=True)
    clusters = graph.get_subgraphs()
    assert [c.get_name() for c in clusters] and clusters[0].get_name().startswith("cluster_")
    assert "block (Sequential)" in clusters[0].get("label")
    assert set(boxes(clusters[0]).values()) == {"block_in", "block_dense"}
    connections = edges(graph)
    assert ("measurements", "block_in") in connections  # into the cluster's input
    assert ("block_in", "block_dense") in connections
    assert ("block_dense", "merge") in connections  # out of the cluster's output
    assert all("block" != name for pair in connections for name in pair)


def test_shapes_dtypes_activations_trainable_and_names_on_request(backend: Any) -> None:
    model = two_headed_model()
    model.get_layer("context_proj").trainable = False
    plain = lamina.utils.model_to_dot(model).to_string()
    for absent in ("(None, 16)", "float32", "activation:", "trainable:"):
        assert absent not in plain
    detailed = lamina.utils.model_to_dot(
        model, show_shapes=True, show_dtype=True, show_layer_activations=True, show_trainable=True
    ).to_string()
    assert "(None, 4)" in detailed and "(None, 16)" in detailed and "(None, 1)" in detailed
    assert "[(None, 16), (None, 16)]" in detailed  # the Add layers' two inputs
    assert "float32" in detailed and "float16" in detailed
    assert "activation: sigmoid" in detailed and "activation: tanh" in detailed
    assert "trainable: no" in detailed and "trainable: yes" in detailed
    anonymous = lamina.utils.model_to_dot(model, show_layer_names=False).to_string()
    assert "context_proj" not in anonymous and "InputLayer" in anonymous and ">Add<" in anonymous


def test_sequential_is_a_chain_with_its_input(backend: Any) -> None:
    model = lamina.Sequential(
        [
            lamina.Input((8,)),
            layers.Dense(4, name="first"),
            layers.Dropout(0.1, name="drop"),
            layers.Dense(2, name="last"),
        ]
    )
    graph = lamina.utils.model_to_dot(model, rankdir="LR", dpi=96)
    (input_name,) = [name for name in boxes(graph).values() if name.startswith("input_layer")]
    assert edges(graph) == {(input_name, "first"), ("first", "drop"), ("drop", "last")}
    assert graph.get("rankdir") == "LR" and graph.get("dpi") == "96"


def test_nested_model_inside_a_sequential_expands_in_the_chain(backend: Any) -> None:
    inner = lamina.Sequential([lamina.Input((8,), name="inner_in"), layers.Dense(4, name="inner_dense")], name="inner")
    outer = lamina.Sequential([lamina.Input((8,), name="outer_in"), inner, layers.Dense(2, name="head")], name="outer")
    collapsed = lamina.utils.model_to_dot(outer)
    assert edges(collapsed) == {("outer_in", "inner"), ("inner", "head")}
    expanded = lamina.utils.model_to_dot(outer, expand_nested=True)
    assert edges(expanded) == {("outer_in", "inner_in"), ("inner_in", "inner_dense"), ("inner_dense", "head")}


def test_subclassed_model_is_one_box(backend: Any) -> None:
    class Tiny(lamina.Model):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)

        def call(self, inputs: Any) -> Any:
            return self.dense(inputs)

    model = Tiny(name="tiny")
    model.build((None, 3))
    graph = lamina.utils.model_to_dot(model)
    assert list(boxes(graph).values()) == ["tiny"] and not graph.get_edges()


def test_subgraph_returns_a_cluster(backend: Any) -> None:
    cluster = lamina.utils.model_to_dot(two_headed_model(), subgraph=True)
    assert isinstance(cluster, pydot.Cluster) and cluster.get_name().startswith("cluster_")


def test_invalid_arguments_say_what_was_expected(backend: Any) -> None:
    model = two_headed_model()
    with pytest.raises(ValueError, match="rankdir.*Received: rankdir='UP'"):
        lamina.utils.model_to_dot(model, rankdir="UP")
    with pytest.raises(ValueError, match="layer_range"):
        lamina.utils.plot_model(model, layer_range=["a", "b"])
    with pytest.raises(TypeError, match="Received: .* of type Dense"):
        lamina.utils.model_to_dot(layers.Dense(2))
    unbuilt = lamina.Sequential([layers.Dense(2)], name="lazy")
    with pytest.raises(ValueError, match="'lazy' has not been built.*lamina.Input"):
        lamina.utils.model_to_dot(unbuilt)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_dot
def test_plot_model_writes_a_png(backend: Any, tmp_path: Path) -> None:
    target = tmp_path / "model.png"
    result = lamina.utils.plot_model(two_headed_model(), to_file=target, show_shapes=True, expand_nested=True)
    data = target.read_bytes()
    width, height = png_size(data)
    # Eleven boxes with shape tables at 200 dpi: several hundred pixels each way.
    assert 300 < width < 20000 and 600 < height < 20000 and len(data) > 20_000
    assert result is None or type(result).__name__ == "Image"  # IPython's Image where IPython is installed
    small = tmp_path / "small.png"
    lamina.utils.plot_model(two_headed_model(), to_file=str(small), show_shapes=True, expand_nested=True, dpi=50)
    small_width, small_height = png_size(small.read_bytes())
    assert small_width < width and small_height < height
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plot_model-")]  # no temporary left


@needs_dot
def test_plot_model_writes_svg_and_defaults_to_png(backend: Any, tmp_path: Path, monkeypatch: Any) -> None:
    model = two_headed_model()
    lamina.utils.plot_model(model, to_file=tmp_path / "model.svg", rankdir="LR")
    svg = (tmp_path / "model.svg").read_text()
    assert "<svg" in svg and "context_proj" in svg and "residual" in svg
    monkeypatch.chdir(tmp_path)
    lamina.utils.plot_model(model)  # to_file="model.png"
    assert (tmp_path / "model.png").read_bytes()[:8] == PNG_SIGNATURE
    lamina.utils.plot_model(model, to_file="no_ending")
    assert (tmp_path / "no_ending").read_bytes()[:8] == PNG_SIGNATURE


@needs_dot
def test_unknown_format_is_an_error_and_writes_nothing(backend: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot write the format 'nonsense'"):
        lamina.utils.plot_model(two_headed_model(), to_file=tmp_path / "model.nonsense")
    assert list(tmp_path.iterdir()) == []


def test_dot_source_needs_no_graphviz(backend: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot` anywhere
    target = tmp_path / "model.dot"
    lamina.utils.plot_model(two_headed_model(), to_file=target, show_shapes=True)
    source = target.read_text()
    assert source.startswith("digraph two_headed {") and "(None, 16)" in source


def test_missing_graphviz_program_names_both_installs(backend: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(model_visualization.shutil, "which", lambda name: None)
    with pytest.raises(ImportError) as raised:
        lamina.utils.plot_model(two_headed_model(), to_file=tmp_path / "model.png")
    message = str(raised.value)
    assert "`dot` program" in message and "pip install pydot" in message and "apt-get install graphviz" in message
    assert not (tmp_path / "model.png").exists()


def test_missing_pydot_names_the_pip_install(backend: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "pydot", None)
    for function in (lamina.utils.model_to_dot, lamina.utils.plot_model):
        with pytest.raises(ImportError, match=r"needs pydot.*pip install pydot.*graphviz"):
            function(two_headed_model())


def test_exported_like_keras() -> None:
    assert lamina.utils.plot_model is model_visualization.plot_model
    assert lamina.utils.model_to_dot is model_visualization.model_to_dot
    assert {"plot_model", "model_to_dot"} <= set(lamina.utils.__all__)
