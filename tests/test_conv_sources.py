"""The worked examples of the article and of its primary sources, recomputed by convshare.

Every expected value is written as its derivation, with the source named beside it:

* CS231n, "Convolutional Neural Networks for Visual Recognition", notes on convolutional
  networks (AlexNet's first layer on a 227x227x3 input);
* Krizhevsky, Sutskever and Hinton (2012), "ImageNet Classification with Deep Convolutional
  Neural Networks" (the stated 224x224x3 input);
* LeCun, Bottou, Bengio and Haffner (1998), "Gradient-based learning applied to document
  recognition", section II.B (LeNet-5, per-layer parameters and connections);
* torchvision's ``alexnet`` model definition (conv1: 64 filters, k=11, s=4, p=2);
* Richmond Alake, "Understanding Parameter Sharing (or weights replication) Within
  Convolutional Neural Networks", Towards Data Science (the source article).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import convshare

ROOT = Path(__file__).resolve().parent.parent
LENET5 = ROOT / "docs" / "architectures" / "lenet-5.yaml"


# --- AlexNet's first layer, 227x227x3 input (CS231n) ---------------------------------------


def test_alexnet_conv1_at_227_cs231n() -> None:
    r = convshare.conv2d(227, 3, 96, 11, stride=4)
    # CS231n: (227 - 11 + 2*0)/4 + 1 = 55
    assert r.output_size == ((227 - 11 + 2 * 0) // 4 + 1,) * 2 == (55, 55)
    # CS231n: 55*55*96 = 290,400 neurons
    assert r.neurons == 55 * 55 * 96 == 290_400
    # CS231n: each neuron has 11*11*3 = 363 weights and 1 bias
    assert r.weights_per_filter == 11 * 11 * 3 == 363
    assert r.params_per_filter == 11 * 11 * 3 + 1 == 364
    # CS231n: without sharing 290,400 * 364 = 105,705,600 parameters
    assert r.params_unshared == 55 * 55 * 96 * (11 * 11 * 3 + 1) == 105_705_600
    # CS231n: with sharing 96*11*11*3 = 34,848 weights and 96 biases: 34,944 parameters
    assert r.weights_shared == 96 * 11 * 11 * 3 == 34_848
    assert r.biases == 96
    assert r.params_shared == 96 * (11 * 11 * 3 + 1) == 34_944
    # MACs: neurons * weights per neuron = 290,400 * 363 (the same with or without sharing)
    assert r.macs == 55 * 55 * 96 * 11 * 11 * 3 == 105_415_200
    # Nothing left unused: (227 - 11) % 4 == 0
    assert r.unused == ((227 - 11) % 4,) * 2 == (0, 0)


def test_article_unshared_figure_matches_no_count() -> None:
    """The article prints 105,415,600 for the unshared count: an arithmetic slip.

    It is neither the parameters without sharing (105,705,600, CS231n), nor the weights
    without biases / MACs (105,415,200), nor any other count of that layer.
    """
    r = convshare.conv2d(227, 3, 96, 11, stride=4)
    article = 105_415_600  # the source article's printed figure
    counts = {
        r.neurons,
        r.params_shared,
        r.params_unshared,
        r.weights_shared,
        r.weights_shared * r.positions,
        r.macs,
        r.connections,
    }
    assert article not in counts
    # the two figures it is closest to, 105,415,200 and 105,705,600, differ from it by 400 and
    # 290,000
    assert article - r.macs == 105_415_600 - 55 * 55 * 96 * 363 == 400
    assert r.params_unshared - article == 55 * 55 * 96 * 364 - 105_415_600 == 290_000


def test_sharing_ratio_is_positions_alexnet() -> None:
    r = convshare.conv2d(227, 3, 96, 11, stride=4)
    # without/with sharing = 105,705,600 / 34,944 = 55*55 (CS231n's figures)
    assert r.sharing_ratio == r.positions == 55 * 55
    assert r.params_unshared == r.params_shared * r.sharing_ratio


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((227, 3, 96, 11), {"stride": 4}),
        ((28, 1, 6, 5), {}),
        ((32, 1, 6, 5), {}),
        (((30, 17), 8, 12, (3, 5)), {"stride": (2, 3), "padding": (1, 2), "groups": 4}),
        ((64, 32, 32, 3), {"padding": "same", "dilation": 2, "groups": 32, "bias": False}),
    ],
)
def test_sharing_ratio_equals_output_positions(args: tuple, kwargs: dict) -> None:
    r = convshare.conv2d(*args, **kwargs)
    out_h, out_w = r.output_size
    # every position owns one copy of every filter: unshared / shared = out_h * out_w
    assert r.sharing_ratio == out_h * out_w
    assert r.params_unshared == out_h * out_w * r.params_shared


# --- AlexNet at 224 (the paper's stated size) and torchvision's AlexNet ----------------------


def test_alexnet_conv1_at_224_leaves_one_row_and_column() -> None:
    """Krizhevsky et al. (2012) state a 224x224x3 input; (224 - 11)/4 + 1 = 54.25 is no integer.

    With PyTorch's floor rounding the layer gives 54 and the last window leaves exactly one row
    and one column of the input unused (CS231n: 224 "is surely incorrect").
    """
    r = convshare.conv2d(224, 3, 96, 11, stride=4)
    assert (224 - 11) % 4 == 1
    assert r.output_size == ((224 - 11) // 4 + 1,) * 2 == (54, 54)
    assert r.unused == ((224 - 11) % 4,) * 2 == (1, 1)
    # the last window starts at (54 - 1)*4 = 212 and ends at 212 + 11 = 223 < 224
    assert (54 - 1) * 4 + 11 == 224 - 1
    for axis in r.axes:
        assert axis.padded - ((axis.output - 1) * axis.stride + axis.extent) == 1


def test_torchvision_alexnet_conv1_gives_55() -> None:
    """torchvision's alexnet: Conv2d(3, 64, kernel_size=11, stride=4, padding=2) on 224x224."""
    r = convshare.conv2d(224, 3, 64, 11, stride=4, padding=2)
    # floor((224 + 2*2 - 11)/4) + 1 = floor(217/4) + 1 = 55
    assert r.output_size == ((224 + 2 * 2 - 11) // 4 + 1,) * 2 == (55, 55)
    assert r.params_shared == 64 * (11 * 11 * 3 + 1) == 23_296
    # (224 + 4 - 11) % 4 == 1: one padded row and column stay unused
    assert r.unused == ((224 + 2 * 2 - 11) % 4,) * 2 == (1, 1)


# --- LeNet: the article's 28x28 version and LeNet-5's 32x32 C1 --------------------------------


def test_article_lenet_on_28() -> None:
    """The source article's LeNet layer: 28x28x1 input, six 5x5 filters, no padding."""
    r = convshare.conv2d(28, 1, 6, 5)
    assert r.output_size == (28 - 5 + 1, 28 - 5 + 1) == (24, 24)
    assert r.neurons == 24 * 24 * 6 == 3_456
    assert r.params_unshared == 24 * 24 * 6 * (5 * 5 * 1 + 1) == 89_856
    assert r.params_shared == 6 * (5 * 5 * 1 + 1) == 156


def test_lenet5_c1_on_32() -> None:
    """LeCun et al. (1998), section II.B: C1 has 156 trainable parameters, 122,304 connections."""
    r = convshare.conv2d(32, 1, 6, 5)
    assert r.output_size == (28, 28)
    assert r.neurons == 28 * 28 * 6 == 4_704
    assert r.params_unshared == 28 * 28 * 6 * (5 * 5 + 1) == 122_304
    assert r.params_shared == 6 * (5 * 5 + 1) == 156
    # the paper's connection count of C1 is exactly the parameter count without sharing
    assert r.connections == r.params_unshared == 122_304


# --- LeNet-5's per-layer table, from the spec file (LeCun et al. 1998, section II.B) ----------

# C3's connection table (the paper's Table I): six maps read 3 inputs, nine read 4, one reads 6.
C3_WEIGHTS = 5 * 5 * (6 * 3 + 9 * 4 + 1 * 6)

LENET5_TABLE = {
    # name: (trainable parameters, connections), each as the paper derives it
    "C1": (6 * (5 * 5 + 1), 28 * 28 * 6 * (5 * 5 + 1)),  # 156, 122,304
    "S2": (6 * 2, 14 * 14 * 6 * (2 * 2 + 1)),  # 12, 5,880
    "C3": (C3_WEIGHTS + 16, 10 * 10 * (C3_WEIGHTS + 16)),  # 1,516, 151,600
    "S4": (16 * 2, 5 * 5 * 16 * (2 * 2 + 1)),  # 32, 2,000
    "C5": (120 * (5 * 5 * 16 + 1), 120 * (5 * 5 * 16 + 1)),  # 48,120, 48,120
    "F6": (84 * (120 + 1), 84 * (120 + 1)),  # 10,164, 10,164
    "output": (0, 84 * 10),  # fixed RBF parameters: 0, 840
}


def test_lenet5_table_figures_are_the_papers() -> None:
    # the figures LeCun et al. (1998) print in section II.B
    assert LENET5_TABLE == {
        "C1": (156, 122_304),
        "S2": (12, 5_880),
        "C3": (1_516, 151_600),
        "S4": (32, 2_000),
        "C5": (48_120, 48_120),
        "F6": (10_164, 10_164),
        "output": (0, 840),
    }


def test_lenet5_spec_per_layer() -> None:
    net = convshare.load_spec(LENET5)
    rows = {r.name: r for r in net.rows}
    assert set(LENET5_TABLE) <= set(rows)
    for name, (params, connections) in LENET5_TABLE.items():
        assert (rows[name].params, rows[name].connections) == (params, connections), name
    # the only other row is the flatten between C5 and F6, with nothing to count
    others = [r for r in net.rows if r.name not in LENET5_TABLE]
    assert [(r.type, r.params, r.connections) for r in others] == [("flatten", 0, 0)]
    # shapes of section II.B: C1 6@28x28, S2 6@14x14, C3 16@10x10, S4 16@5x5, C5 120@1x1
    assert rows["C1"].out_shape == (6, 28, 28)
    assert rows["S2"].out_shape == (6, 14, 14)
    assert rows["C3"].out_shape == (16, 10, 10)
    assert rows["S4"].out_shape == (16, 5, 5)
    assert rows["C5"].out_shape == (120, 1, 1)
    assert rows["F6"].out_shape == (84,)
    assert rows["output"].out_shape == (10,)


def test_lenet5_spec_totals() -> None:
    """LeCun et al. (1998): 60,000 trainable parameters and 340,908 connections."""
    net = convshare.load_spec(LENET5)
    assert net.params == sum(p for p, _ in LENET5_TABLE.values()) == 60_000
    assert net.connections == sum(c for _, c in LENET5_TABLE.values()) == 340_908
    assert net.network.meta["published"]["params"] == 60_000
    assert net.network.meta["published"]["connections"] == 340_908


# --- The output-size formula and the unused border ------------------------------------------


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "pad", "dilation"),
    [(227, 11, 4, 0, 1), (224, 11, 4, 0, 1), (224, 11, 4, 2, 1), (13, 3, 2, 1, 2), (7, 7, 5, 0, 1)],
)
def test_output_formula_torch_docs(size: int, kernel: int, stride: int, pad: int, dilation: int):
    """torch.nn.Conv2d docs: out = floor((in + 2p - d(k - 1) - 1)/s) + 1; 0 <= unused < s."""
    r = convshare.conv2d(size, 1, 1, kernel, stride=stride, padding=pad, dilation=dilation)
    out = (size + 2 * pad - dilation * (kernel - 1) - 1) // stride + 1
    assert r.output_size == (out, out)
    unused = size + 2 * pad - ((out - 1) * stride + dilation * (kernel - 1) + 1)
    assert r.unused == (unused, unused)
    assert 0 <= unused < stride


def test_same_padding_puts_the_odd_row_after() -> None:
    """PyTorch's padding='same' with an even kernel pads the extra row/column after the input."""
    r = convshare.conv2d((9, 10), 2, 4, (4, 2), padding="same")
    # total padding d*(k - 1) = 3 rows and 1 column; the odd one goes after
    assert r.padding == ((1, 2), (0, 1))
    assert r.output_size == (9, 10)
