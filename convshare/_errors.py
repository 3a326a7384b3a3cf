"""Errors with stable codes and messages in Chinese and English.

Every message the package can raise is a template keyed by a code: one layer's geometry in
:data:`MESSAGES` (the interactive calculator reads this table, exported as JSON, so a reader sees
the same words in the browser as on the command line), whole networks and spec files in
:data:`SPEC_MESSAGES`. Every error is a :class:`ConvShareError`: ``code``, ``fields`` and
``message(lang)``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = [
    "MESSAGES",
    "SPEC_MESSAGES",
    "Bilingual",
    "ConvShareError",
    "GeometryError",
    "NetworkShapeError",
    "SpecError",
    "message",
]

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
        "zh": "卷积核在{axis_zh}覆盖 {extent}（膨胀率 × (卷积核大小 − 1) + 1），"
        "超过了填充后的输入 {padded}（{size} + 填充 {pad}）",
    },
    "pool_pad_too_large": {
        "en": "pooling padding ({pad}) must be at most half the kernel size ({kernel}), "
        "as in PyTorch",
        "zh": "池化的填充（{pad}）不能超过池化核大小（{kernel}）的一半（与 PyTorch 一致）",
    },
}


#: code -> {"en": template, "zh": template} for whole networks and spec files.
SPEC_MESSAGES: dict[str, dict[str, str]] = {
    # Reading the file.
    "file_unreadable": {
        "en": "cannot read the file: {reason}",
        "zh": "无法读取文件：{reason}",
    },
    "file_too_large": {
        "en": "the file is larger than {limit} bytes; a spec is a short text file",
        "zh": "文件超过 {limit} 字节；规格文件应当是简短的文本文件",
    },
    "not_utf8": {
        "en": "not UTF-8 text (byte {byte} at offset {offset})",
        "zh": "不是 UTF-8 文本（偏移 {offset} 处的字节 {byte}）",
    },
    "yaml_invalid": {
        "en": "not valid YAML: {problem}",
        "zh": "不是有效的 YAML：{problem}",
    },
    "yaml_alias": {
        "en": "YAML anchors and aliases (&name, *name) are not allowed in a spec; "
        "write each value out",
        "zh": "规格文件里不能使用 YAML 锚点和别名（&name、*name），请把每个值直接写出来",
    },
    "yaml_too_deep": {
        "en": "values nested more than {limit} levels deep",
        "zh": "值的嵌套超过 {limit} 层",
    },
    "yaml_too_many": {
        "en": "more than {limit} values in one file",
        "zh": "一个文件里的值超过 {limit} 个",
    },
    "yaml_long_number": {
        "en": "a number with more than {limit} digits",
        "zh": "数字超过 {limit} 位",
    },
    "yaml_bad_key": {
        "en": "a key must be text or a number, got {value}",
        "zh": "键必须是文本或数字，实际为 {value}",
    },
    "yaml_duplicate_key": {
        "en": "the key {key} is written twice",
        "zh": "键 {key} 写了两次",
    },
    "yaml_bad_value": {
        "en": "this value cannot be read ({problem})",
        "zh": "无法读取这个值（{problem}）",
    },
    # The spec's top level.
    "not_mapping": {
        "en": "a spec must be a mapping with at least name, input and layers",
        "zh": "规格必须是一个映射，至少包含 name、input 和 layers",
    },
    "unknown_top_field": {
        "en": "unknown top-level field {key} (fields: {fields})",
        "zh": "未知的顶层字段 {key}（可用字段：{fields}）",
    },
    "missing_top_field": {
        "en": "missing top-level field '{key}'",
        "zh": "缺少顶层字段 '{key}'",
    },
    "bad_name": {
        "en": "name must be non-empty text, got {value}",
        "zh": "name 必须是非空文本，实际为 {value}",
    },
    "bad_input": {
        "en": "input must be [channels, height, width], three positive integers, got {value}",
        "zh": "input 必须是 [通道数, 高, 宽]，即三个正整数，实际为 {value}",
    },
    "bad_bilingual": {
        "en": "{key} must be a mapping {{zh: text, en: text}}, got {value}",
        "zh": "{key} 必须是映射 {{zh: 文本, en: 文本}}，实际为 {value}",
    },
    "bad_text": {
        "en": "{key} must be text or a mapping {{zh: text, en: text}}, got {value}",
        "zh": "{key} 必须是文本或映射 {{zh: 文本, en: 文本}}，实际为 {value}",
    },
    "text_control": {
        "en": "{key} contains the control character {char}; write plain text",
        "zh": "{key} 含有控制字符 {char}，请只写普通文本",
    },
    "text_too_long": {
        "en": "{key} is longer than {limit} characters",
        "zh": "{key} 超过 {limit} 个字符",
    },
    "bad_published": {
        "en": "published must be a mapping with params, connections and source, got {value}",
        "zh": "published 必须是包含 params、connections 和 source 的映射，实际为 {value}",
    },
    "published_no_source": {
        "en": "published needs a source (where the figures are published)",
        "zh": "published 需要 source（这些数字发表在哪里）",
    },
    "published_not_whole": {
        "en": "published.{key} must be a whole number, got {value}",
        "zh": "published.{key} 必须是非负整数，实际为 {value}",
    },
    "published_mismatch": {
        "en": "published.{key}: the spec publishes {published} but its layers add up to "
        "{computed} (check the layers, or the published figure)",
        "zh": "published.{key}：规格给出的已发表数字是 {published}，但各层加起来是 {computed}"
        "（请检查各层或已发表的数字）",
    },
    "too_large": {
        "en": "{name} must be at most {limit}, got {value}",
        "zh": "{name} 不能超过 {limit}，实际为 {value}",
    },
    "too_many_layers": {
        "en": "more than {limit} layers",
        "zh": "层数超过 {limit}",
    },
    "too_deep": {
        "en": "blocks nested more than {limit} levels deep",
        "zh": "块的嵌套超过 {limit} 层",
    },
    # Layers.
    "bad_layers": {
        "en": "{path} must be a non-empty list of layers",
        "zh": "{path} 必须是非空的层列表",
    },
    "layer_not_mapping": {
        "en": "each layer must be a mapping such as {{type: conv, ...}}, got {value}",
        "zh": "每一层都必须是映射，例如 {{type: conv, ...}}，实际为 {value}",
    },
    "bad_layer_name": {
        "en": "name must be text, got {value}",
        "zh": "name 必须是文本，实际为 {value}",
    },
    "name_taken": {
        "en": "the name {name} is already used by {other}",
        "zh": "名称 {name} 已被 {other} 使用",
    },
    "missing_type": {
        "en": "missing field 'type'",
        "zh": "缺少字段 'type'",
    },
    "unknown_type": {
        "en": "unknown layer type {type}; known types: {known}",
        "zh": "未知的层类型 {type}；已知的类型：{known}",
    },
    "missing_field": {
        "en": "a {type} layer needs the field '{key}'",
        "zh": "{type} 层需要字段 '{key}'",
    },
    "unknown_field": {
        "en": "unknown field {key} for a {type} layer (fields: {fields})",
        "zh": "{type} 层没有字段 {key}（可用字段：{fields}）",
    },
    "bad_pair_spec": {
        "en": "{name} must be a positive integer or a pair of positive integers [height, width], "
        "got {value}",
        "zh": "{name} 必须是一个正整数，或一对正整数 [高, 宽]，实际为 {value}",
    },
    "bad_pair_spec0": {
        "en": "{name} must be a non-negative integer or a pair of non-negative integers "
        "[height, width], got {value}",
        "zh": "{name} 必须是一个非负整数，或一对非负整数 [高, 宽]，实际为 {value}",
    },
    "bad_connections": {
        "en": "connections must be a list, one entry per output channel, of non-empty lists of "
        "input channel indices (0, 1, ...)",
        "zh": "connections 必须是列表，每个输出通道一项，每项是输入通道编号（0、1、……）"
        "组成的非空列表",
    },
    "connections_repeat": {
        "en": "connections[{index}] lists an input channel twice",
        "zh": "connections[{index}] 把同一个输入通道列了两次",
    },
    "connections_count": {
        "en": "connections has {count} entries but out_channels is {out_channels}",
        "zh": "connections 有 {count} 项，但 out_channels 是 {out_channels}",
    },
    "connections_groups": {
        "en": "connections and groups cannot be used together",
        "zh": "connections 和 groups 不能同时使用",
    },
    # Shapes flowing through a network.
    "needs_spatial": {
        "en": "a {type} layer needs a (channels, height, width) input, got {shape}: "
        "it cannot follow a flatten or linear layer",
        "zh": "{type} 层需要 (通道数, 高, 宽) 形状的输入，实际为 {shape}："
        "它不能接在 flatten 或 linear 层之后",
    },
    "needs_flat": {
        "en": "a {type} layer needs a flat input, got {shape}: add a flatten layer before it",
        "zh": "{type} 层需要展平的输入，实际为 {shape}：请在它前面加一个 flatten 层",
    },
    "in_channels_mismatch": {
        "en": "in_channels is {in_channels} but the previous layer gives {channels} channel{s}",
        "zh": "in_channels 为 {in_channels}，但上一层输出 {channels} 个通道",
    },
    "connections_range": {
        "en": "connections[{index}] reads input channel {channel}, but the input has only "
        "{channels} channels (0 to {last})",
        "zh": "connections[{index}] 读取输入通道 {channel}，但输入只有 {channels} 个通道"
        "（0 到 {last}）",
    },
    "unknown_layer": {
        "en": "unknown layer type {type}",
        "zh": "未知的层类型 {type}",
    },
    "bad_merge": {
        "en": "merge must be one of {merges}, got {value}",
        "zh": "merge 必须是 {merges} 之一，实际为 {value}",
    },
    "bad_branches": {
        "en": "branches must be a list of at least two branches, each a list of layers "
        "([] for the identity)",
        "zh": "branches 必须是至少两个分支的列表，每个分支是一个层列表（[] 表示恒等）",
    },
    "concat_mismatch": {
        "en": "the branches give {shapes}: concatenation along the channels needs the same "
        "height and width in every branch",
        "zh": "各分支输出 {shapes}：沿通道拼接要求每个分支的高和宽相同",
    },
    "sum_mismatch": {
        "en": "the branches give {shapes}: a sum needs equal shapes",
        "zh": "各分支输出 {shapes}：相加要求形状相同",
    },
    "multiply_mismatch": {
        "en": "the branches give {shapes}: a product needs equal shapes, or a "
        "(channels, 1, 1) gate with the same channels",
        "zh": "各分支输出 {shapes}：相乘要求形状相同，或者是通道数相同的 (通道, 1, 1) 门控",
    },
    # Blocks (named groups of layers, used with use: and repeat:).
    "blocks_not_mapping": {
        "en": "blocks must be a mapping: block name -> {{args, defaults, layers}}",
        "zh": "blocks 必须是映射：块名 -> {{args, defaults, layers}}",
    },
    "block_bad_name": {
        "en": "a block's name must be a word (letters, digits, _), got {value}",
        "zh": "块名必须是一个词（字母、数字、_），实际为 {value}",
    },
    "block_not_mapping": {
        "en": "a block must be a mapping with layers (and args, defaults)",
        "zh": "块必须是包含 layers（以及 args、defaults）的映射",
    },
    "block_unknown_field": {
        "en": "unknown field {key} (fields: args, defaults, layers)",
        "zh": "未知字段 {key}（可用字段：args、defaults、layers）",
    },
    "block_no_layers": {
        "en": "a block needs a non-empty list of layers",
        "zh": "块需要一个非空的层列表",
    },
    "block_bad_args": {
        "en": "args must be a list of argument names (words), and defaults a mapping from "
        "argument names to values",
        "zh": "args 必须是参数名（词）的列表，defaults 必须是参数名到取值的映射",
    },
    "block_arg_reserved": {
        "en": "{key} cannot be an argument's name: {why}",
        "zh": "{key} 不能用作参数名：{why}",
    },
    "unknown_block": {
        "en": "unknown block {name}; blocks: {known}",
        "zh": "未知的块 {name}；已定义的块：{known}",
    },
    "block_nested": {
        "en": "blocks nested more than {limit} deep (does block {name} use itself?)",
        "zh": "块的嵌套超过 {limit} 层（块 {name} 是否用到了它自己？）",
    },
    "bad_repeat": {
        "en": "repeat must be a whole number from 1 to {limit}, got {value}",
        "zh": "repeat 必须是 1 到 {limit} 之间的整数，实际为 {value}",
    },
    "bad_from": {
        "en": "from must be a whole number, 0 or more, got {value}",
        "zh": "from 必须是不小于 0 的整数，实际为 {value}",
    },
    "block_no_arg": {
        "en": "block {name} has no argument {key} (arguments: {known})",
        "zh": "块 {name} 没有参数 {key}（它的参数：{known}）",
    },
    "block_needs_arg": {
        "en": "block {name} needs the argument {key}",
        "zh": "块 {name} 需要参数 {key}",
    },
    "unknown_var": {
        "en": "${var} is not an argument here (arguments: {known})",
        "zh": "${var} 不是这里的参数（可用的参数：{known}）",
    },
    "repeat_without_use": {
        "en": "repeat and from go with use: a block used several times",
        "zh": "repeat 和 from 只能与 use 一起使用（把一个块重复使用多次）",
    },
    "expanded_too_many": {
        "en": "more than {limit} layers once blocks are expanded",
        "zh": "展开块之后层数超过 {limit}",
    },
    "residual_mismatch": {
        "en": "the body gives {body} but the shortcut gives {shortcut}: a residual addition "
        "needs equal shapes",
        "zh": "主分支输出 {body}，捷径输出 {shortcut}：残差相加要求两者形状相同",
    },
}


class Bilingual(NamedTuple):
    """A field value that reads differently in each language (e.g. a description of a value)."""

    en: str
    zh: str

    def __str__(self) -> str:
        return self.en


def message(code: str, lang: str = "en", **fields: Any) -> str:
    """Format the message ``code`` in ``lang`` ("en" or "zh").

    >>> message("not_positive", "en", name="stride", value=0)
    'stride must be a positive integer, got 0'
    >>> message("missing_type", "zh")
    "缺少字段 'type'"
    """
    key = "zh" if lang == "zh" else "en"
    table = MESSAGES.get(code) or SPEC_MESSAGES[code]
    local = {k: getattr(v, key) if isinstance(v, Bilingual) else v for k, v in fields.items()}
    return table[key].format(**local)


class ConvShareError(ValueError):
    """Base class: a bad input, with a stable ``code`` and a message in both languages."""

    def __init__(self, code: str, **fields: Any) -> None:
        self.code = code
        self.fields = fields
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """This error's message in ``lang``."""
        return message(self.code, lang, **self.fields)

    @property
    def problem(self) -> str:
        """The problem alone, in English, without the file or layer a subclass adds."""
        return message(self.code, "en", **self.fields)


