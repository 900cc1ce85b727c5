"""Merging layers."""

from lamina.layers.merging.concatenate import Concatenate as Concatenate
from lamina.layers.merging.dot import Dot as Dot
from lamina.layers.merging.elementwise import Add as Add
from lamina.layers.merging.elementwise import Average as Average
from lamina.layers.merging.elementwise import Maximum as Maximum
from lamina.layers.merging.elementwise import Minimum as Minimum
from lamina.layers.merging.elementwise import Multiply as Multiply
from lamina.layers.merging.elementwise import Subtract as Subtract

__all__ = ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract"]
