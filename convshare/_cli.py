"""The command line: one layer from flags, the article's layers, or spec files checked.

``python -m convshare`` with no arguments prints the article's AlexNet and LeNet rows, corrected,
in both languages.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence

from ._conv import ConvResult, conv2d
from ._errors import ConvShareError
from ._network import NetworkResult
from ._render import article_layers, derivation, layer_table, network_table, network_totals

__all__ = ["main"]

_ARTICLE_NOTE = {
    "zh": "原文把 AlexNet 第一层不共享时的参数数印成了 105,415,600，这是算术笔误；正确值见上表。",
    "en": "The article prints 105,415,600 for AlexNet's first layer without sharing, an arithmetic "
    "slip; the table above has the correct figure.",
}


# ASCII decimal digits only, as the calculator reads them: not 0x20, not 1_000, not full-width ３２.
# At most 500 digits: every figure then stays under Python's 4,300-digit limit for printing.
_INTEGER = re.compile(r"[+-]?[0-9]{1,500}")


def _integer(text: str) -> int:
    """An integer written in ASCII decimal digits (a sign allowed, spaces around ignored)."""
    if not _INTEGER.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!a}")
    return int(text)


def _int_or_pair(text: str) -> int | tuple[int, int]:
    parts = text.split(",")
    if len(parts) > 2 or not all(_INTEGER.fullmatch(p.strip()) for p in parts):
        raise argparse.ArgumentTypeError(f"expected an integer or H,W, got {text!a}")
    values = [int(p) for p in parts]
    return values[0] if len(values) == 1 else (values[0], values[1])


def _display(path: str) -> str:
    """A path as typed, or escaped if it holds characters a terminal would act on."""
    return path if path.isprintable() else ascii(path)


def _padding(text: str) -> int | tuple[int, int] | str:
    return text if text in ("same", "valid") else _int_or_pair(text)


def conv_dict(r: ConvResult) -> dict[str, object]:
    """The figures of one conv layer as plain JSON-ready data."""
    return {
        "input_size": list(r.input_size),
        "in_channels": r.in_channels,
        "out_channels": r.out_channels,
        "kernel_size": list(r.kernel_size),
        "stride": list(r.stride),
        "padding": [list(p) for p in r.padding],
        "dilation": list(r.dilation),
        "groups": r.groups,
        "bias": r.bias,
        "output_size": list(r.output_size),
        "unused": list(r.unused),
        "neurons": r.neurons,
        "params_shared": r.params_shared,
        "params_unshared": r.params_unshared,
        "weights_shared": r.weights_shared,
        "biases": r.biases,
        "macs": r.macs,
        "sharing_ratio": r.sharing_ratio,
    }


def network_dict(result: NetworkResult) -> dict[str, object]:
    """A network's rows and totals as plain JSON-ready data."""
    return {
        "name": result.network.name,
        "input": list(result.network.input_shape),
        "params": result.params,
        "params_unshared": result.params_unshared,
        "macs": result.macs,
        "connections": result.connections,
        "layers": [
            {
                "name": row.name,
                "type": row.type,
                "branch": row.branch,
                "in_shape": list(row.in_shape),
                "out_shape": list(row.out_shape),
                "params": row.params,
                "params_unshared": row.params_unshared,
                "macs": row.macs,
                "connections": row.connections,
                "receptive_field": list(row.receptive_field) if row.receptive_field else None,
            }
            for row in result.rows
        ],
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m convshare",
        description="Parameters of convolutional layers with and without weight sharing.",
    )
    sub = parser.add_subparsers(dest="command")

    article = sub.add_parser("article", help="the article's AlexNet and LeNet layers, corrected")
    article.add_argument("--lang", choices=("zh", "en", "both"), default="both")

    layer = sub.add_parser("layer", help="one conv layer, given like torch.nn.Conv2d")
    layer.add_argument("--input", type=_int_or_pair, required=True, help="input size: N or H,W")
    layer.add_argument("--in-channels", type=_integer, required=True)
    layer.add_argument(
        "--filters", "--out-channels", dest="out_channels", type=_integer, required=True
    )
    layer.add_argument("--kernel", type=_int_or_pair, required=True, help="K or KH,KW")
    layer.add_argument("--stride", type=_int_or_pair, default=1)
    layer.add_argument(
        "--padding", type=_padding, default=0, help="per side: P, PH,PW, same or valid"
    )
    layer.add_argument("--dilation", type=_int_or_pair, default=1)
    layer.add_argument("--groups", type=_integer, default=1)
    layer.add_argument("--no-bias", dest="bias", action="store_false")
    layer.add_argument("--lang", choices=("zh", "en"), default="en")
    layer.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    layer.add_argument("--derivation", action="store_true", help="also print the derivation")

    check = sub.add_parser("check", help="validate architecture spec files and tabulate them")
    check.add_argument("specs", nargs="+", help="YAML spec files")
    check.add_argument("--lang", choices=("zh", "en"), default="en")
    check.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    check.add_argument("--quiet", "-q", action="store_true", help="print only errors and a summary")
    check.add_argument(
        "--torch",
        action="store_true",
        help="also build each spec in PyTorch (evaluation mode) and compare every layer",
    )

    imp = sub.add_parser("import", help="write the spec of a PyTorch model (MODULE:CALLABLE)")
    imp.add_argument("target", help="a module or .py file and a callable: my_model.py:Net")
    imp.add_argument(
        "--input", type=_shape, default=(3, 224, 224), help="C,H,W (default 3,224,224)"
    )
    imp.add_argument("-o", "--output", help="write the spec to this file instead of printing it")
    imp.add_argument(
        "--ignore-unused",
        action="store_true",
        help="leave out modules whose parameters the forward pass never uses (said in the spec)",
    )
    return parser