class GeometryError(ConvShareError):
    """A layer geometry that PyTorch would reject, or that leaves no output."""


class NetworkShapeError(ConvShareError):
    """A layer that cannot accept the shape the previous layer gives it (``layer`` names it)."""

    def __init__(self, layer: str, code: str, **fields: Any) -> None:
        self.layer = layer
        super().__init__(code, **fields)

    def message(self, lang: str = "en") -> str:
        return f"{self.layer}: {message(self.code, lang, **self.fields)}"


class SpecError(ConvShareError):
    """An invalid architecture spec: names the file, the place in it and the problem.

    >>> e = SpecError("missing_type", file="net.yaml", layer="layers[1] (S2)")
    >>> str(e)
    "net.yaml: layers[1] (S2): missing field 'type'"
    >>> e.message("zh")
    "net.yaml: layers[1] (S2): 缺少字段 'type'"
    >>> e.problem
    "missing field 'type'"
    """

    def __init__(
        self, code: str, *, file: str | None = None, layer: str | None = None, **fields: Any
    ) -> None:
        self.file = file
        self.layer = layer
        super().__init__(code, **fields)

    def message(self, lang: str = "en") -> str:
        parts = [p for p in (self.file, self.layer) if p]
        text = message(self.code, lang, **self.fields)
        return ": ".join([*parts, text])
