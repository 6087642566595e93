# %% [markdown] lang="zh"
# # 小型 WaveNet：逐个采样点生成波形
#
# 本 Notebook 调用 `snippets/audio/wavenet.py` 里经过测试的函数：把合成波形（两个随机周期、振幅和相位的正弦之和）做 μ 律量化，
# 训练一个由扩张因果卷积、门控激活、残差和跳跃连接组成的小型 [WaveNet](../glossary.md#wavenet)，
# 检查它确实只看过去、感受野与公式一致，在没见过的波形上与两个基线比较负对数似然，最后让它逐点续写波形。
# WaveNet 的原理和感受野的计算见[音频应用](../applications/audio.md#wavenet-receptive-field)。
#
# 规模：示例的默认配置，与 `make bench` 相同：扩张率 1～32（感受野 65 个采样点）、32 通道、2,048 条长 192 的训练波形、600 步；
# 在 2 核 CPU 上训练约 1 分钟。

# %% [markdown] lang="en"
# # A small WaveNet: generating a waveform one sample at a time
#
# This notebook calls the tested functions of `snippets/audio/wavenet.py`. It mu-law quantises synthetic
# waveforms (sums of two sines with random periods, amplitudes and phases), trains a small
# [WaveNet](../glossary.md#wavenet) made of dilated causal convolutions with gated activations, residual and
# skip connections, checks that it only looks at the past and that its receptive field matches the formula,
# compares its likelihood on unseen waveforms with two baselines, and finally lets it continue waveforms sample
# by sample. How WaveNet works and how to compute its receptive field is explained on
# [Audio](../applications/audio.md#wavenet-receptive-field).
#
# Size: the example's default, which is also what `make bench` runs: dilations 1 to 32 (a receptive field of
# 65 samples), 32 channels, 2,048 training waveforms of 192 samples, 600 steps. Training takes about a minute
# on a 2-core CPU.

# %% [markdown] lang="zh"
# ## 数据：μ 律量化
#
# 每个采样点被压扩后量化成 256 类中的一类，于是“预测下一个采样点”变成 256 类分类问题。换成真实音频时，只需改 `load_waveforms()`，
# 返回缩放到 $[-1,1]$ 的定长片段。

# %% [markdown] lang="en"
# ## Data: mu-law quantisation
#
# Each sample is companded and quantised to one of 256 classes, which turns "predict the next sample" into a
# 256-way classification. For real audio, change only `load_waveforms()` to return fixed-length clips scaled
# to $[-1, 1]$.

# %%
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
from IPython.display import Image

from snippets.audio import wavenet

cfg = wavenet.DEFAULTS
keras.utils.set_random_seed(0)
receptive = wavenet.receptive_field(cfg["dilations"])
n_new = 160  # samples to generate after the prompt
train_q = wavenet.mu_law_encode(wavenet.load_waveforms(cfg["n_waves"], cfg["length"], seed=0), cfg["classes"])
# Held-out waveforms from another seed, long enough for a prompt of two receptive fields plus the continuation.
test_waves = wavenet.load_waveforms(64, max(cfg["length"], 2 * receptive + n_new), seed=1)
test_q = wavenet.mu_law_encode(test_waves, cfg["classes"])

print(f"dilations {cfg['dilations']}: receptive field {receptive} samples")
print(f"train {train_q.shape}, test {test_q.shape}, classes 0..{train_q.max()}")
error = np.abs(wavenet.mu_law_decode(test_q, cfg["classes"]) - test_waves).max()
print(f"largest mu-law round-trip error: {error:.4f}")

# %% [markdown] lang="zh"
# ## 模型与训练
#
# 训练用 teacher forcing：输入 `q[:, :-1]`，目标 `q[:, 1:]`，所有位置并行计算交叉熵（单位 nats/采样点）。

# %% [markdown] lang="en"
# ## Model and training
#
# Training uses teacher forcing: inputs `q[:, :-1]`, targets `q[:, 1:]`, with the cross-entropy (in nats per
# sample) computed at every position in parallel.

# %%
model = wavenet.build_wavenet(cfg["classes"], cfg["channels"], cfg["dilations"])
print(f"{model.count_params():,} parameters")
start = time.perf_counter()
history = wavenet.train(model, train_q, cfg["steps"], cfg["batch"], seed=0)
print(f"trained {cfg['steps']} steps in {time.perf_counter() - start:.1f} s; "
      f"loss {history[0]:.3f} -> {np.mean(history[-20:]):.3f} nats/sample (mean of the last 20 steps)")

