"""The GPT-2 snippet, driven offline: a tiny GPT-2 trained here, saved as a preset,
and loaded back through the same load_lm()/generate_text() that load gpt2_base_en."""

import numpy as np
import pytest

from snippets.gpt2.text_generation import (
    build_tiny_preset,
    generate_text,
    load_corpus,
    load_lm,
    main,
    make_sampler,
    plot_loss,
    train_tokenizer,
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    preset_dir = tmp_path_factory.mktemp("tiny_gpt2")
    stats = build_tiny_preset(preset_dir)
    return preset_dir, stats


def test_tokenizer_keeps_id_0_for_padding_and_encodes_any_text():
    tokenizer = train_tokenizer(load_corpus())
    assert tokenizer.token_to_id("<pad>") == 0 == tokenizer.pad_token_id
    assert tokenizer.end_token_id == tokenizer.start_token_id != 0
    # Byte-level BPE never meets an unknown character. Chinese was not in the corpus,
    # so each character falls back to its 3 UTF-8 bytes, one token each.
    text = "今天天气很好"
    ids = tokenizer(text)
    assert len(ids) == 3 * len(text)
    assert tokenizer.detokenize(ids) == text


def test_training_loss_falls_far_below_a_uniform_guess(tiny):
    _, stats = tiny
    losses = stats["losses"]
    assert 50_000 < stats["parameters"] < 200_000
    assert losses[-1] < 0.2 * losses[0]
    assert losses[-1] < 0.1 * np.log(stats["vocabulary_size"])


def test_preset_round_trip_continues_the_prompt(tiny):
    preset_dir, _ = tiny
    corpus = load_corpus()
    greedy = load_lm(str(preset_dir), sampler="greedy")
    # Greedy decoding reproduces the memorised sentence and stops at <|endoftext|>.
    assert generate_text(greedy, "greedy decoding", max_length=40) == corpus[1]
    assert generate_text(greedy, "the causal mask", max_length=40) == corpus[7]
    # Top-p with a fixed seed: the prompt is kept and learned text follows.
    top_p = load_lm(str(preset_dir), sampler="top_p", p=0.9, seed=42)
    out = generate_text(top_p, "beam search", max_length=40)
    assert out.startswith("beam search ") and out in corpus[2]
    assert len(out) > len("beam search") + 10


def test_max_length_counts_start_token_and_prompt(tiny):
    preset_dir, _ = tiny
    lm = load_lm(str(preset_dir), sampler="greedy")
    tokenizer = lm.preprocessor.tokenizer
    line = load_corpus()[1]
    prompt_tokens = len(tokenizer("greedy decoding"))
    max_length = prompt_tokens + 4
    out = generate_text(lm, "greedy decoding", max_length=max_length)
    # One slot for the start token, prompt_tokens for the prompt: 3 new tokens.
    expected = tokenizer.detokenize(tokenizer(line)[: max_length - 1])
    assert out == expected
    assert len(tokenizer(line)[prompt_tokens : max_length - 1]) == 3


def test_every_sampler_name_builds():
    import keras_hub

    for name in ("greedy", "beam", "top_k", "top_p"):
        assert isinstance(make_sampler(name, seed=1), keras_hub.samplers.Sampler)
    with pytest.raises(ValueError):
        make_sampler("nucleus")


def test_loss_figure_is_written(tmp_path, tiny):
    _, stats = tiny
    path = plot_loss(stats["losses"], stats["vocabulary_size"], tmp_path / "loss.png")
    assert path.stat().st_size > 5_000


def test_main_without_flags_only_prints_usage(capsys):
    main([])
    assert "--quick" in capsys.readouterr().out
