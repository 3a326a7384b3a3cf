"""Bad inputs to ``convshare.conv2d``: each raises GeometryError with a stable code and a message,
in English and in Chinese, that names the field and the value at fault.

The rules are PyTorch's (torch.nn.Conv2d): sizes, channels, kernel, stride, dilation and groups
are positive integers, padding is a non-negative integer, a pair, 'valid' or 'same' (the last
only with stride 1), channels are divisible by groups, and the (dilated) kernel fits in the
padded input. convshare is stricter than PyTorch on types: no floats, no booleans for sizes,
only true/false for bias.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import convshare
from convshare import GeometryError, Layer, Network
from convshare._errors import MESSAGES

# A valid layer; each case overrides some of its arguments.
BASE: dict[str, Any] = {"input_size": 8, "in_channels": 4, "out_channels": 4, "kernel_size": 3}

# (id, overrides, code, fragments of the English message, fragments of the Chinese message)
CASES: list[tuple[str, dict[str, Any], str, list[str], list[str]]] = [
    # zero or negative sizes
    ("input-zero", {"input_size": 0}, "not_positive", ["input_size", "got 0"],
     ["input_size", "为 0"]),
    ("input-negative", {"input_size": -5}, "not_positive", ["input_size", "-5"],
     ["input_size", "-5"]),
    ("input-width-zero", {"input_size": (8, 0)}, "not_positive", ["input_size", "got 0"],
     ["input_size", "为 0"]),
    ("in-channels-zero", {"in_channels": 0}, "not_positive", ["in_channels", "got 0"],
     ["in_channels", "为 0"]),
    ("out-channels-negative", {"out_channels": -1}, "not_positive", ["out_channels", "-1"],
     ["out_channels", "-1"]),
    ("kernel-zero", {"kernel_size": 0}, "not_positive", ["kernel_size", "got 0"],
     ["kernel_size", "为 0"]),
    ("stride-zero", {"stride": 0}, "not_positive", ["stride", "got 0"], ["stride", "为 0"]),
    ("stride-pair-negative", {"stride": (1, -2)}, "not_positive", ["stride", "-2"],
     ["stride", "-2"]),
    ("dilation-zero", {"dilation": 0}, "not_positive", ["dilation", "got 0"], ["dilation", "为 0"]),
    ("groups-zero", {"groups": 0}, "not_positive", ["groups", "got 0"], ["groups", "为 0"]),
    ("padding-negative", {"padding": -1}, "negative", ["padding", "-1"], ["padding", "-1"]),
    ("padding-pair-negative", {"padding": (0, -2)}, "negative", ["padding", "-2"],
     ["padding", "-2"]),
    # the kernel larger than the padded input
    ("kernel-too-large", {"input_size": 5, "kernel_size": 7}, "kernel_too_large",
     ["7 rows", "padded input's 5", "5 + padding 0"],
     ["纵向覆盖 7", "填充后的输入 5", "5 + 填充 0"]),
    ("kernel-too-wide", {"input_size": (10, 5), "kernel_size": (3, 7)}, "kernel_too_large",
     ["7 columns", "padded input's 5", "5 + padding 0"], ["横向覆盖 7", "填充后的输入 5"]),
    ("dilated-kernel-too-large", {"input_size": 10, "dilation": 5}, "kernel_too_large",
     ["11 rows", "padded input's 10"], ["纵向覆盖 11", "填充后的输入 10"]),  # 5*(3 - 1) + 1 = 11
    ("kernel-too-large-padded", {"input_size": 4, "kernel_size": 7, "padding": 1},
     "kernel_too_large", ["7 rows", "padded input's 6", "4 + padding 2"],
     ["纵向覆盖 7", "填充后的输入 6", "4 + 填充 2"]),
    # channels not divisible by groups
    ("in-channels-groups", {"in_channels": 3, "groups": 2}, "groups_in",
     ["in_channels (3)", "groups (2)"], ["in_channels（3）", "groups（2）"]),
    ("out-channels-groups", {"out_channels": 6, "groups": 4}, "groups_out",
     ["out_channels (6)", "groups (4)"], ["out_channels（6）", "groups（4）"]),
    # 'same' with a stride, unknown padding words
    ("same-stride-2", {"padding": "same", "stride": 2}, "same_strided",
     ["padding='same'", "stride 2"], ["padding='same'", "实际步幅为 2"]),
    ("same-stride-pair", {"padding": "same", "stride": (1, 2)}, "same_strided",
     ["padding='same'", "stride (1, 2)"], ["padding='same'", "实际步幅为 (1, 2)"]),
    ("padding-full", {"padding": "full"}, "bad_padding", ["padding", "'full'"],
     ["padding", "'full'"]),
    ("padding-upper-same", {"padding": "SAME"}, "bad_padding", ["padding", "'SAME'"],
     ["padding", "'SAME'"]),
    # floats, booleans, strings, None
    ("kernel-float", {"kernel_size": 3.0}, "bad_pair", ["kernel_size", "3.0"],
     ["kernel_size", "3.0"]),
    ("input-float", {"input_size": 28.5}, "bad_pair", ["input_size", "28.5"],
     ["input_size", "28.5"]),
    ("in-channels-float", {"in_channels": 3.0}, "not_integer", ["in_channels", "3.0"],
     ["in_channels", "3.0"]),
    ("in-channels-bool", {"in_channels": True}, "not_integer", ["in_channels", "True"],
     ["in_channels", "True"]),
    ("out-channels-string", {"out_channels": "6"}, "not_integer", ["out_channels", "'6'"],
     ["out_channels", "'6'"]),
    ("groups-float", {"groups": 1.0}, "not_integer", ["groups", "1.0"], ["groups", "1.0"]),
    ("stride-bool", {"stride": True}, "bad_pair", ["stride", "True"], ["stride", "True"]),
    ("kernel-string", {"kernel_size": "5"}, "bad_pair", ["kernel_size", "'5'"],
     ["kernel_size", "'5'"]),
    ("kernel-pair-float", {"kernel_size": (3, 3.5)}, "not_integer", ["kernel_size", "3.5"],
     ["kernel_size", "3.5"]),
    ("dilation-pair-bool", {"dilation": (2, False)}, "not_integer", ["dilation", "False"],
     ["dilation", "False"]),
    ("padding-float", {"padding": 1.5}, "bad_pair", ["padding", "1.5"], ["padding", "1.5"]),
    ("padding-none", {"padding": None}, "bad_pair", ["padding", "None"], ["padding", "None"]),
    ("bias-string", {"bias": "yes"}, "not_bool", ["bias", "'yes'"], ["bias", "'yes'"]),
    ("bias-int", {"bias": 1}, "not_bool", ["bias", "got 1"], ["bias", "为 1"]),
    # pairs of the wrong length
    ("kernel-triple", {"kernel_size": (1, 2, 3)}, "bad_pair", ["kernel_size", "(1, 2, 3)"],
     ["kernel_size", "(1, 2, 3)"]),
    ("kernel-list-triple", {"kernel_size": [3, 3, 3]}, "bad_pair", ["kernel_size", "[3, 3, 3]"],
     ["kernel_size", "[3, 3, 3]"]),
    ("stride-single", {"stride": (2,)}, "bad_pair", ["stride", "(2,)"], ["stride", "(2,)"]),
    ("padding-triple", {"padding": (1, 2, 3)}, "bad_pair", ["padding", "(1, 2, 3)"],
     ["padding", "(1, 2, 3)"]),
]  # fmt: skip

_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("overrides", "code", "en", "zh"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input(overrides: dict[str, Any], code: str, en: list[str], zh: list[str]) -> None:
    with pytest.raises(GeometryError) as info:
        convshare.conv2d(**{**BASE, **overrides})
    err = info.value
    assert isinstance(err, ValueError)
    assert err.code == code
    assert str(err) == err.message("en") == err.message()
    for fragment in en:
        assert fragment in err.message("en"), (fragment, err.message("en"))
    for fragment in zh:
        assert fragment in err.message("zh"), (fragment, err.message("zh"))
    # the Chinese message is written in Chinese, and is not the English one
    assert _HAN.search(err.message("zh"))
    assert not _HAN.search(err.message("en"))


def test_the_base_layer_is_valid() -> None:
    """Each case above breaks BASE in one way; BASE itself is a valid layer."""
    r = convshare.conv2d(**BASE)
    assert r.output_size == (8 - 3 + 1, 8 - 3 + 1)
    # padding rescues a kernel as large as the padded input: 5 + 2*1 = 7
    assert convshare.conv2d(5, 1, 1, 7, padding=1).output_size == (1, 1)


def test_every_conv_code_is_in_the_table() -> None:
    """Every message conv2d can raise is exercised above (the pooling and network codes
    are checked below and by the spec tests)."""
    conv_codes = set(MESSAGES) - {"pool_pad_too_large"}
    assert {c[2] for c in CASES} == conv_codes


@pytest.mark.parametrize("pool", ["maxpool", "avgpool"])
def test_pool_padding_more_than_half_the_kernel(pool: str) -> None:
    """PyTorch: "pad should be smaller than or equal to half of kernel size" (3 // 2 = 1)."""
    net = Network("n", (1, 8, 8), (Layer(pool, "p1", {"kernel_size": 3, "padding": 2}),))
    with pytest.raises(ValueError) as info:
        convshare.analyse(net)
    cause = info.value.__cause__
    assert isinstance(cause, GeometryError)
    assert cause.code == "pool_pad_too_large"
    assert "p1" in str(info.value)
    assert "padding (2)" in cause.message("en")
    assert "填充（2）" in cause.message("zh")