def _shape(text: str) -> tuple[int, int, int]:
    try:
        values = tuple(int(p) for p in text.replace("x", ",").split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected C,H,W (three positive integers), got {text!r}")
    return values[0], values[1], values[2]


def _import(args: argparse.Namespace) -> int:
    from ._import import ImportProblem, import_model

    try:
        done = import_model(args.target, args.input, ignore_unused=args.ignore_unused)
    except ImportProblem as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if done.left_out:
        print(
            f"left out: {', '.join(done.left_out)} ({done.model_params - done.params:,} "
            "parameters the forward pass never uses)",
            file=sys.stderr,
        )
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(done.text)
        what = "the model's" if not done.left_out else "the model's less those left out"
        print(f"{args.output}: {done.params:,} parameters, equal to {what}", file=sys.stderr)
    else:
        print(done.text, end="")
    return 0


def _torch_check(path: str, lang: str) -> bool:
    try:
        from ._torch import compare
    except ImportError:
        from ._import import TORCH_MISSING, TORCH_MISSING_ZH

        missing = TORCH_MISSING_ZH if lang == "zh" else TORCH_MISSING
        print(f"error: check --torch: {missing}", file=sys.stderr)
        return False
    n, problems = compare(path, lang)
    for p in problems:
        print(f"error: {_display(path)}: PyTorch: {p}", file=sys.stderr)
    if not problems:
        if lang == "zh":
            agrees = f"{_display(path)}：PyTorch 与本包在全部 {n} 层和合计上一致"
        else:
            agrees = f"{_display(path)}: PyTorch agrees on all {n} layers and the total"
        print(agrees, file=sys.stderr)
    return not problems


def _article(lang: str) -> str:
    langs = ("zh", "en") if lang == "both" else (lang,)
    blocks = []
    for code in langs:
        blocks.append(layer_table(article_layers(), code) + "\n" + _ARTICLE_NOTE[code] + "\n")
    return "\n".join(blocks)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 invalid input, 2 usage)."""
    args = _parser().parse_args(argv)
    if args.command in (None, "article"):
        print(_article(getattr(args, "lang", "both")), end="")
        return 0
    if args.command == "layer":
        try:
            r = conv2d(
                args.input,
                args.in_channels,
                args.out_channels,
                args.kernel,
                stride=args.stride,
                padding=args.padding,
                dilation=args.dilation,
                groups=args.groups,
                bias=args.bias,
            )
        except ConvShareError as e:
            print(f"error: {e.message(args.lang)}", file=sys.stderr)
            return 1
        if args.json:
            print(json.dumps(conv_dict(r), indent=2))
        else:
            print(layer_table([("conv", r)], args.lang), end="")
            if args.derivation:
                print()
                print(derivation(r, args.lang), end="")
        return 0
    if args.command == "import":
        return _import(args)
    failures = 0
    results = []
    from ._spec import load_spec

    for path in args.specs:
        try:
            result = load_spec(path)
        except ConvShareError as e:
            print(f"error: {e.message(args.lang)}", file=sys.stderr)
            failures += 1
            continue
        except Exception as e:  # a bug of ours: still a message, then go on
            what = "内部错误" if args.lang == "zh" else "internal error"
            print(f"error: {_display(path)}: {what} ({type(e).__name__})", file=sys.stderr)
            failures += 1
            continue
        if args.torch and not _torch_check(path, args.lang):
            failures += 1
            continue
        results.append(result)
        if args.json or args.quiet:
            continue
        print(f"## {result.network.name} ({_display(path)})\n")
        print(network_table(result, args.lang))
        print(network_totals(result, args.lang))
    if args.json:
        print(json.dumps([network_dict(r) for r in results], indent=2, ensure_ascii=False))
    ok = len(args.specs) - failures
    if args.lang == "zh":
        print(f"{ok} 个规格有效，{failures} 个无效", file=sys.stderr)
    else:
        print(f"{ok} spec(s) valid, {failures} invalid", file=sys.stderr)
    return 1 if failures else 0
