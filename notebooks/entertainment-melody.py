# %% [markdown] lang="zh"
# # 用 LSTM 写旋律：温度在熟悉与新颖之间取舍
#
# 本 Notebook 调用 `snippets/entertainment/melody.py` 里经过测试的函数。语料是九首公有领域的 C 大调儿歌（《小星星》《欢乐颂》《两只老虎》……），
# 按八分音符切成 token：音高 token 表示一个音开始，`-` 表示把上一个音再延长一个八分音符，`|` 分隔曲子。词表包含 G3 到 A5 的每一个半音，
# 所以模型**可以**弹出调外音；它学没学会不弹，是检查项之一。一个 LSTM 预测下一个 token，再用不同的温度采样。
# 原理和结论见[娱乐应用](../applications/entertainment.md#melody-generation-temperature)。
#
# 规模：示例的默认配置，与 `make bench` 相同：96 个 LSTM 单元、30 个 epoch，每种温度采样 400 个 token；在 2 核 CPU 上训练约 30 秒。

# %% [markdown] lang="en"
# # Writing melodies with an LSTM: temperature trades familiarity for novelty
#
# This notebook calls the tested functions of `snippets/entertainment/melody.py`. The corpus is nine
# public-domain tunes in C major (Twinkle Twinkle, Ode to Joy, Frère Jacques, ...), cut into one token per eighth
# note: a pitch token starts a note, `-` holds the previous note for one more eighth, and `|` separates tunes. The
# vocabulary holds every semitone from G3 to A5, so the model **can** play out-of-key notes; whether it learns
# not to is one of the checks. An LSTM predicts the next token, and we sample it at several temperatures. The
# reasoning and the conclusions are on [Entertainment](../applications/entertainment.md#melody-generation-temperature).
#
# Size: the example's default, which is also what `make bench` runs: 96 LSTM units, 30 epochs, 400 sampled
# tokens per temperature. Training takes about 30 seconds on a 2-core CPU.

# %% [markdown] lang="zh"
# ## 语料
#
# `load_corpus()` 是唯一需要改的函数：换成真实的符号音乐语料（MIDI 或 ABC 记谱）时，返回同样的 token id 序列即可。

# %% [markdown] lang="en"
# ## Corpus
#
# `load_corpus()` is the one function to replace: for a real symbolic-music corpus (MIDI files or ABC notation),
# return the same kind of token-id sequence.

# %%
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
from IPython.display import Image

from snippets.entertainment import melody

cfg = melody.DEFAULTS
ids = melody.load_corpus()
print(f"{len(melody.TUNES)} tunes, {len(ids)} tokens, vocabulary of {len(melody.VOCAB)}")
print("Twinkle Twinkle as tokens:", " ".join(melody.tune_to_tokens(melody.TUNES["Twinkle Twinkle Little Star"])[:24]), "...")

# %% [markdown] lang="zh"
# ## 训练
#
# 在每个长 33 的窗口上做下一个 token 预测（teacher forcing）。损失是交叉熵，单位 nats/token；均匀乱猜是 $\ln 29\approx3.37$。

# %% [markdown] lang="en"
# ## Train
#
# Next-token prediction on every window of 33 tokens (teacher forcing). The loss is the cross-entropy in nats per
# token; uniform guessing scores $\ln 29\approx3.37$.

# %%
keras.utils.set_random_seed(0)
model = melody.build_model(cfg["units"])
start = time.perf_counter()
history = melody.train(model, ids, cfg["seq_len"], cfg["epochs"], seed=0)
print(f"trained {cfg['epochs']} epochs in {time.perf_counter() - start:.1f} s; "
      f"loss {history[0]:.2f} -> {history[-1]:.2f} nats/token (uniform {np.log(len(melody.VOCAB)):.2f})")

# %% [markdown] lang="zh"
# ## 三种温度下采样
#
# 从“新曲开始”（一串分隔符）出发，每次从 $\operatorname{softmax}(z/T)$（$z$ 为 logits，$T$ 为温度）中抽一个 token。每种温度的前 40 个 token 如下：

# %% [markdown] lang="en"
# ## Sampling at three temperatures
#
# Start from "a new tune begins" (a run of separators) and draw one token at a time from softmax(logits /
# temperature). The first 40 tokens at each temperature:

# %%
temperatures = (0.5, 1.0, 1.5)
samples = {t: melody.sample(model, cfg["samples"], temperature=t, seed=0) for t in temperatures}
for t, s in samples.items():
    print(f"T={t}: " + " ".join(melody.VOCAB[i] for i in s[:40]))

