"""convshare: exact arithmetic of parameter sharing in convolutional networks.

>>> conv2d(28, 1, 6, 5).params_unshared
89856
"""

from ._conv import Axis, ConvResult, conv2d
from ._errors import ConvShareError, GeometryError, SpecError
from ._network import Layer, LayerResult, Network, NetworkResult, analyse
from ._render import approx, article_layers, article_table, derivation, fmt, layer_table, shape
from ._spec import load_spec, parse_spec

__all__ = [
    "Axis",
    "ConvResult",
    "ConvShareError",
    "GeometryError",
    "Layer",
    "LayerResult",
    "Network",
    "NetworkResult",
    "SpecError",
    "analyse",
    "approx",
    "article_layers",
    "article_table",
    "conv2d",
    "derivation",
    "fmt",
    "layer_table",
    "load_spec",
    "parse_spec",
    "shape",
]
