"""Notebook 3: does parameter sharing make training faster? Measured, and explained."""

from execute import code, md

ARTICLE = (
    "https://towardsdatascience.com/understanding-parameter-sharing-or-weights-replication-"
    "within-convolutional-neural-networks-cc26db7b645a"
)
DLBOOK = "https://www.deeplearningbook.org/contents/convnets.html"
LECUN = "http://yann.lecun.com/exdb/publis/pdf/lecun-01a.pdf"
CS231N = "https://cs231n.github.io/convolutional-networks/"
DEEPFACE = "https://openaccess.thecvf.com/content_cvpr_2014/html/Taigman_DeepFace_Closing_the_2014_CVPR_paper.html"

CELLS = [
    md(
        f"""
        # 参数共享会让训练更快吗？

        [原文]({ARTICLE})说，参数共享减少了训练时间，因为反向传播时需要更新的权重变少了。这句话
        只说对了一半。共享并不减少前向计算：卷积层和同样几何的局部连接层做的乘加次数完全相同
        （[Goodfellow 等人，第 9 章]({DLBOOK})；DeepFace 的[局部连接层]({DEEPFACE})也是如此）。
        共享减少的是参数，以及与参数一样多的梯度和优化器状态，也就减少了每一步要读写的内存。
        本笔记本在 CPU 上测量前向、反向和一步 SGD 各需多少时间，并用乘加次数、内存流量和优化器
        状态来解释结果。
        """,
        f"""
        # Does sharing make training faster?

        The [source article]({ARTICLE}) says that parameter sharing reduces training time because
        fewer weights have to be updated during backpropagation. That is half right. Sharing does
        not reduce the forward computation: a convolution and a locally connected layer of the same
        geometry perform exactly the same number of multiply-accumulates
        ([Goodfellow et al., chapter 9]({DLBOOK}); so do the
        [locally connected layers of DeepFace]({DEEPFACE})). What sharing reduces is the
        parameters, and with them the gradients and the optimizer state, which are as many as
        the parameters: less memory to read and write at every step. This notebook times the
        forward pass, the backward pass and one SGD step on the CPU, and explains the result from
        the multiply-accumulates, the memory traffic and the optimizer state.
        """,
    ),
    code(
        """
        import statistics
        import time

        import matplotlib.pyplot as plt
        import numpy as np
        import torch
        import torch.nn.functional as F
        from sklearn.datasets import load_digits
        from torch import nn
        from torch.utils.flop_counter import FlopCounterMode

        import convshare
        from _lc import LocallyConnected2d
        from _nb import machine, setup, show, table

        # Fixed seeds, one CPU thread (the machine is shared), figure style.
        setup(threads=1)


        def fmt(n):  # an integer with thousands separators
            return convshare.fmt(n, "«lang»")
        """
    ),
    md(
        f"""
        ## 三个层

        LeNet-5 的 C1（[LeCun 等人，1998]({LECUN})，32×32 输入）、原文的 LeNet（28×28 输入），以及
        AlexNet 第一层的缩小版：同样的 11×11 卷积核、步幅 4 和 3→96 个通道，但输入只有 51×51。
        完整的 227×227 版本（[CS231n]({CS231N})）在没有共享时有一亿多个参数，一步训练要读写几 GB
        内存，放在这台共享的双核机器上测太慢；GPU 上的完整测量见文末。
        """,
        f"""
        ## Three layers

        LeNet-5's C1 ([LeCun et al., 1998]({LECUN}), 32×32 input), the source article's LeNet
        (28×28 input), and a scaled-down AlexNet first layer: the same 11×11 kernel, stride 4 and
        3→96 channels, on a 51×51 input. The full 227×227 version ([CS231n]({CS231N})) has over a
        hundred million parameters without sharing, and one training step reads and writes
        gigabytes: too slow to time on this shared two-core machine. A GPU measurement of the full
        layer is quoted at the end.
        """,
    ),
    code(
        """
        # Layer name -> arguments of convshare.conv2d and of the two PyTorch layers.
        LAYERS = {
            "LeNet-5 C1 (32×32)": dict(input_size=32, in_channels=1, out_channels=6, kernel_size=5),
            "«lenet28»": dict(input_size=28, in_channels=1, out_channels=6, kernel_size=5),
            "«alex»": dict(input_size=51, in_channels=3, out_channels=96, kernel_size=11, stride=4),
        }
        RESULTS = {name: convshare.conv2d(**g) for name, g in LAYERS.items()}
        table(
            ["«layer»", "«output»", "«shared»", "«unshared»", "«macs»"],
            [[name, "×".join(map(str, (*r.output_size, r.out_channels))), fmt(r.params_shared),
              fmt(r.params_unshared), fmt(r.macs)] for name, r in RESULTS.items()],
        )
        """,
        lenet28=("原文的 LeNet（28×28）", "The article's LeNet (28×28)"),
        alex=("AlexNet conv1，缩小版（51×51）", "AlexNet conv1, scaled (51×51)"),
        layer=("层", "Layer"),
        output=("输出", "Output"),
        shared=("共享时的参数量", "Parameters, shared"),
        unshared=("不共享时的参数量", "Parameters, unshared"),
        macs=("每张图的乘加次数（两者相同）", "MACs per image (both)"),
    ),
    md(
        """
        ## 计算量：相同

        先让 PyTorch 自己数浮点运算次数（`torch.utils.flop_counter.FlopCounterMode`，按每次乘加
        2 次浮点运算计），批量大小为 8，前向和反向分开数。这些层是网络的第一层，输入不需要梯度，所以
        反向只计算权重梯度。
        """,
        """
        ## Arithmetic: the same

        First PyTorch counts the floating-point operations itself
        (`torch.utils.flop_counter.FlopCounterMode`, which counts a multiply-accumulate as 2
        operations), with a batch of 8, forward and backward separately. These layers are the
        first layer of a network and the input needs no gradient, so the backward pass computes
        the weight gradients only.
        """,
    ),
    code(
        """
        def conv_layer(g):
            cin, cout, k = g["in_channels"], g["out_channels"], g["kernel_size"]
            return nn.Conv2d(cin, cout, k, g.get("stride", 1))


        def flops(layer, x):
            with FlopCounterMode(display=False) as forward:
                y = layer(x)
            with FlopCounterMode(display=False) as backward:
                y.sum().backward()
            return forward.get_total_flops(), backward.get_total_flops()


        BATCH = 8
        rows = []
        for name, g in LAYERS.items():
            x = torch.randn(BATCH, g["in_channels"], g["input_size"], g["input_size"])
            conv = conv_layer(g)
            lc = LocallyConnected2d.from_conv(conv, g["input_size"])
            (cf, cb), (lf, lb) = flops(conv, x), flops(lc, x)
            expected = 2 * RESULTS[name].macs * BATCH
            rows.append([name, f"{fmt(cf)} / {fmt(lf)}", f"{fmt(cb)} / {fmt(lb)}", fmt(expected)])
        table(["«layer»", "«forward»", "«backward»", "«expected»"], rows)
        """,
        layer=("层", "Layer"),
        forward=("前向（卷积 / 局部连接）", "Forward (conv / locally connected)"),
        backward=("反向（卷积 / 局部连接）", "Backward (conv / locally connected)"),
        expected=("2 × 乘加次数 × 批量大小", "2 × MACs × batch"),
    ),
    md(
        """
        两种层的运算次数完全相同，并等于 `convshare` 算出的 2 × 乘加次数 × 批量大小。
        如果共享让训练变快，原因不在运算次数。

        ## 内存：参数、梯度、优化器状态和激活值

        下表是解析计算（不是测量）的 float32 字节数，批量大小为 16：参数、同样多的梯度、
        带动量的 SGD 为每个参数保存的一份动量缓冲区，以及为反向传播保存的张量（卷积层保存输入；
        局部连接层保存 `unfold` 展开后的输入块，每个输入像素被复制到它所在的每一个窗口里）。
        """,
        """
        Both layers count exactly the same operations, equal to `convshare`'s 2 × MACs × batch.
        If sharing makes training faster, the reason is not the number of operations.

        ## Memory: parameters, gradients, optimizer state and activations

        The table is computed analytically (not measured), in float32 bytes, for a batch of 16:
        the parameters, as many gradients, the momentum buffer that SGD with momentum keeps for
        every parameter, and the tensors kept for the backward pass (the convolution keeps its
        input; the locally connected layer keeps the patches from `unfold`, in which every input
        pixel is copied into every window that contains it).
        """,
    ),
    code(
        """
        FLOAT32 = 4  # bytes


        def mib(n_floats):
            n_bytes = n_floats * FLOAT32
            if n_bytes < 2**20:
                return f"{n_bytes / 2**10:.1f} KiB"
            return f"{n_bytes / 2**20:.2f} MiB"


        N = 16
        rows = []
        for name, r in RESULTS.items():
            h, w = r.input_size
            # unfold's output: (batch, C·kh·kw, positions)
            patches = N * r.weights_per_filter * r.positions
            rows.append([
                name,
                f"{mib(3 * r.params_shared)} / {mib(3 * r.params_unshared)}",
                f"{mib(N * r.in_channels * h * w)} / {mib(patches)}",
                mib(N * r.neurons),
            ])
        table(["«layer»", "«params»", "«saved»", "«out»"], rows)
        """,
        layer=("层", "Layer"),
        params=(
            "参数 + 梯度 + 动量（卷积 / 局部连接）",
            "Parameters + gradients + momentum (conv / locally connected)",
        ),
        saved=(
            "为反向保存（卷积的输入 / 局部连接的输入块）",
            "Kept for backward (conv: input / locally connected: patches)",
        ),
        out=("输出（两者相同）", "Output (both)"),
    ),
    md(
        """
        ## 计时

        每种层、每个批量大小（1 和 16）先预热一步，再计时 5 步，取中位数：前向（`layer(x)`）、反向
        （`loss.backward()`）和一步带动量的 SGD（`optimizer.step()`）。本机的其他负载会让数字
        上下浮动，重新运行笔记本得到的数会略有不同，但倍数的量级是稳定的。
        """,
        """
        ## Timing

        For each layer and batch size (1 and 16): one warm-up step, then 5 timed steps, and the
        median of each phase: forward (`layer(x)`), backward (`loss.backward()`) and one SGD step
        with momentum (`optimizer.step()`). Other work on the machine makes the numbers vary; a
        re-run gives slightly different figures, but the order of magnitude of the ratios holds.
        In the table, LC is the locally connected layer.
        """,
    ),
    code(
        """
        machine("«lang»")
        """,
        tags=["machine"],
    ),
    code(
        """
        def time_phases(layer, x, repeats=5, warmup=1):
            \"""Median seconds of forward, backward and SGD step over `repeats` steps.\"""
            optimizer = torch.optim.SGD(layer.parameters(), lr=0.01, momentum=0.9)
            samples = []
            for i in range(warmup + repeats):
                optimizer.zero_grad(set_to_none=True)
                t0 = time.perf_counter()
                loss = layer(x).square().mean()
                t1 = time.perf_counter()
                loss.backward()
                t2 = time.perf_counter()
                optimizer.step()
                t3 = time.perf_counter()
                if i >= warmup:
                    samples.append((t1 - t0, t2 - t1, t3 - t2))
            return [statistics.median(s[k] for s in samples) for k in range(3)]


        def ms(seconds):
            return f"{seconds * 1e3:.2f}"


        BATCHES = (1, 16)
        timings = {}  # (layer, batch) -> (conv phases, locally connected phases)
        rows = []
        for name, g in LAYERS.items():
            conv = conv_layer(g)
            lc = LocallyConnected2d.from_conv(conv, g["input_size"])
            for n in BATCHES:
                x = torch.randn(n, g["in_channels"], g["input_size"], g["input_size"])
                c, l = time_phases(conv, x), time_phases(lc, x)
                timings[name, n] = c, l
                phases = [f"{ms(c[k])} / {ms(l[k])}" for k in range(3)]
                rows.append([name, n, *phases, f"{sum(l) / sum(c):.1f}«times»"])
        table(["«layer»", "«batch»", "«forward»", "«backward»", "«sgd»", "«ratio»"], rows)
        """,
        tags=["timing"],
        layer=("层", "Layer"),
        batch=("批量大小", "Batch"),
        forward=("前向 ms（卷积 / 局部连接）", "Forward ms (conv / LC)"),
        backward=("反向 ms（卷积 / 局部连接）", "Backward ms (conv / LC)"),
        sgd=("SGD 一步 ms（卷积 / 局部连接）", "SGD step ms (conv / LC)"),
        ratio=("一步总时间之比（局部连接 ÷ 卷积）", "Step time ratio (LC ÷ conv)"),
        times=("\u00a0倍", "×"),
    ),
    code(
        """
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        width = 0.8 / len(BATCHES)
        for k, n in enumerate(BATCHES):
            ratios = [sum(timings[name, n][1]) / sum(timings[name, n][0]) for name in LAYERS]
            ax.bar(np.arange(len(LAYERS)) + (k - 0.5) * width, ratios, width, label=f"«batch» {n}")
        ax.axhline(1, color="black", linewidth=0.8)
        labels = [n.replace(" (", "\\n(").replace("（", "\\n（") for n in LAYERS]
        ax.set_xticks(np.arange(len(LAYERS)), labels, fontsize=8)
        ax.set_ylabel("«ylabel»")
        ax.legend(fontsize=8)
        ax.grid(True, axis="y", alpha=0.3)
        show(fig, «alt»)
        """,
        tags=["timing"],
        batch=("批量大小", "batch"),
        ylabel=("局部连接层一步耗时 ÷ 卷积层", "locally connected step time ÷ conv"),
        alt=(
            "柱状图：三个层在批量大小 1 和 16 下，局部连接层一步训练的耗时与卷积层之比。"
            "所有柱都高于表示相等的 1 倍线。具体数值见上表。",
            "Bar chart of the time of one training step of the locally connected layer divided by "
            "that of the convolution, for the three layers at batch sizes 1 and 16. Every bar "
            "is above the line at 1 that marks equal times. The values are in the table above.",
        ),
    ),
    md(
        """
        ## 为什么会慢

        乘加次数相同，局部连接层却明显更慢，原因在于内存，而不在运算：

        - **数据复用**。卷积层的每个权重在一步里被用到“批量大小 × 输出位置数”次，一次从内存
          读入就能做很多次乘加；局部连接层的每个权重只被用到“批量大小”次。批量大小为 1 时，
          它的每个权重读入后只做一次乘加，速度由内存带宽决定，而不是由计算能力决定。
        - **梯度与优化器状态**。梯度和动量缓冲区与参数一样多：局部连接层的反向要写出多出“输出位置数”
          倍的梯度，SGD 一步要读写多出同样倍数的参数、梯度和动量（上表的 SGD 列）。这部分正是原文
          所说的“需要更新的权重更少”，但它只是一步训练的一部分。
        - **展开的输入块**。`unfold` 把每个输入像素复制到它所在的每个窗口中，又多出一份要写、
          要读、要保存到反向传播的张量。高度优化的卷积实现（oneDNN、cuDNN）可以不做这种复制。

        所以“共享减少训练时间”这个结论成立，但理由不是运算更少，而是要搬运的内存更少、每次读入的
        数据被复用得更多。
        """,
        """
        ## Why it is slower

        The multiply-accumulates are the same, yet the locally connected layer is clearly slower.
        The reason is memory, not arithmetic:

        - **Data reuse**. Each weight of the convolution is used batch × output positions times
          per step, so one read from memory feeds many multiply-accumulates; each weight of the
          locally connected layer is used batch times only. At batch 1 each of its weights feeds
          a single multiply-accumulate per read: memory bandwidth, not arithmetic, sets the speed.
        - **Gradients and optimizer state**. There are as many gradients and momentum values as
          parameters: the locally connected layer's backward pass writes output-positions times
          more gradients, and one SGD step reads and writes that many times more parameters,
          gradients and momentum (the SGD column above). This is the part that the article
          describes as "fewer weights to update", and it is only one part of a training step.
        - **Unfolded patches**. `unfold` copies every input pixel into every window that contains
          it: one more tensor to write, read and keep for the backward pass. Tuned convolution
          implementations (oneDNN, cuDNN) can avoid that copy.

        So the conclusion "sharing reduces training time" holds, but not because there is less
        arithmetic: there is less memory to move, and the data that is read is reused more.
        """,
    ),
    md(
        """
        ## GPU 上的测量

        同样的测量也在 GPU 上做过。GPU 的测量无法在构建网站时重跑，所以记在数据文件
        `docs/data/measurements.yml` 里，连同硬件、软件、日期和来源；下表由 `convshare` 从那里读出，
        比值由表中的时间算出：
        """,
        """
        ## Measured on a GPU

        The same measurement was made on a GPU. It cannot be re-run when the site is built, so it
        is recorded in the data file `docs/data/measurements.yml`, with its hardware, software,
        date and source; `convshare` reads the table below from there and computes the ratios
        from the times:
        """,
    ),
    code(
        """
        from IPython.display import Markdown

        gpu = convshare.load_measurements("../data/measurements.yml")["gpu-training-step"]
        Markdown(
            convshare.measurement_table(gpu, "«lang»")
            + "\\n\\n"
            + convshare.measurement_source(gpu, "«lang»")
        )
        """,
    ),
    md(
        """
        这些是记录下来的测量值，不是本页计算的结果。GPU 上局部连接层同样更慢，
        方向与上面 CPU 上的测量相同。
        """,
        """
        These are recorded measurements, not computed on this page. On the GPU the locally
        connected layer is slower too: the same direction as the CPU measurement above.
        """,
    ),
    md(
        """
        ## 训练一个小网络

        最后在 scikit-learn 自带的 8×8 手写数字上（不需要下载）训练两个小网络，只有第一层
        不同：一个是 3×3 卷积层（16 个通道，每边填充 1），另一个是同样几何的局部连接层；后面都是
        ReLU、2×2 最大池化和一个全连接层。同样的初始化种子、同样的数据顺序，带动量的 SGD 训练
        8 轮，再在留出的测试集上，以及把测试图像平移 1 个像素后，比较准确率。
        """,
        """
        ## Training a small network

        Finally, two small networks are trained on the 8×8 handwritten digits bundled with
        scikit-learn (nothing is downloaded). They differ only in the first layer: a
        3×3 convolution (16 channels, padding 1 on each side) or a locally connected layer of the
        same geometry; both continue with ReLU, 2×2 max pooling and a fully connected layer.
        Same initialisation seed, same order of the data, 8 epochs of SGD with momentum; then the
        accuracy on a held-out test set, and on the test images shifted by one pixel.
        """,
    ),
    code(
        """
        digits = load_digits()
        # float64, so that the accuracies below come out the same on every CPU.
        X = torch.tensor(digits.images, dtype=torch.float64).unsqueeze(1) / 16
        y = torch.tensor(digits.target)
        order = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
        train, test = order[:1200], order[1200:]
        print(«sizes»)


        def network(first):
            pool = nn.MaxPool2d(2)
            layers = [first, nn.ReLU(), pool, nn.Flatten(), nn.Linear(16 * 4 * 4, 10)]
            return nn.Sequential(*layers).double()


        def accuracy(model, images):
            with torch.no_grad():
                return (model(images).argmax(dim=1) == y[test]).float().mean().item()


        FIRST = {
            "«conv»": lambda: nn.Conv2d(1, 16, 3, padding=1),
            "«lc»": lambda: LocallyConnected2d(8, 1, 16, 3, padding=1),
        }
        trained, seconds = {}, {}
        for name, make in FIRST.items():
            torch.manual_seed(0)
            model = network(make())
            optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            start = time.perf_counter()
            for epoch in range(8):
                shuffle = torch.Generator().manual_seed(epoch)
                for b in train[torch.randperm(len(train), generator=shuffle)].split(32):
                    optimizer.zero_grad()
                    F.cross_entropy(model(X[b]), y[b]).backward()
                    optimizer.step()
            seconds[name] = time.perf_counter() - start
            trained[name] = model

        # The test images one pixel to the right; zeros come in on the left.
        shifted = F.pad(X[test], (1, 0))[..., :-1]
        table(
            ["«net»", "«params»", "«first»", "«acc»", "«acc_shift»"],
            [
                [
                    name,
                    fmt(sum(p.numel() for p in m.parameters())),
                    fmt(sum(p.numel() for p in m[0].parameters())),
                    f"{accuracy(m, X[test]):.1%}",
                    f"{accuracy(m, shifted):.1%}",
                ]
                for name, m in trained.items()
            ],
        )
        """,
        sizes=(
            'f"{len(X)} 张 {X.shape[2]}×{X.shape[3]} 图像："\n'
            '      f"{len(train)} 张训练，{len(test)} 张测试"',
            'f"{len(X)} images of {X.shape[2]}×{X.shape[3]}: "\n'
            '      f"{len(train)} for training, {len(test)} for testing"',
        ),
        conv=("卷积", "convolution"),
        lc=("局部连接", "locally connected"),
        net=("第一层", "First layer"),
        params=("参数（整个网络）", "Parameters (whole network)"),
        first=("参数（第一层）", "Parameters (first layer)"),
        acc=("测试准确率", "Test accuracy"),
        acc_shift=("平移 1 像素后的测试准确率", "Test accuracy, shifted by 1 pixel"),
    ),
    code(
        """
        machine("«lang»")
        """,
        tags=["machine"],
    ),
    code(
        """
        table(["«net»", "«time»", "«ratio»"],
              [[name, f"{s:.2f}", f"{s / seconds['«conv»']:.1f}«times»"]
               for name, s in seconds.items()])
        """,
        tags=["timing"],
        conv=("卷积", "convolution"),
        net=("第一层", "First layer"),
        time=("训练 8 轮用时（秒）", "Time for 8 epochs (s)"),
        ratio=("与卷积网络之比", "Ratio to the convolutional network"),
        times=("\u00a0倍", "×"),
    ),
    md(
        """
        在这么小、数字又都居中的数据集上，两个网络的准确率相近，局部连接网络的参数多出许多、训练也
        更慢。两者在图像平移 1 个像素后都明显变差：卷积层虽然平移等变，但后面的全连接层会区分位置，
        整个网络并不因此对平移不变（见[第二个笔记本](../equivariance/)）。

        ## 小结

        - 参数共享不减少运算：两种层的乘加次数和 PyTorch 数出的浮点运算次数完全相同。
        - 共享减少参数、梯度和优化器状态，让每次读入的权重被复用得更多；所以实际训练确实更快，
          在本机的 CPU 上和引用的 GPU 测量中都是如此，快多少取决于层、批量大小和硬件。
        - 这个速度差是内存和数据复用造成的，而不是“权重更新次数”本身。
        """,
        """
        On a dataset this small, with centred digits, both networks reach similar accuracy; the
        locally connected one has far more parameters and trains more slowly. Both get clearly
        worse when the images are shifted by one pixel: the convolution is equivariant to
        translation, but the fully connected layer after it tells positions apart, so the whole
        network is not invariant to the shift (see the [second notebook](../equivariance/)).

        ## Summary

        - Parameter sharing does not reduce the arithmetic: both layers perform the same
          multiply-accumulates, and PyTorch counts the same floating-point operations.
        - Sharing reduces the parameters, gradients and optimizer state, and reuses each weight
          that is read many more times; so training really is faster, on this machine's CPU and
          in the quoted GPU measurement, by an amount that depends on the layer, the batch size
          and the hardware.
        - The difference comes from memory and data reuse, not from the "number of weight
          updates" as such.
        """,
    ),
]