# %% [markdown] lang="zh"
# ## 评估
#
# 三个数：调内音的比例；生成的 4 音片段有多少在语料里出现过（学到了风格）；8 音片段有多少出现过（整句照抄）。均匀随机 token 作为基线。

# %% [markdown] lang="en"
# ## Evaluate
#
# Three numbers: the share of notes in key; the share of generated 4-note fragments that occur in the corpus (the
# style was learned); the share of 8-note fragments that occur there (whole phrases copied). Uniform random tokens
# are the baseline.

# %%
random_tokens = melody.random_baseline(cfg["samples"], seed=0)
rows = [(f"temperature {t}", melody.melody_stats(s, ids)) for t, s in samples.items()]
rows.append(("uniform random tokens", melody.melody_stats(random_tokens, ids)))
print(f"{'sampling':<24}{'notes':>6}{'in key':>8}{'4-note in corpus':>18}{'8-note in corpus':>18}")
for name, st in rows:
    print(f"{name:<24}{st['notes']:>6}{st['in_key']:>8.2f}{st['match_4']:>18.2f}{st['match_8']:>18.2f}")

# %% [markdown] lang="zh"
# ## 钢琴卷帘图
#
# 第一行是语料中的《小星星》，中间三行是三种温度的采样，最后一行是随机 token。灰色横带是调外音（黑键），红色音符表示弹到了调外音。

# %% [markdown] lang="en"
# ## Piano rolls
#
# Row one is Twinkle Twinkle from the corpus, the middle three rows are the samples at the three temperatures, and
# the last row is random tokens. Grey bands mark out-of-key pitches (black keys); notes drawn in red are out of key.

# %% alt_zh="五行钢琴卷帘图，横轴是以八分音符计的时间，纵轴是 G3 到 G5 的音高，调外音（黑键）所在的音高用灰色横带标出。第一行是语料中的《小星星》；第二到四行是温度 0.5、1.0、1.5 的采样，全部落在白键上（调内音比例 1.00），温度越高跳进越多，8 音片段与语料重合的比例依次为 0.82、0.33、0.06；最后一行是均匀随机 token，音符零散，常落在黑键上（红色），调内音比例只有 0.62。" alt_en="Five piano-roll rows, time in eighth notes on the horizontal axis and pitch from G3 to G5 on the vertical axis, with out-of-key (black-key) pitches shaded grey. Row one is Twinkle Twinkle Little Star from the corpus; rows two to four are samples at temperatures 0.5, 1.0 and 1.5, all on white keys (an in-key share of 1.00), with more leaps at higher temperature and 8-note corpus overlaps of 0.82, 0.33 and 0.06; the last row is uniform random tokens, scattered and often on black keys (red), with an in-key share of only 0.62."
first_tune = ids[1 : ids.tolist().index(0, 1) + 1]  # up to and including its separator
figure = Path(tempfile.mkdtemp()) / "melody.png"
melody.plot([("corpus: Twinkle Twinkle Little Star", first_tune)]
            + [(f"sampled, temperature {t}", s) for t, s in samples.items()]
            + [("random tokens (uniform over the vocabulary)", random_tokens)], figure)
Image(filename=figure)

# %% [markdown] lang="zh"
# ## 接下来
#
# - 温度低时模型在拼接背下来的乐句（8 音片段大多来自语料），温度高时长乐句几乎都是新组合、短动机仍来自语料。
#   只有九首曲子时，更大的模型或更多 epoch 只会让它背得更熟：**训练损失低不等于有创造力**，长片段重合度是必要的检查。
# - 真实项目中：用大规模 MIDI/ABC 语料，把每首曲子移调到 12 个调做数据增强，加入小节和拍子 token，长曲子用带相对位置注意力的 Transformer（Music Transformer）。

# %% [markdown] lang="en"
# ## Next steps
#
# - At low temperature the model stitches memorised phrases together (most 8-note fragments come from the corpus);
#   at high temperature long phrases are mostly new combinations while short motifs still come from the corpus.
#   With nine tunes, a bigger model or more epochs only memorise better: **a low training loss is not creativity**,
#   and long-fragment overlap is a necessary check.
# - In a real project: a large MIDI or ABC corpus, every piece transposed to all 12 keys, bar and beat tokens, and
#   a Transformer with relative attention (Music Transformer) for long pieces.
