"""convshare: exact arithmetic of parameter sharing in convolutional networks.

The arithmetic (``conv2d``, ``analyse``, ``load_spec``) returns frozen results; the renderers
(``derivation``, ``layer_table``, ``network_table`` ...) turn them into Markdown and SVG strings in
Chinese (``"zh"``) or English (``"en"``).

>>> conv2d(28, 1, 6, 5).params_unshared
89856
"""

from ._blocks import BLOCK_LIMITS, expand
from ._conv import Axis, ConvResult, conv2d
from ._errors import ConvShareError, GeometryError, NetworkShapeError, SpecError
from ._figures import network_figure, overview_figure
from ._glossary import Term, glossary_markdown, load_glossary
from ._intuition import intuition_figure
from ._measurements import (
    DataError,
    Measurement,
    MeasurementRow,
    load_measurements,
    measurement_source,
    measurement_table,
)
from ._network import Layer, LayerResult, Network, NetworkResult, Totals, analyse
from ._network_page import (
    LayerGroup,
    comparison_markdown,
    layer_groups,
    network_page,
    overview_markdown,
    spec_text,
)
from ._pages import (
    HTML_CODE,
    inline_html,
    listing_html,
    map_outside_fences,
    markdown_text,
    page_language,
    plain_html,
    without_html_code,
)
from ._render import (
    approx,
    article_layers,
    article_table,
    construct_notes,
    derivation,
    fmt,
    layer_table,
    network_name,
    network_table,
    network_totals,
    overview_table,
    ratio,
    shape,
    tensor_shape,
)
from ._spec import LIMITS, load_spec, parse_spec

__all__ = [
    "BLOCK_LIMITS",
    "HTML_CODE",
    "LIMITS",
    "Axis",
    "ConvResult",
    "ConvShareError",
    "DataError",
    "GeometryError",
    "Layer",
    "LayerGroup",
    "LayerResult",
    "Measurement",
    "MeasurementRow",
    "Network",
    "NetworkResult",
    "NetworkShapeError",
    "SpecError",
    "Term",
    "Totals",
    "analyse",
    "approx",
    "article_layers",
    "article_table",
    "comparison_markdown",
    "construct_notes",
    "conv2d",
    "derivation",
    "expand",
    "fmt",
    "glossary_markdown",
    "inline_html",
    "intuition_figure",
    "layer_groups",
    "layer_table",
    "listing_html",
    "load_glossary",
    "load_measurements",
    "load_spec",
    "map_outside_fences",
    "markdown_text",
    "measurement_source",
    "measurement_table",
    "network_figure",
    "network_name",
    "network_page",
    "network_table",
    "network_totals",
    "overview_figure",
    "overview_markdown",
    "overview_table",
    "page_language",
    "parse_spec",
    "plain_html",
    "ratio",
    "shape",
    "spec_text",
    "tensor_shape",
    "without_html_code",
]
