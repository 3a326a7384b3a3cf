"""convshare: exact arithmetic of parameter sharing in convolutional networks.

>>> conv2d(28, 1, 6, 5).params_unshared
89856
"""

from ._conv import Axis, ConvResult, conv2d
from ._errors import ConvShareError, GeometryError, SpecError
from ._render import approx, article_layers, article_table, derivation, fmt, layer_table, shape

__all__ = [
    "Axis",
    "ConvResult",
    "ConvShareError",
    "GeometryError",
    "SpecError",
    "approx",
    "article_layers",
    "article_table",
    "conv2d",
    "derivation",
    "fmt",
    "layer_table",
    "shape",
]
