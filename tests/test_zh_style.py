"""The Chinese style check (handbook/zh_style.py): each mistake planted in a temporary page is
reported with its file, its line and the fix; what is not prose is left alone."""

import pytest

from handbook import zh_style


FRONT = "---\ntitle: 测试页\ndescription: 一句话描述。\n---\n\n# 测试页\n\n"


def problems(tmp_path, body, name="page.md", folder="zh"):
    path = tmp_path / "docs" / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FRONT + body if name.endswith(".md") else body, encoding="utf-8")
    return path, zh_style.check_file(path, allow=[])


def only(found, rule):
    assert [p.rule for p in found] == [rule], "\n".join(map(str, found))
    return found[0]


def test_straight_quotes_name_the_file_line_and_curly_form(tmp_path):
    path, found = problems(tmp_path, '这一页是面试的"开场题"，要讲准。\n')
    problem = only(found, "straight-quote")
    message = str(problem)
    assert message.startswith(f"{path}:8:"), message
    assert "“开场题”" in message


def test_attributes_of_a_tag_over_several_lines_are_not_prose(tmp_path):
    body = ('<div class="practice" data-practice\n     data-ready="已加载 {n} 道题。" data-pool="题目：{n} 道。">\n'
            '  <p>这是"正文"。</p>\n</div>\n')
    path, found = problems(tmp_path, body)
    problem = only(found, "straight-quote")  # the prose after the tag is still checked
    assert str(problem).startswith(f"{path}:10:"), problem


def test_a_banned_variant_names_the_preferred_term(tmp_path):
    path, found = problems(tmp_path, "GAN 训练不稳定，容易[模式崩溃](../glossary.md#mode-collapse)。\n")
    message = str(only(found, "term"))
    assert message.startswith(f"{path}:8:") and "“模式坍塌”" in message and "mode collapse" in message


@pytest.mark.parametrize("text, fix", [
    ("训练约 20–40 秒。", "～"),
    ("编码器—解码器结构。", "-"),
    ("Ho 等人发现简化损失更好。", "等"),
    ("推断时直接解码均值。", "推理"),
])
def test_term_list_patterns(tmp_path, text, fix):
    _, found = problems(tmp_path, text + "\n")
    assert f"“{fix}”" in str(only(found, "term"))


def test_an_over_long_short_answer_is_reported_with_its_length(tmp_path):
    long = "生成对抗网络由生成器和判别器组成，" * 12  # 16 syllables each
    path, found = problems(tmp_path, f"## 问题？ {{ #q data-difficulty=\"basic\" data-topics=\"gan\" }}\n\n**简答：** {long}\n")
    message = str(only(found, "short-answer"))
    assert message.startswith(f"{path}:10:") and "192 syllables" in message and "full answer" in message


def test_an_english_short_answer_is_counted_in_words(tmp_path):
    long = "A generator and a discriminator play a game. " * 15  # 8 words each
    path, found = problems(tmp_path, f"**Short answer:** {long}\n", folder="en")
    message = str(only(found, "short-answer"))
    assert message.startswith(f"{path}:8:") and "120 words" in message


def test_spoken_length_counts_characters_and_latin_words():
    assert zh_style.spoken_length("GAN 用判别器[引导](../g.md#x)生成器，损失 $x^2$。") == 1 + 4 + 2 + 3 + 2 + 1
    assert zh_style.word_count("A *VAE* maps [x](u.md) to `z`.") == 6


@pytest.mark.parametrize("text, fix", [
    ("生成器,判别器交替训练。", "，"),
    ("有两个问题:速度和质量。", "："),
    ("它收敛了.", "。"),
    ("采样(温度越高越多样)很快。", "（温度越高越多样）"),
])
def test_half_width_punctuation_inside_a_chinese_sentence(tmp_path, text, fix):
    path, found = problems(tmp_path, text + "\n")
    message = str(only(found, "half-width"))
    assert message.startswith(f"{path}:8:") and fix in message


def test_code_math_urls_attributes_and_front_matter_keys_are_not_prose(tmp_path):
    body = (
        '## 什么是"GAN"？ { #what-is-gan data-difficulty="basic" data-topics="gan" }\n\n'
        '调用 `client.chat(model="模型", messages=msgs)`，公式 $p(x\\mid "条件")$ 照写。\n\n'
        '见[术语表](../glossary.md#"模式崩溃")。<span title="模式崩溃,重构">徽章</span>\n\n'
        '```python\nprint("模式崩溃,重构")\n```\n\n'
        '$$\nq(x_t\\mid x_0) = "重构"\n$$\n'
    )
    _, found = problems(tmp_path, body.replace('什么是"GAN"', "什么是 GAN"))
    assert found == [], "\n".join(map(str, found))


