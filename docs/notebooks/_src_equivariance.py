"""Notebook 2: convolution is equivariant to translation, not invariant to affine maps."""

from execute import code, md

ARTICLE = (
    "https://towardsdatascience.com/understanding-parameter-sharing-or-weights-replication-"
    "within-convolutional-neural-networks-cc26db7b645a"
)
DLBOOK = "https://www.deeplearningbook.org/contents/convnets.html"
LECUN = "http://yann.lecun.com/exdb/publis/pdf/lecun-01a.pdf"
DIGITS = "https://scikit-learn.org/stable/modules/generated/sklearn.datasets.load_digits.html"

CELLS = [
    md(
        f"""
        # 等变，而非不变

        [原文]({ARTICLE})说，卷积神经网络对输入图像的仿射变换保持不变，并说特征图会随输入的平移、
        倾斜或旋转而相应地平移、倾斜或旋转。这两句话都不准确。Goodfellow 等人在
        [《深度学习》第 9 章]({DLBOOK})中写得很清楚：参数共享使卷积对**平移**具有**等变性**，
        而对旋转、缩放等其他变换并不等变。[LeCun 等人（1998）]({LECUN})的说法也更谨慎：局部感受野、
        共享权重和空间下采样三者合起来，带来“一定程度的”平移、缩放和形变不变性。

        设 $T$ 是作用在图像上的一种变换，$f$ 是一个卷积层：

        - **等变**：$f(T x) = T' f(x)$，先变换再卷积，等于先卷积再对特征图做对应的变换 $T'$；
        - **不变**：$f(T x) = f(x)$，变换对输出没有影响。

        下面对一张手写数字图像逐一测量。所有差异都用相对误差表示，即差的范数除以参照特征图的范数；
        0 表示完全相等。
        """,
        f"""
        # Equivariance, not invariance

        The [source article]({ARTICLE}) says that convolutional networks are invariant to affine
        transformations of their input images, and that feature maps are shifted, skewed or
        rotated along with the input. Neither statement is accurate. Goodfellow et al.
        ([*Deep Learning*, chapter 9]({DLBOOK})) put it plainly: parameter sharing makes
        convolution **equivariant** to **translation**, and not to other transformations such as
        rotation or scaling. [LeCun et al. (1998)]({LECUN}) are more careful too: local receptive
        fields, shared weights and spatial subsampling together bring "some degree" of shift,
        scale and distortion invariance.

        Let $T$ transform an image and $f$ be a convolutional layer:

        - **equivariant**: $f(T x) = T' f(x)$: transforming and then convolving gives the same
          as convolving and then applying the matching transformation $T'$ to the feature map;
        - **invariant**: $f(T x) = f(x)$: the transformation does not change the output.

        Each claim is measured below on one handwritten digit. Every difference is a relative
        error: the norm of the difference divided by the norm of the reference feature map; 0
        means exactly equal.
        """,
    ),
    code(
        """
        import matplotlib.pyplot as plt
        import numpy as np
        import torch
        import torch.nn.functional as F
        from scipy import ndimage
        from sklearn.datasets import load_digits
        from torch import nn

        from _nb import setup, show, table

        setup()  # fixed seeds, one CPU thread, figure style
        # float64: the errors printed below come out the same on every CPU.
        torch.set_default_dtype(torch.float64)

        # 8×8 digits bundled with scikit-learn: nothing is downloaded.
        digits = load_digits()
        seven = digits.images[np.flatnonzero(digits.target == 7)[0]] / 16
        # The digit enlarged 3 times, in the middle of an empty canvas.
        image = np.zeros((48, 48), dtype=np.float64)
        image[12:36, 12:36] = np.kron(seven, np.ones((3, 3)))

        # Four random 5×5 filters; "same" zero padding keeps the image's size.
        # No bias: the empty background stays zero, so a shift with zero fill
        # is exact.
        conv = nn.Conv2d(1, 4, 5, padding="same", bias=False)


        def feature_maps(layer, img):
            with torch.no_grad():
                x = torch.from_numpy(np.ascontiguousarray(img, dtype=np.float64))
                return layer(x[None, None])[0].numpy()


        def rel(a, b):
            \"""Relative error ‖a − b‖ / ‖b‖.\"""
            return float(np.linalg.norm(a - b) / np.linalg.norm(b))


        fx = feature_maps(conv, image)
        print(«shapes»)
        """,
        shapes=(
            'f"图像 {image.shape}，特征图 {fx.shape}（通道×高×宽）"',
            'f"image {image.shape}, feature maps {fx.shape} (channels×height×width)"',
        ),
    ),
    md(
        """
        ## 平移：等变

        把数字向下移 3 个像素、向右移 5 个像素（$T$），比较移动后图像的特征图 $f(Tx)$ 与移动后的
        特征图 $T f(x)$，再与原来的特征图 $f(x)$ 比较。
        """,
        """
        ## Translation: equivariant

        Shift the digit 3 pixels down and 5 to the right ($T$), then compare the feature maps of
        the shifted image, $f(Tx)$, with the shifted feature maps, $T f(x)$, and with the original
        feature maps, $f(x)$.
        """,
    ),
    code(
        """
        def shift(a, dy, dx):  # by whole pixels, zeros come in
            return ndimage.shift(a, (0,) * (a.ndim - 2) + (dy, dx), order=0)


        f_shifted = feature_maps(conv, shift(image, 3, 5))
        equivariance = rel(f_shifted, shift(fx, 3, 5))
        invariance = rel(f_shifted, fx)
        print(f"«equiv»{equivariance:.3f}")
        print(f"«inv»{invariance:.3f}")
        """,
        equiv=(
            "等变误差 ‖f(Tx) − T f(x)‖ / ‖T f(x)‖ = ",
            "equivariance error ‖f(Tx) − T f(x)‖ / ‖T f(x)‖ = ",
        ),
        inv=("不变误差 ‖f(Tx) − f(x)‖ / ‖f(x)‖ = ", "invariance error ‖f(Tx) − f(x)‖ / ‖f(x)‖ = "),
    ),
    md(
        """
        特征图随图像一起平移，一个像素不差：同一组滤波器在每个位置做同样的计算，这正是参数共享的
        结果。但特征图本身变了，也就是说卷积层对平移**并不**不变。
        """,
        """
        The feature maps move with the image, exactly: the same filters compute the same thing at
        every position, which is what parameter sharing means. But the feature maps themselves
        change: the convolution is **not** invariant to the shift.
        """,
    ),
    md(
        """
        ## 步幅：只对步幅整数倍的平移等变

        步幅为 $s$ 时，输出每走一步对应输入走 $s$ 个像素。输入平移 $d$ 个像素，特征图只有在 $d$
        是 $s$ 的整数倍时才恰好平移 $d/s$。下面用步幅 2 的卷积（同样的滤波器，每边填充 2）验证，
        对每个输入平移找出最吻合的整数输出平移。
        """,
        """
        ## Stride: equivariant only to shifts by multiples of the stride

        With stride $s$, one step of the output is $s$ pixels of the input. Shifting the input by
        $d$ pixels shifts the feature maps by exactly $d/s$ only when $d$ is a multiple of $s$.
        A stride-2 convolution (the same filters, padding 2 on each side) checks this; for each
        input shift, the best-matching whole output shift is searched for.
        """,
    ),
    code(
        """
        strided = nn.Conv2d(1, 4, 5, stride=2, padding=2, bias=False)
        strided.weight.data.copy_(conv.weight.data)
        gx = feature_maps(strided, image)
        rows = []
        for d in range(1, 7):
            g = feature_maps(strided, shift(image, 0, d))
            error, best = min((rel(g, shift(gx, 0, q)), q) for q in range(0, 5))
            rows.append([d, best, f"{error:.3f}"])
        table(["«d»", "«best»", "«err»"], rows)
        """,
        d=("输入平移（像素）", "Input shift (pixels)"),
        best=("最吻合的输出平移", "Best output shift"),
        err=("此时的等变误差", "Equivariance error there"),
    ),
    md(
        """
        偶数平移被精确地复现为输出上一半大小的平移；奇数平移落在两个输出位置之间，没有哪个整数平移能
        与之吻合。
        """,
        """
        Even shifts are reproduced exactly as shifts by half as much on the output; odd shifts fall
        between two output positions, and no whole shift matches them.
        """,
    ),
    md(
        """
        ## 旋转与缩放：一般并不等变

        对旋转 90°、旋转 15° 和放大 1.25 倍（都绕图像中心）做同样的比较，$T'$ 就是对特征图做同样的
        旋转或缩放。作为对照，再用一个旋转对称的滤波器（5×5 高斯模糊）重复一遍：它在各个方向上都
        相同，所以可以预期它对旋转近似等变。旋转 15° 和缩放需要插值（双线性），插值本身也会带来一点
        误差。
        """,
        """
        ## Rotation and scaling: not equivariant in general

        The same comparison for a rotation by 90°, a rotation by 15° and an enlargement by 1.25
        (all about the centre of the image), $T'$ being the same rotation or scaling applied to
        the feature maps. As a control, it is repeated with a rotation-symmetric filter (a 5×5
        Gaussian blur), which looks the same in every direction and so can be expected to be
        nearly equivariant to rotation. Rotating by 15° and scaling need interpolation
        (bilinear), which adds a little error of its own.
        """,
    ),
    code(
        """
        def rotate(a, degrees):
            if degrees % 90 == 0:
                return np.rot90(a, degrees // 90, axes=(-2, -1)).copy()
            return ndimage.rotate(a, degrees, axes=(-1, -2), reshape=False, order=1)


        def scale(a, factor):
            # Enlarge about the centre c, keep the size:
            # output pixel p reads input pixel c + (p - c) / factor.
            n = a.ndim
            matrix = np.diag([1.0] * (n - 2) + [1 / factor] * 2)
            centre = np.array([0.0] * (n - 2) + [(size - 1) / 2 for size in a.shape[-2:]])
            return ndimage.affine_transform(a, matrix, offset=centre - matrix @ centre, order=1)


        TRANSFORMS = {
            "«shift»": lambda a: shift(a, 3, 5),
            "«rot90»": lambda a: rotate(a, 90),
            "«rot15»": lambda a: rotate(a, 15),
            "«scale»": lambda a: scale(a, 1.25),
        }
        blur = nn.Conv2d(1, 1, 5, padding="same", bias=False)
        bell = torch.exp(-torch.linspace(-2, 2, 5) ** 2 / 2)
        blur.weight.data.copy_(torch.outer(bell, bell) / torch.outer(bell, bell).sum())
        bx = feature_maps(blur, image)

        rows = []
        for name, t in TRANSFORMS.items():
            f_t, b_t = feature_maps(conv, t(image)), feature_maps(blur, t(image))
            rows.append([
                name,
                f"{rel(f_t, t(fx)):.3f}", f"{rel(f_t, fx):.3f}",
                f"{rel(b_t, t(bx)):.3f}", f"{rel(b_t, bx):.3f}",
            ])
        table(["«transform»", "«eq_rand»", "«inv_rand»", "«eq_blur»", "«inv_blur»"], rows)
        """,
        shift=("平移 (3, 5)", "shift by (3, 5)"),
        rot90=("旋转 90°", "rotate 90°"),
        rot15=("旋转 15°", "rotate 15°"),
        scale=("放大 1.25 倍", "enlarge 1.25×"),
        transform=("变换 T", "Transformation T"),
        eq_rand=("随机滤波器：等变误差", "Random filters: equivariance error"),
        inv_rand=("随机滤波器：不变误差", "Random filters: invariance error"),
        eq_blur=("高斯滤波器：等变误差", "Gaussian filter: equivariance error"),
        inv_blur=("高斯滤波器：不变误差", "Gaussian filter: invariance error"),
    ),
    md(
        """
        只有平移对任何滤波器都精确等变。旋转的等变性取决于滤波器本身：旋转对称的高斯滤波器对 90°
        旋转精确等变，对 15° 旋转只剩插值误差；随机滤波器（训练出来的滤波器通常也是如此）则不然。
        放大对两种滤波器都不等变，因为滤波器的尺寸是固定的：图像放大后，同一个 5×5 窗口看到的是
        更小的一部分。而不变误差在每一行都很大：这些变换没有一个被卷积“消掉”。下图把第一个特征图
        画出来（每列一种变换）：从上到下是变换后的图像 $Tx$、它的特征图 $f(Tx)$、变换后的特征图
        $T f(x)$，以及两者之差。
        """,
        """
        Only translation is exactly equivariant for every filter. Equivariance to rotation depends
        on the filter: the rotation-symmetric Gaussian is exactly equivariant to a 90° rotation,
        and to a 15° rotation up to the interpolation error; the random filters are not (nor,
        usually, are trained ones). Enlarging is equivariant for neither, because the filter has a
        fixed size: in the enlarged image the same 5×5 window sees a smaller part of the digit.
        And the invariance error is large in every row: none of these transformations is removed
        by the convolution. The figure shows the first feature map, one transformation per
        column: from top to bottom, the transformed image $Tx$, its feature map $f(Tx)$, the
        transformed feature map $T f(x)$, and their difference.
        """,
    ),
    code(
        """
        fig, axes = plt.subplots(4, 5, figsize=(8.4, 7.0))
        columns = {"«original»": lambda a: a, **TRANSFORMS}
        limit = np.abs(fx[0]).max()
        for col, (name, t) in enumerate(columns.items()):
            f_t, t_f = feature_maps(conv, t(image))[0], t(fx)[0]
            panels = [(t(image), "gray_r", 0, 1), (f_t, "RdBu_r", -limit, limit),
                      (t_f, "RdBu_r", -limit, limit), (f_t - t_f, "RdBu_r", -limit, limit)]
            for row, (data, cmap, lo, hi) in enumerate(panels):
                ax = axes[row, col]
                # One square per pixel, no smoothing. Rounded to 12 decimals: where
                # the difference is zero, a residue of ±1e-17 (its sign depends on
                # the CPU) must not pick the colour just below or above zero.
                ax.imshow(np.round(data, 12), cmap=cmap, vmin=lo, vmax=hi,
                          interpolation="none")
                ax.set_xticks([]), ax.set_yticks([])
            axes[0, col].set_title(name, fontsize=9)
        for row, label in enumerate(["Tx", "f(Tx)", "T f(x)", "f(Tx) − T f(x)"]):
            axes[row, 0].set_ylabel(label, fontsize=9)
        fig.tight_layout()
        show(fig, «alt»)
        """,
        original=("原图", "original"),
        alt=(
            "4 行 5 列的图像网格。各列依次为原图、平移、旋转 90°、旋转 15° 和放大 1.25 倍的数字 7；"
            "各行依次为变换后的图像、它的第一个特征图、变换后的特征图和两者之差。原图和平移两列的"
            "差图一片空白；两种旋转和放大的差图中有明显的正值和负值。",
            "A grid of 4 rows and 5 columns. Columns: the digit 7 as it is, shifted, rotated by "
            "90°, rotated by 15° and enlarged 1.25 times; rows: the transformed image, its first "
            "feature map, the transformed feature map, and their difference. The difference is "
            "blank for the original and the shift, and shows clear positive and negative values "
            "for the rotations and the enlargement.",
        ),
    ),
    md(
        """
        ## 池化：只是近似的、局部的不变性

        不变性来自其他地方，例如池化。最大池化取每个窗口中的最大值：输入平移得不多时，最大值往往
        还在同一个窗口里。下面把数字水平平移 0 到 6 个像素，测量特征图在不池化、2×2 最大池化、
        4×4 最大池化和全局最大池化（每个通道取整张图的最大值）之后变化了多少。
        """,
        """
        ## Pooling: invariance that is only approximate and local

        Invariance has to come from elsewhere, for example from pooling. Max pooling keeps the
        largest value of each window: after a small shift, the maximum often stays in the same
        window. The digit is shifted sideways by 0 to 6 pixels, and the change is measured in the
        feature maps with no pooling, after 2×2 and 4×4 max pooling, and after global max pooling
        (the largest value of each whole channel).
        """,
    ),
    code(
        """
        POOLS = {
            "«none»": lambda f: f,
            "«p2»": lambda f: F.max_pool2d(torch.from_numpy(f), 2).numpy(),
            "«p4»": lambda f: F.max_pool2d(torch.from_numpy(f), 4).numpy(),
            "«global»": lambda f: f.max(axis=(-2, -1)),
        }
        shifts = range(0, 7)
        errors = {name: [] for name in POOLS}
        for d in shifts:
            f_d = feature_maps(conv, shift(image, 0, d))
            for name, pool in POOLS.items():
                errors[name].append(rel(pool(f_d), pool(fx)))
        table(
            ["«d»", *POOLS],
            [[d, *(f"{errors[n][i]:.3f}" for n in POOLS)] for i, d in enumerate(shifts)],
        )
        """,
        none=("不池化", "no pooling"),
        p2=("2×2 最大池化", "2×2 max pooling"),
        p4=("4×4 最大池化", "4×4 max pooling"),
        d=("平移（像素）", "Shift (pixels)"),
        **{"global": ("全局最大池化", "global max pooling")},
    ),
    code(
        """
        fig, ax = plt.subplots(figsize=(5.6, 3.2))
        for (name, values), marker in zip(errors.items(), "osD^"):
            ax.plot(list(shifts), values, marker=marker, label=name)
        ax.set(xlabel="«xlabel»", ylabel="«ylabel»")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        show(fig, «alt»)
        """,
        xlabel=("水平平移（像素）", "horizontal shift (pixels)"),
        ylabel=("相对变化 ‖g(Tx) − g(x)‖ / ‖g(x)‖", "relative change ‖g(Tx) − g(x)‖ / ‖g(x)‖"),
        alt=(
            "折线图：横轴为水平平移的像素数，纵轴为相对变化。不池化时变化随平移迅速增大；"
            "2×2 和 4×4 最大池化使变化变小但仍随平移增大；全局最大池化的变化始终为零。",
            "Line chart of the relative change against the horizontal shift in pixels. Without "
            "pooling the change grows quickly with the shift; 2×2 and 4×4 max pooling make it "
            "smaller but it still grows; with global max pooling it stays at zero.",
        ),
    ),
    md(
        """
        局部最大池化让输出对小的平移变化得少一些，窗口越大越明显，但变化并不为零，而且随平移增大；
        只有全局池化在数字没有移出图像时完全不变，代价是丢掉了所有位置信息。

        ## 小结

        - 参数共享带来的是**平移等变**：输入平移，特征图跟着平移（有步幅时，按步幅的整数倍）。
        - 对旋转、缩放、倾斜等其他仿射变换，卷积一般既谈不上等变，更谈不上不变；只有个别滤波器
          （如旋转对称的滤波器）对个别变换例外。
        - 对平移的不变性来自池化等后续操作，而且只是近似的、局部的。

        参数量和计算量方面的比较见[第一个笔记本](../sharing/)和[第三个笔记本](../training-speed/)。
        """,
        """
        Local max pooling makes the output change less under small shifts, more so with larger
        windows, but the change is not zero and grows with the shift; only global pooling is
        exactly invariant while the digit stays inside the image, at the price of discarding all
        position information.

        ## Summary

        - Parameter sharing gives **translation equivariance**: shift the input and the feature
          maps shift with it (with a stride, for shifts by multiples of the stride).
        - A convolution is in general neither equivariant nor invariant to the other affine
          transformations (rotation, scaling, shearing); particular filters, such as
          rotation-symmetric ones, are exceptions for particular transformations.
        - Invariance to translation comes from later operations such as pooling, and it is
          approximate and local.

        Parameters and arithmetic are compared in the [first notebook](../sharing/) and the
        [third notebook](../training-speed/).
        """,
    ),
]