# %% [markdown] lang="zh"
# ## 它只看过去吗？
#
# 把第 100 个采样点之后的输入全部随机改掉，比较第 0～100 个位置的输出：因果卷积保证它们一点都不变。

# %% [markdown] lang="en"
# ## Does it only look at the past?
#
# Randomise every input after position 100 and compare the outputs at positions 0 to 100: causal convolutions
# guarantee that they do not change at all.

# %%
print(f"largest change of the outputs up to t = 100: {wavenet.causality_gap(model, test_q[:8], t=100):.2e}")

# %% [markdown] lang="zh"
# ## 在没见过的波形上评估
#
# 64 条测试波形上下一个采样点的平均负对数似然，越低越好。两个基线：256 类均匀分布（$\ln 256$），以及只用训练集类别直方图、不看上下文的模型。

# %% [markdown] lang="en"
# ## Evaluation on unseen waveforms
#
# The mean negative log-likelihood of the next sample over 64 test waveforms; lower is better. Two baselines:
# a uniform distribution over 256 classes ($\ln 256$), and the training set's class histogram, which ignores
# the context.

# %%
scores = {
    "uniform over 256 classes": float(np.log(cfg["classes"])),
    "class histogram, no context": wavenet.marginal_nll(train_q, test_q, cfg["classes"]),
    "small WaveNet": wavenet.nll(model, test_q),
}
print(f"{'model':<30}{'test NLL (nats/sample)':>24}")
for name, value in scores.items():
    print(f"{name:<30}{value:>24.3f}")

# %% [markdown] lang="zh"
# ## 逐点续写
#
# 取 3 条测试波形的前 130 个采样点（两个感受野）作提示，让模型以温度 1 逐个采样 160 个新采样点，每一步只把最近 65 个采样点送进网络。

# %% [markdown] lang="en"
# ## Continuing a waveform, one sample at a time
#
# Prompt the model with the first 130 samples (two receptive fields) of three test waveforms and let it sample
# 160 new ones at temperature 1, feeding only the last 65 samples to the network at each step.

# %% alt_zh="三段续写示例：左侧蓝线是真实提示波形（130 个采样点），右侧红线是模型逐点采样的 160 个新采样点，灰线是真实的后续波形；续写保持了相近的频率和振幅，但相位很快与真实波形错开，第二段末尾还出现一个尖峰。该模型在测试波形上的 NLL 为 1.934 nats/采样点（均匀分布 5.545，类别直方图 5.085）。" alt_en="Three continuations: on the left the real prompt in blue (130 samples), on the right the 160 samples drawn by the model in red, with the true continuation in grey; the continuations keep a similar frequency and amplitude but soon drift out of phase with the true waveform, and the second one ends with a brief spike. The model's test NLL is 1.934 nats per sample (uniform 5.545, class histogram 5.085)."
start = time.perf_counter()
prime = test_q[:3, : 2 * receptive]
generated = wavenet.generate(model, prime, n_new, receptive, seed=0)
print(f"generated 3 x {n_new} samples in {time.perf_counter() - start:.1f} s")
figure = Path(tempfile.mkdtemp()) / "wavenet.png"
wavenet.plot(prime, generated, test_q[:3, : 2 * receptive + n_new], cfg["classes"], figure)
Image(filename=figure)

# %% [markdown] lang="zh"
# 这就是自回归生成的特点：频率和振幅与提示一致，但每一步的随机采样会累积，很快就和真实波形“分道扬镳”。模型学的是分布，目标是“听起来合理”，不是逐点复原。
#
# ## 接下来
#
# - 改 `cfg`（例如更多扩张层、更多步数）或换真实音频；感受野越长，能建模的周期越长。
# - 生成要串行调用网络：16 kHz 音频每秒 16,000 次。Parallel WaveNet、WaveRNN 和 HiFi-GAN 等声码器就是为了解决这个速度问题。

# %% [markdown] lang="en"
# That is autoregressive generation at work: frequency and amplitude follow the prompt, but the randomness of
# each sampling step accumulates and the continuation soon parts ways with the real waveform. The model learns a
# distribution; the goal is to sound plausible, not to reproduce the signal sample by sample.
#
# ## Next steps
#
# - Change `cfg` (more dilation layers, more steps) or use real audio; a longer receptive field can model longer
#   periods.
# - Generation calls the network once per sample: 16,000 times per second of 16 kHz audio. Parallel WaveNet,
#   WaveRNN and GAN vocoders such as HiFi-GAN exist to fix that speed problem.
