# %% [markdown] lang="zh"
# # GPT-2 文本生成：离线训练一个迷你 GPT-2
#
# 这个 Notebook 调用 `snippets/gpt2/text_generation.py` 中经过测试的函数：先在十几句话上训练一个只有约 10 万参数的 GPT-2（真实架构、自己训练的字节级 BPE 分词器），
# 保存为 KerasHub 预设，再用与加载 `gpt2_base_en` **完全相同**的 `from_preset()` 代码加载并生成文本。

# %% [markdown] lang="en"
# # GPT-2 text generation: train a tiny GPT-2 offline
#
# This notebook calls the tested functions in `snippets/gpt2/text_generation.py`. It trains a GPT-2 with
# the real architecture but only about 100k parameters (and its own byte-level BPE tokenizer) on a dozen
# sentences, saves it as a KerasHub preset, then loads it with **the same** `from_preset()` code you would
# use for `gpt2_base_en`, and generates text.

# %% alt_zh="迷你 GPT-2 的训练损失曲线：从约 3.5 迅速降到 0.1 附近，远低于均匀猜测的 ln(400)≈6.0。" alt_en="Training loss of the tiny GPT-2: it drops from about 3.5 to near 0.1, far below the uniform-guess line at ln(400) ≈ 6.0."
import tempfile

from snippets.gpt2 import text_generation as gpt2

from IPython.display import Image

preset_dir = tempfile.mkdtemp()
stats = gpt2.build_tiny_preset(preset_dir, epochs=60)
print(f"{stats['parameters']:,} parameters, vocabulary {stats['vocabulary_size']}, "
      f"trained in {stats['train_seconds']:.1f} s; loss {stats['losses'][0]:.2f} -> {stats['losses'][-1]:.3f}")
Image(filename=gpt2.plot_loss(stats["losses"], stats["vocabulary_size"], f"{preset_dir}/loss.png"))

# %% [markdown] lang="zh"
# ## 生成
#
# 下面的 `load_lm` 与 `generate_text` 正是读者加载真实 GPT-2 时用的函数，只是预设名换成了本地目录。

# %% [markdown] lang="en"
# ## Generate
#
# `load_lm` and `generate_text` below are the functions you would use for the real GPT-2; only the preset
# name is replaced by a local directory.

# %%
lm = gpt2.load_lm(preset_dir, sampler="greedy")
print(gpt2.generate_text(lm, "greedy decoding", max_length=24))
