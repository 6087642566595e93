# %% [markdown] lang="zh"
# # GAN 手写数字：训练、采样、检查模式坍塌
#
# 本 Notebook 逐步调用 `snippets/gan/digits.py` 里经过测试的函数：在 scikit-learn 自带的 8×8 手写数字（1,797 张，无需下载）上训练一个全连接 GAN，
# 画出生成样本，再用一个只在**真实**数字上训练的分类器给生成样本分类，统计它们覆盖了几类数字。原理、代码讲解和原文代码的错误见
# [用 TensorFlow 正确训练 GAN](../coding/gan-digits.md)。
#
# 规模：这里用示例的默认配置，2,000 步、批大小 64，与 `make bench` 相同；在 2 核 CPU 上训练约 20～40 秒。

# %% [markdown] lang="en"
# # A GAN on handwritten digits: train, sample, check for mode collapse
#
# This notebook calls the tested functions of `snippets/gan/digits.py` one at a time. It trains a small fully
# connected GAN on scikit-learn's bundled 8×8 digits (1,797 images, nothing to download), draws samples, and
# then asks a classifier trained only on **real** digits which digit each sample is, to see how many of the
# ten classes the generator covers. The theory, a walk through the code and what is wrong with the source
# document's GAN code are on [A correct GAN training loop in TensorFlow](../coding/gan-digits.md).
#
# Size: the example's default, 2,000 steps with batch 64, which is also what `make bench` runs. Training takes
# about 20–40 seconds on a 2-core CPU.

# %% [markdown] lang="zh"
# ## 数据
#
# `load_data()` 是唯一需要改的函数：换成 MNIST 或自己的图片时，只要返回同样形状、缩放到 $[-1,1]$ 的数组。

# %% [markdown] lang="en"
# ## Data
#
# `load_data()` is the one function to replace for MNIST or your own images: return the same kind of array,
# scaled to $[-1, 1]$ to match the generator's tanh output.

# %%
import math
import tempfile
import time
from pathlib import Path

import numpy as np
from IPython.display import Image

from snippets.gan import digits

images, labels = digits.load_data()
print("images:", images.shape, images.dtype, f"range [{images.min():.0f}, {images.max():.0f}]")
print("images per digit:", np.bincount(labels))

# %% [markdown] lang="zh"
# ## 训练
#
# `train()` 固定随机种子，用 `tf.function` 编译的一步同时交替更新判别器 D 和生成器 G（非饱和损失）。每 400 步打印一次两个损失：
# 它们不衡量样本质量，只说明两方是否势均力敌（纳什均衡时 D 的损失为 $2\ln 2\approx1.39$）。

# %% [markdown] lang="en"
# ## Train
#
# `train()` fixes the seeds and alternates discriminator and generator updates (non-saturating loss) inside
# one `tf.function` step. It prints both losses every 400 steps. They say nothing about sample quality, only
# whether one player is winning; at the Nash equilibrium D's loss would be $2\ln 2\approx1.39$.

# %%
start = time.perf_counter()
generator, history = digits.train(images, steps=2000, seed=0, log_every=400)
print(f"trained 2,000 steps in {time.perf_counter() - start:.1f} s")
d_loss, g_loss = history[-100:].mean(axis=0)
print(f"mean of the last 100 steps: D loss {d_loss:.3f}, G loss {g_loss:.3f}")

# %% [markdown] lang="zh"
# ## 生成样本
#
# 从标准正态分布取 1,000 个噪声向量，送进生成器。下图是其中前 96 个。

# %% [markdown] lang="en"
# ## Samples
#
# Draw 1,000 noise vectors from a standard normal and run them through the generator. The grid shows the
# first 96.

# %% alt_zh="8 行 12 列的网格，每格是生成器画出的一个 8×8 手写数字；像素粗糙、带噪点，许多能认出是 3、5、6、9、0 等数字，也有一些形状含糊。按真实数字分类器的判断，1,000 个样本覆盖 10 类中的 10 类，占比最高的数字 3 为 17.1%，熵 3.21 比特。" alt_en="An 8-by-12 grid of 8×8 digits drawn by the generator; the blocky, slightly noisy images are mostly recognisable as digits such as 3, 5, 6, 9 and 0, while some are ambiguous. A classifier trained on real digits finds all 10 classes among 1,000 samples, the largest being the digit 3 at 17.1%, entropy 3.21 bits."
samples = digits.sample(generator, 1000, seed=1)
figure = Path(tempfile.mkdtemp()) / "samples.png"
digits.save_figure(samples, figure)
Image(filename=figure)

# %% [markdown] lang="zh"
# ## 覆盖了几类数字？
#
# 先在真实数字上训练一个逻辑回归分类器（并在留出的真实数字上检查它本身可靠），再让它给 1,000 个生成样本分类。
# 坍塌的生成器只会画一两种数字：覆盖类别少、某一类占比极高、熵很低；均匀覆盖 10 类时熵为 $\log_2 10\approx3.32$ 比特。

# %% [markdown] lang="en"
# ## How many digits does it cover?
#
# Fit a logistic-regression classifier on real digits (and check on held-out real digits that the judge itself
# is reliable), then let it label the 1,000 samples. A collapsed generator draws one or two digits: few classes
# covered, one class dominating, low entropy. Uniform coverage of ten classes gives $\log_2 10\approx3.32$ bits.

# %%
classifier, accuracy = digits.fit_digit_classifier(images, labels)
coverage = digits.class_coverage(classifier, samples)
print(f"classifier accuracy on held-out real digits: {accuracy:.3f}")
print(f"classes covered (>= 1% of samples): {coverage['classes_covered']}/10")
print(f"largest class share: {coverage['max_class_share']:.1%}")
print(f"entropy: {coverage['entropy_bits']:.2f} bits (uniform: {math.log2(10):.2f})")
print()
print("digit  share of samples")
for digit, share in enumerate(coverage["histogram"]):
    print(f"{digit:>5}  {share:6.1%}  " + "#" * round(share * 100))

# %% [markdown] lang="zh"
# ## 对照：一个完全坍塌的“生成器”
#
# 同一个指标如何识别模式坍塌：把一张真实的数字 3 重复 1,000 次当作“生成样本”。

# %% [markdown] lang="en"
# ## For contrast: a fully collapsed "generator"
#
# The same metric on mode collapse: one real image of a 3, repeated 1,000 times, posing as generated samples.

# %%
collapsed = np.repeat(images[labels == 3][:1], 1000, axis=0)
stats = digits.class_coverage(classifier, collapsed)
print(f"classes covered: {stats['classes_covered']}/10, largest class share {stats['max_class_share']:.0%}, "
      f"entropy {abs(stats['entropy_bits']):.2f} bits")

# %% [markdown] lang="zh"
# ## 接下来
#
# - 换数据：改 `load_data()`，例如使用注释中的 MNIST 写法（需要联网下载一次）。图像变大后应换成卷积网络（DCGAN）。
# - 改规模：`digits.train(images, steps=...)`；测试用 600 步的快速模式，仍能覆盖 8 类以上。
# - 真实项目中用 FID 或 precision/recall 在留出集上评估，而不是分类器直方图。

# %% [markdown] lang="en"
# ## Next steps
#
# - Other data: change `load_data()`, for example with the MNIST lines in its comment (one 11 MB download).
#   Larger images call for convolutional models (DCGAN).
# - Other sizes: `digits.train(images, steps=...)`; the tests use 600 steps and still see at least 8 classes.
# - In a real project, evaluate with FID or precision/recall on held-out data instead of a class histogram.