def test_english_pages_are_checked_for_length_only(tmp_path):
    _, found = problems(tmp_path, 'A "quoted" word, 模式崩溃 and 20–40 s.\n', folder="en")
    assert found == []


def test_notebook_zh_cells_only(tmp_path):
    source = (
        '# %% [markdown] lang="zh"\n# # 标题\n#\n# 检查"模式崩溃"。\n\n'
        '# %% [markdown] lang="en"\n# Check "mode collapse", 模式崩溃.\n\n'
        '# %%\nprint("模式崩溃")\n'
    )
    path, found = problems(tmp_path, source, name="demo.py", folder="notebooks")
    assert sorted(p.rule for p in found) == ["straight-quote", "term"], "\n".join(map(str, found))
    assert all(str(p).startswith(f"{path}:4:") for p in found)


def test_an_allow_list_entry_silences_only_its_line(tmp_path):
    path, _ = problems(tmp_path, '原文写作"小样本学习"。\n另一行"小样本"。\n')
    shown = str(path)
    allow = [{"file": shown, "rule": "term", "text": "原文写作", "reason": "quotes the source"}]
    found = zh_style.check_file(path, allow=allow)
    assert sorted((p.line, p.rule) for p in found) == [(8, "straight-quote"), (9, "straight-quote"), (9, "term")]


def test_the_term_list_loads_and_every_entry_is_complete():
    data = zh_style.yaml.safe_load(zh_style.TERMS_FILE.read_text(encoding="utf-8"))
    for term in data["terms"]:
        assert term.get("zh") and term.get("en"), f"{zh_style.TERMS_FILE}: {term} needs zh and en"
        assert term["zh"] not in (term.get("banned") or []), f"{zh_style.TERMS_FILE}: {term['zh']} bans itself"
    for pattern in data["patterns"]:
        assert pattern.get("fix") is not None and pattern.get("reason"), f"{zh_style.TERMS_FILE}: {pattern} needs fix and reason"
    assert len(zh_style.load_terms()) >= 60


@pytest.mark.parametrize("text, what", [
    ("三段式：① 编码；② 生成。", "numbered"),
    ("GPT-4o 于 2024 年 5 月 13 日发布。", "an exact date"),
    ("原文说它基于 GPT-2，这不对。", "the source document"),
    ("DDPM（Ho 等，NeurIPS 2020）用噪声预测。", "a citation"),
])
def test_a_short_answer_carries_nothing_you_would_not_say_aloud(tmp_path, text, what):
    path, found = problems(tmp_path, f"**简答：** {text}\n")
    message = str(only(found, "short-answer"))
    assert message.startswith(f"{path}:8:") and what in message, message


# --- The whole site ---------------------------------------------------------------------------

SITE = zh_style.default_files()
RULES, ALLOW = zh_style.load_terms(), zh_style.load_allow()


@pytest.mark.parametrize("path", SITE, ids=lambda p: p.relative_to(zh_style.ROOT).as_posix())
def test_every_page_follows_the_chinese_style_guide(path):
    found = zh_style.check_file(path, rules=RULES, allow=ALLOW)
    assert not found, (
        "\n".join(map(str, found))
        + "\n\nFix each line as shown (guide: CONTRIBUTING.md, 中文写作规范; terms: scripts/zh_terms.yml). "
          "If a page must keep the text, add it to scripts/zh_style_allow.yml with the reason."
    )


def test_every_allow_list_entry_still_matches_a_line():
    for entry in ALLOW:
        path = zh_style.ROOT / entry["file"]
        assert path.exists() and entry["text"] in path.read_text(encoding="utf-8"), (
            f"{zh_style.ALLOW_FILE}: the entry for {entry['file']} ({entry['text']!r}) matches nothing; remove it."
        )


def test_citation_lines_keep_their_page_ranges(tmp_path):
    body = "**出处：** Chen, R. J., et al. Nature Biomedical Engineering 5, 493–497, 2021.\n\n**参考文献**\n\n1. Wiese, M., et al. Quantitative Finance 20, 1419–1440, 2020.\n"
    _, found = problems(tmp_path, body)
    assert found == [], "\n".join(map(str, found))
