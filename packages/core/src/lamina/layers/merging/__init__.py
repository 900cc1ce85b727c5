"""Merging layers."""

from lamina.layers.merging.concatenate import Concatenate as Concatenate
from lamina.layers.merging.dot import Dot as Dot
from lamina.layers.merging.elementwise import Add as Add
from lamina.layers.merging.elementwise import Average as Average
from lamina.layers.merging.elementwise import Maximum as Maximum
from lamina.layers.merging.elementwise import Minimum as Minimum
from lamina.layers.merging.elementwise import Multiply as Multiply
from lamina.layers.merging.elementwise import Subtract as Subtract
from lamina.layers.merging.functional import add as add
from lamina.layers.merging.functional import average as average
from lamina.layers.merging.functional import concatenate as concatenate
from lamina.layers.merging.functional import dot as dot
from lamina.layers.merging.functional import maximum as maximum
from lamina.layers.merging.functional import minimum as minimum
from lamina.layers.merging.functional import multiply as multiply
from lamina.layers.merging.functional import subtract as subtract

__all__ = [
    "Add",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
