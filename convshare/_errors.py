"""Errors with stable codes and messages in Chinese and English.

Every message the package can raise is a template in :data:`MESSAGES`, keyed by a code.
The interactive calculator reads the same table (exported as JSON), so a reader sees the
same words in the browser as on the command line.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MESSAGES", "ConvShareError", "GeometryError", "SpecError", "message"]

#: code -> {"en": template, "zh": template}; templates use ``str.format`` fields.
MESSAGES: dict[str, dict[str, str]] = {
    "not_integer": {
        "en": "{name} must be an integer, got {value}",
        "zh": "{name} 必须是整数，实际为 {value}",
    },
    "not_positive": {
        "en": "{name} must be a positive integer, got {value}",
        "zh": "{name} 必须是正整数，实际为 {value}",
    },
    "negative": {
        "en": "{name} must be zero or more, got {value}",
        "zh": "{name} 不能为负数，实际为 {value}",
    },
    "not_bool": {
        "en": "{name} must be true or false, got {value}",
        "zh": "{name} 必须是 true 或 false，实际为 {value}",
    },
    "bad_pair": {
        "en": "{name} must be an integer or a pair of integers, got {value}",
        "zh": "{name} 必须是一个整数或一对整数，实际为 {value}",
    },
    "bad_padding": {
        "en": "padding must be an integer, a pair of integers, 'valid' or 'same', got {value}",
        "zh": "padding 必须是整数、一对整数、'valid' 或 'same'，实际为 {value}",
    },
    "same_strided": {
        "en": "padding='same' needs stride 1 (PyTorch rejects it for strided convolutions), "
        "got stride {value}",
        "zh": "padding='same' 要求步幅为 1（PyTorch 不支持带步幅的 'same' 卷积），"
        "实际步幅为 {value}",
    },
    "groups_in": {
        "en": "in_channels ({in_channels}) must be divisible by groups ({groups})",
        "zh": "输入通道数 in_channels（{in_channels}）必须能被 groups（{groups}）整除",
    },
    "groups_out": {
        "en": "out_channels ({out_channels}) must be divisible by groups ({groups})",
        "zh": "输出通道数 out_channels（{out_channels}）必须能被 groups（{groups}）整除",
    },
    "kernel_too_large": {
        "en": "the kernel spans {extent} {axis} (dilation × (kernel − 1) + 1), "
        "more than the padded input's {padded} ({size} + padding {pad})",
        "zh": "卷积核在{axis_zh}覆盖 {extent}（dilation × (kernel − 1) + 1），"
        "超过了填充后的输入 {padded}（{size} + 填充 {pad}）",
    },
    "pool_pad_too_large": {
        "en": "pooling padding ({pad}) must be at most half the kernel size ({kernel}), "
        "as in PyTorch",
        "zh": "池化的填充（{pad}）不能超过池化核大小（{kernel}）的一半（与 PyTorch 一致）",
    },
}


def message(code: str, lang: str = "en", **fields: Any) -> str:
    """Format the message ``code`` in ``lang`` ("en" or "zh").

    >>> message("not_positive", "en", name="stride", value=0)
    'stride must be a positive integer, got 0'
    """
    template = MESSAGES[code]["zh" if lang == "zh" else "en"]
    return template.format(**fields)


class ConvShareError(ValueError):
    """Base class: a bad input, with a stable ``code`` and a message in both languages."""

    def __init__(self, code: str, **fields: Any) -> None:
        self.code = code
        self.fields = fields
        super().__init__(message(code, "en", **fields))

    def message(self, lang: str = "en") -> str:
        """This error's message in ``lang``."""
        return message(self.code, lang, **self.fields)


class GeometryError(ConvShareError):
    """A layer geometry that PyTorch would reject, or that leaves no output."""


class SpecError(ValueError):
    """An invalid architecture spec: names the file, the layer and the problem."""

    def __init__(self, problem: str, *, file: str | None = None, layer: str | None = None) -> None:
        self.problem = problem
        self.file = file
        self.layer = layer
        parts = [p for p in (file, layer) if p]
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {problem}" if prefix else problem)
