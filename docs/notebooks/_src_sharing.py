"""Notebook 1: a convolution and a locally connected layer give the same outputs."""

from execute import code, md

ARTICLE = (
    "https://towardsdatascience.com/understanding-parameter-sharing-or-weights-replication-"
    "within-convolutional-neural-networks-cc26db7b645a"
)
DLBOOK = "https://www.deeplearningbook.org/contents/convnets.html"
LECUN = "http://yann.lecun.com/exdb/publis/pdf/lecun-01a.pdf"
CS231N = "https://cs231n.github.io/convolutional-networks/"

CELLS = [
    md(
        f"""
        # 同样的输出，少得多的参数

        [原文]({ARTICLE})（Richmond Alake 发表在 Towards Data Science 上的文章）
        用手算推出卷积层在有、无参数共享时各有多少个参数。
        本笔记本不手算，而是把两种层都用 PyTorch 实现出来：

        - **卷积层**（`torch.nn.Conv2d`）：一个特征图上的所有位置共用同一组滤波器，即参数共享；
        - **局部连接层**：几何结构完全相同（卷积核大小、步幅、填充都一样），但每个输出位置都有自己的
          一组滤波器和偏置。Goodfellow 等人在[《深度学习》第 9 章]({DLBOOK})中称之为非共享卷积
          （unshared convolution）。

        接着检验三件事：让局部连接层的每个位置都持有卷积层的滤波器，两者的输出是否相同；PyTorch
        数出的参数量是否与 `convshare` 的计算一致；两种参数量的差距如何随输出尺寸增长。
        """,
        f"""
        # Same outputs, far fewer parameters

        The [source article]({ARTICLE}) (Richmond Alake, Towards Data Science) works out by hand
        how many parameters a convolutional layer has with and without parameter sharing. This
        notebook builds both layers in PyTorch instead:

        - a **convolutional layer** (`torch.nn.Conv2d`): every position of a feature map uses the
          same filters, which is parameter sharing;
        - a **locally connected layer**: the same geometry (kernel size, stride, padding), but every
          output position owns its filters and biases. Goodfellow et al. call it an unshared
          convolution ([*Deep Learning*, chapter 9]({DLBOOK})).

        It then checks three things: whether both layers give the same outputs when every position
        of the locally connected layer holds the convolution's filters; whether the parameter counts
        that PyTorch reports agree with `convshare`; and how the gap grows with the output size.
        """,
    ),
    code(
        """
        import inspect

        import matplotlib.pyplot as plt
        import torch
        from torch import nn

        import convshare
        from _lc import LocallyConnected2d
        from _nb import setup, show, table

        setup()  # fixed seeds, one CPU thread, figure style
        # float64: the comparisons below hold to 1e-12 on every CPU, not just on this one.
        torch.set_default_dtype(torch.float64)


        def fmt(n):  # an integer with thousands separators
            return convshare.fmt(n, "«lang»")
        """
    ),
    md(
        r"""
        ## 局部连接层

        局部连接层只要几行代码（在本笔记本所在目录的 `_lc.py` 中）。`torch.nn.functional.unfold`
        取出卷积要读的每一个输入块，每块 $C_\text{in} k_h k_w$ 个数；`einsum` 再让第 $l$ 个位置的
        输入块只与第 $l$ 个位置自己的权重相乘。权重的形状是（位置数，输出通道数，
        $C_\text{in} k_h k_w$），偏置的形状是（位置数，输出通道数）。
        """,
        r"""
        ## The locally connected layer

        The locally connected layer takes a few lines (`_lc.py`, next to this notebook).
        `torch.nn.functional.unfold` extracts every input patch that the convolution reads,
        $C_\text{in} k_h k_w$ numbers each; `einsum` then multiplies the patch at position $l$ by
        the weights of position $l$ only. The weight has shape (positions, output channels,
        $C_\text{in} k_h k_w$), the bias (positions, output channels).
        """,
    ),
    code(
        """
        print(inspect.getsource(LocallyConnected2d.forward))
        """
    ),
    md(
        f"""
        ## 相同的几何，相同的输出

        取三个层：LeNet-5 的 C1（[LeCun 等人，1998]({LECUN})，32×32 输入）；原文所用的 LeNet
        版本（未填充的 28×28 输入）；AlexNet 的第一个卷积层（[CS231n]({CS231N}) 采用的
        227×227×3 输入）。把卷积层的滤波器和偏置复制到局部连接层的每一个位置，再把同一批随机输入
        送进两层，比较输出。
        """,
        f"""
        ## Same geometry, same outputs

        Three layers: LeNet-5's C1 ([LeCun et al., 1998]({LECUN}), 32×32 input); the LeNet of the
        source article (the unpadded 28×28 input); and AlexNet's first convolutional layer (the
        227×227×3 input that [CS231n]({CS231N}) uses). The convolution's filters and biases are
        copied to every position of the locally connected layer, and both layers get the same
        batch of random inputs.
        """,
    ),
    code(
        """
        # Layer name -> arguments of convshare.conv2d (and of the two PyTorch layers).
        LAYERS = {
            "LeNet-5 C1 (32×32)": dict(input_size=32, in_channels=1, out_channels=6, kernel_size=5),
            "«lenet28»": dict(input_size=28, in_channels=1, out_channels=6, kernel_size=5),
            "AlexNet conv1 (227×227)": dict(
                input_size=227, in_channels=3, out_channels=96, kernel_size=11, stride=4
            ),
        }


        def conv_layer(g, device=None):
            return nn.Conv2d(
                g["in_channels"], g["out_channels"], g["kernel_size"], g.get("stride", 1),
                device=device,
            )


        TOLERANCE = 1e-12  # largest absolute difference allowed

        rows = []
        for name, g in LAYERS.items():
            conv = conv_layer(g)
            lc = LocallyConnected2d.from_conv(conv, g["input_size"])
            x = torch.randn(2, g["in_channels"], g["input_size"], g["input_size"])
            with torch.no_grad():
                y_conv, y_lc = conv(x), lc(x)
            # Raises if any output differs by more than TOLERANCE.
            torch.testing.assert_close(y_lc, y_conv, rtol=0, atol=TOLERANCE)
            rows.append([
                name,
                "×".join(map(str, y_conv.shape)),
                f"< {TOLERANCE:.0e}",
                f"{y_conv.abs().max().item():.2f}",
            ])
        del conv, lc  # the locally connected AlexNet layer holds hundreds of megabytes
        table(["«layer»", "«shape»", "«maxdiff»", "«maxabs»"], rows)
        """,
        lenet28=("原文的 LeNet（28×28）", "The article's LeNet (28×28)"),
        layer=("层", "Layer"),
        shape=("输出形状（批量大小×通道×高×宽）", "Output shape (batch×channels×height×width)"),
        maxdiff=("两层输出之差（绝对值）", "Absolute difference between the layers"),
        maxabs=("输出的最大绝对值", "Largest absolute output"),
    ),
    md(
        """
        每个输出的差都小于 $10^{-12}$，而输出本身是 1 的量级：`torch.testing.assert_close`
        逐个检查了所有输出，超出就会报错。差异不恰好为零，是因为两种实现对同样的乘积求和，只是相加
        的顺序不同，最后几位的舍入因 CPU 而异；所以这里用 float64 计算，并只给出一个在任何机器上都
        成立的上界，而不是本机的舍入残差。两层计算的是同一个函数，区别只在存储：卷积层保存一份滤波器，
        局部连接层为每个输出位置各保存一份。
        """,
        """
        Every output differs by less than $10^{-12}$, on outputs of the order of 1:
        `torch.testing.assert_close` checked every output and would have raised otherwise. The
        differences are not exactly zero because both implementations add up the same products
        in a different order, and the rounding of the last bits depends on the CPU; so the
        comparison runs in float64 and states a bound that holds on any machine, rather than
        this machine's rounding residue. The two layers compute the same function; they differ
        only in what they store: the convolution keeps one copy of its filters, the locally
        connected layer one copy per output position.
        """,
    ),
    md(
        """
        ## PyTorch 数出的参数量

        参数量直接问 PyTorch（各参数张量 `numel()` 之和），再与 `convshare` 的 `params_shared`、
        `params_unshared` 比较。这里的层建在 `meta` 设备上：只有形状，不分配内存。
        """,
        """
        ## Parameter counts from PyTorch

        The counts come from PyTorch itself (the sum of `numel()` over the parameter tensors) and
        are compared with `convshare`'s `params_shared` and `params_unshared`. The layers are built
        on the `meta` device: shapes only, no memory.
        """,
    ),
    code(
        """
        rows = []
        for name, g in LAYERS.items():
            r = convshare.conv2d(**g)
            n_conv = sum(p.numel() for p in conv_layer(g, device="meta").parameters())
            n_lc = sum(p.numel() for p in LocallyConnected2d(**g, device="meta").parameters())
            assert (n_conv, n_lc) == (r.params_shared, r.params_unshared)
            assert n_lc == n_conv * r.positions  # the ratio is the number of positions
            rows.append([
                name, fmt(n_conv), fmt(r.params_shared), fmt(n_lc), fmt(r.params_unshared),
                fmt(r.positions),
            ])
        header = ["«layer»", "«conv»", "«shared»", "«lc»", "«unshared»", "«ratio»"]
        table(header, rows)
        """,
        layer=("层", "Layer"),
        conv=("共享：PyTorch", "Shared: PyTorch"),
        shared=("共享：convshare", "Shared: convshare"),
        lc=("不共享：PyTorch", "Unshared: PyTorch"),
        unshared=("不共享：convshare", "Unshared: convshare"),
        ratio=("倍数 = 输出位置数", "Ratio = output positions"),
    ),
    md(
        """
        两边完全一致，倍数恰好等于每个特征图上的输出位置数。原文给 AlexNet 第一层算出的不共享时的
        参数量与此不同：差在哪里？
        """,
        """
        Both sides agree exactly, and the ratio is exactly the number of output positions of a
        feature map. The source article's count for AlexNet's first layer without sharing is
        different:
        """,
    ),
    code(
        """
        # The source article's count for AlexNet's first layer without sharing:
        ARTICLE_FIGURE = 105_415_600
        alex = convshare.conv2d(**LAYERS["AlexNet conv1 (227×227)"])
        print(«sentence»)
        """,
        sentence=(
            'f"原文：{fmt(ARTICLE_FIGURE)}；"\n'
            '      f"参数（含偏置）：{fmt(alex.params_unshared)}，"\n'
            '      f"比原文多 {fmt(alex.params_unshared - ARTICLE_FIGURE)}；"\n'
            '      f"只计权重：{fmt(alex.positions * alex.weights_shared)}，"\n'
            '      f"比原文少 {fmt(ARTICLE_FIGURE - alex.positions * alex.weights_shared)}。"\n'
            '      "原文的数离只计权重的乘积近得多：很可能漏了偏置，末几位又抄错了。"',
            'f"Article: {fmt(ARTICLE_FIGURE)}; "\n'
            '      f"parameters (biases included): {fmt(alex.params_unshared)}, "\n'
            '      f"{fmt(alex.params_unshared - ARTICLE_FIGURE)} more; "\n'
            '      f"weights only: {fmt(alex.positions * alex.weights_shared)}, "\n'
            '      f"{fmt(ARTICLE_FIGURE - alex.positions * alex.weights_shared)} fewer. "\n'
            '      "The article\'s figure is much closer to the weights-only product: "\n'
            '      "probably the biases left out and the last digits miscopied."',
        ),
    ),
    md(
        f"""
        ## 反向传播：共享权重的梯度是各位置梯度之和

        共享也决定了训练时梯度的形式。[LeCun 等人（1998）]({LECUN})指出，一个被多处共享的权重，
        其梯度是它在各处的梯度之和。用原文的 LeNet 层检验：对同一个损失分别做反向传播，卷积层的权重
        梯度应当等于局部连接层所有位置的权重梯度之和，偏置也一样。
        """,
        f"""
        ## Backpropagation: a shared weight's gradient is the sum over positions

        Sharing also shapes the gradients. [LeCun et al. (1998)]({LECUN}) point out that the
        gradient of a weight used in many places is the sum of its gradients in those places. With
        the article's LeNet layer: after backpropagating the same loss through both layers, the
        convolution's weight gradient should equal the sum of the locally connected layer's weight
        gradients over all positions, and likewise for the biases.
        """,
    ),
    code(
        """
        g = LAYERS["«lenet28»"]
        conv = conv_layer(g)
        lc = LocallyConnected2d.from_conv(conv, g["input_size"])
        x = torch.randn(4, 1, 28, 28)
        target = torch.randn(4, 6, 24, 24)
        for layer in (conv, lc):
            ((layer(x) - target) ** 2).mean().backward()

        summed_w = lc.weight.grad.sum(dim=0).reshape(conv.weight.shape)
        summed_b = lc.bias.grad.sum(dim=0)
        # Raise if the convolution's gradient is not the sum over positions.
        torch.testing.assert_close(conv.weight.grad, summed_w, rtol=0, atol=TOLERANCE)
        torch.testing.assert_close(conv.bias.grad, summed_b, rtol=0, atol=TOLERANCE)
        print("«w»", f"< {TOLERANCE:.0e}")
        print("«b»", f"< {TOLERANCE:.0e}")
        spread = (lc.weight.grad - lc.weight.grad.mean(dim=0)).abs().max()
        print("«spread»", f"{spread.item():.2e}")
        """,
        lenet28=("原文的 LeNet（28×28）", "The article's LeNet (28×28)"),
        w=(
            "权重：卷积层的梯度与各位置梯度之和，差",
            "weights, conv gradient vs sum over positions, difference:",
        ),
        b=(
            "偏置：卷积层的梯度与各位置梯度之和，差",
            "biases, conv gradient vs sum over positions, difference:",
        ),
        spread=(
            "局部连接层：各位置权重梯度偏离平均值，最大幅度",
            "locally connected, a position's gradient vs the mean, largest deviation:",
        ),
    ),
    md(
        """
        前两行由 `assert_close` 保证：两者之差在舍入误差以内。第三个数说明各位置的梯度并不相同。
        所以局部连接层走一步梯度下降后，
        各位置的滤波器就各不相同，它不再是卷积；卷积层把各位置的梯度加在一起，只更新一份滤波器，
        所有位置始终一致。要计算的梯度项并没有变少，只是被加到了同一份参数上。这对训练速度意味着
        什么，见[第三个笔记本](../training-speed/)。
        """,
        """
        The first two lines are guaranteed by `assert_close`: the two agree up to rounding. The
        third number shows that the positions' gradients are not the same. One step of gradient
        descent therefore leaves the locally
        connected layer with a different filter at every position: it is no longer a convolution.
        The convolution adds the positions' gradients and updates its one copy, so all positions
        stay identical. No fewer gradient terms are computed; they are summed into one set of
        parameters. What that means for training speed is measured in the
        [third notebook](../training-speed/).
        """,
    ),
    md(
        r"""
        ## 差距随输出尺寸增长

        没有共享时，每个输出位置各有一份参数，所以

        $$P_\text{unshared} = H_\text{out} W_\text{out} \cdot C_\text{out}
        \left( k_h k_w C_\text{in} + 1 \right) = H_\text{out} W_\text{out} \cdot P_\text{shared}$$

        共享时的参数量 $P_\text{shared}$ 与输入尺寸无关。下图让输入尺寸从小变大，画出两种几何
        （LeNet 的 5×5、1→6 通道和 AlexNet 第一层的 11×11、步幅 4、3→96 通道）下的两种参数量，
        并标出上表中由 PyTorch 数出的三个层。
        """,
        r"""
        ## The gap grows with the output

        Without sharing every output position owns a copy of the parameters, so

        $$P_\text{unshared} = H_\text{out} W_\text{out} \cdot C_\text{out}
        \left( k_h k_w C_\text{in} + 1 \right) = H_\text{out} W_\text{out} \cdot P_\text{shared}$$

        while $P_\text{shared}$, the count with sharing, does not depend on the input size. The
        figure grows the input for two geometries (LeNet's 5×5 with 1→6 channels, and AlexNet's
        first layer: 11×11, stride 4, 3→96 channels), plots both counts, and marks the three
        layers that PyTorch counted above.
        """,
    ),
    code(
        """
        GEOMETRIES = {
            "LeNet (5×5, 1→6)": (dict(in_channels=1, out_channels=6, kernel_size=5), range(5, 229)),
            "AlexNet conv1 (11×11/4, 3→96)": (
                dict(in_channels=3, out_channels=96, kernel_size=11, stride=4), range(11, 229)
            ),
        }
        fig, ax = plt.subplots(figsize=(6.4, 3.8))
        checked = 0
        for (label, (g, sizes)), colour in zip(GEOMETRIES.items(), ("C0", "C1")):
            results = [convshare.conv2d(n, **g) for n in sizes]
            assert all(r.params_unshared == r.positions * r.params_shared for r in results)
            checked += len(results)
            positions = [r.positions for r in results]
            unshared = [r.params_unshared for r in results]
            shared = [r.params_shared for r in results]
            ax.plot(positions, unshared, colour, label=f"{label}: «unshared»")
            ax.plot(positions, shared, colour, linestyle="--", label=f"{label}: «shared»")
        # Where each layer's name goes: offset in points, alignment.
        label_offsets = [(8, -10, "left"), (-8, 4, "right"), (-8, -3, "right")]
        for (name, g), (dx, dy, ha) in zip(LAYERS.items(), label_offsets):
            r = convshare.conv2d(**g)
            ax.plot([r.positions] * 2, [r.params_shared, r.params_unshared], "ko", markersize=4)
            ax.annotate(name, (r.positions, r.params_unshared), textcoords="offset points",
                        xytext=(dx, dy), ha=ha, fontsize=8)
        ax.set(xscale="log", yscale="log", ylabel="«ylabel»")
        # Maths in a label sets its words in the label's own font, without the fallback list.
        ax.set_xlabel(r"«xlabel»", family="«xfont»")
        ax.grid(True, which="major", alpha=0.3)
        # The legend below the plot, clear of the lines and the layers' names.
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
        print(«checked»)
        show(fig, «alt»)
        """,
        unshared=("不共享", "without sharing"),
        shared=("共享", "with sharing"),
        xlabel=(
            r"每个特征图的输出位置数 $H_\mathrm{out} \times W_\mathrm{out}$",
            r"output positions per feature map, $H_\mathrm{out} \times W_\mathrm{out}$",
        ),
        xfont=("Noto Sans CJK SC", "DejaVu Sans"),
        ylabel=("参数量", "parameters"),
        checked=(
            'f"检查了 {checked} 种输入尺寸："\n'
            '      "不共享时的参数量都恰好是共享时的 H_out·W_out 倍。"',
            'f"Checked {checked} input sizes: without sharing, the count is "\n'
            '      "exactly H_out·W_out times the count with sharing in every case."',
        ),
        alt=(
            "双对数坐标图：横轴为输出位置数，纵轴为参数量。两种几何下，共享时的参数量都是水平线，"
            "不共享时的参数量随输出位置数成正比增长；黑点标出 LeNet-5 C1、原文的 LeNet 和 AlexNet "
            "第一层。",
            "Log-log plot of parameters against output positions. For both geometries the count "
            "with sharing is a horizontal line and the count without sharing grows in proportion "
            "to the number of positions; black dots mark LeNet-5 C1, the article's LeNet and "
            "AlexNet's first layer.",
        ),
    ),
    md(
        """
        ## 小结

        - 卷积层和同样几何的局部连接层可以计算完全相同的函数；参数共享改变的是需要存储和学习的参数
          量：少到原来的“输出位置数”分之一。
        - 共享的滤波器在每个位置做同样的检测，这正是平移等变的来源，也只带来平移等变；见
          [第二个笔记本](../equivariance/)。
        - 两种层的乘加次数相同（见[公式](../../formulas/)）；共享能否让训练更快，见
          [第三个笔记本](../training-speed/)。
        """,
        """
        ## Summary

        - A convolution and a locally connected layer of the same geometry can compute exactly the
          same function; parameter sharing changes how many parameters are stored and learned, by
          a factor of the number of output positions.
        - The shared filters detect the same thing at every position. That is where translation
          equivariance comes from, and all it gives; see the [second notebook](../equivariance/).
        - Both layers perform the same number of multiply-accumulates (see the
          [formulas](../../formulas/)); whether sharing makes training faster is measured in the
          [third notebook](../training-speed/).
        """,
    ),
]
