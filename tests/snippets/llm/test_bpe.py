"""Byte-level BPE trained on handbook pages frozen in bpe_corpus.json.gz: exact round trip, an
English-only vocabulary costs more tokens per Chinese character than a bilingual one, and the
page's table is what the frozen corpus gives."""

import json
import re

import pytest

from snippets.llm.bpe import (
    CORPUS,
    DOCS,
    EXCLUDED,
    HELD_OUT,
    TRAIN,
    SIZES,
    chinese_metric,
    chinese_runs,
    compare,
    english_metric,
    frozen_corpus,
    load_pages,
    main,
    pieces,
    train_bpe,
)

RESULTS = DOCS.parent / "benchmarks" / "results.json"


@pytest.fixture(scope="module")
def small():
    return compare(vocab_size=2000)  # about 0.6 s for both tokenizers


def test_round_trip_is_exact_on_unseen_text(small):
    held_out = load_pages()["zh_held_out"]
    odd = "naïve café, 数学 ∑ x² 😀 \t tabs\n\n  spaces, 日本語 and العربية"
    for tokenizer in small["tokenizers"].values():
        for text in held_out + [odd]:
            assert tokenizer.decode(tokenizer.encode(text).ids) == text
        assert tokenizer.token_to_id("[UNK]") is None  # bytes: nothing is ever unknown


def test_english_only_vocabulary_costs_more_per_chinese_character(small):
    assert small["held_out_chinese_chars"] > 5000
    # Without any merge a Chinese character costs its 3 UTF-8 bytes.
    assert small["bilingual"] < small["english_only"] < 3.0
    assert small["english_only"] > 1.5 * small["bilingual"]
    assert small["chinese_share_of_english_pages"] < 0.02  # the "English" pages are mostly English


def test_the_bilingual_vocabulary_pays_for_it_in_english(small):
    per_token = small["english_chars_per_token"]
    assert per_token["english_only"] > per_token["bilingual"] > 2.0


def test_held_out_pages_are_not_in_the_training_text():
    pages = load_pages()
    for lang in ("en", "zh"):
        held_out = pages[lang + "_held_out"]
        assert held_out and not set(held_out) & set(pages[lang])
    assert len(chinese_runs(pages["zh_held_out"])) > 100
    # the page quoting the demo's output is not training text either
    for lang in ("en", "zh"):
        assert not set(EXCLUDED) & set(frozen_corpus()[lang])


def test_the_corpus_is_frozen_small_and_named_on_both_pages():
    corpus = frozen_corpus()
    assert CORPUS.stat().st_size < 400_000, f"{CORPUS}: keep the frozen corpus small (fewer pages in TRAIN)"
    for lang in ("en", "zh"):
        names = set(corpus[lang])
        assert names and all(n.startswith(TRAIN + (HELD_OUT,)) for n in names)
        assert any(n.startswith(HELD_OUT) for n in names) and any(not n.startswith(HELD_OUT) for n in names)
        page = (DOCS / lang / "llm" / "tokenization.md").read_text("utf-8")
        assert corpus["source"] in page and CORPUS.name in page, (
            f"docs/{lang}/llm/tokenization.md should name the frozen corpus ({CORPUS.name}) and its commit "
            f"{corpus['source']}; after `python -m snippets.llm.bpe --freeze REV`, re-run "
            "`python benchmarks/run.py bpe` and update both pages")


def test_a_word_reaches_the_model_as_a_few_pieces_not_letters(small):
    tokenizer = small["tokenizers"]["english_only"]
    parts = pieces(tokenizer, " strawberry")
    assert "".join(parts) == " strawberry"
    assert len(parts) < len("strawberry")  # the model never sees the ten letters one by one


def test_a_larger_vocabulary_makes_sequences_shorter():
    en = load_pages()["en"]
    text = "\n".join(en[:3])
    lengths = [len(train_bpe(en, v).encode(text).ids) for v in (500, 2000)]
    assert lengths[1] < 0.8 * lengths[0]


def test_main_quick(capsys):
    main(["--quick"])
    out = capsys.readouterr().out
    assert "English-only" in out and "strawberry" in out


def _recorded():
    return {e["metric"]: e for e in json.loads(RESULTS.read_text("utf-8")) if e["example"] == "llm/bpe"}


def test_the_frozen_corpus_reproduces_the_recorded_run(small):
    # The corpus is frozen and BPE training is deterministic, so a fresh run gives the recorded
    # figures exactly: a re-frozen corpus without a re-run of the benchmark fails here.
    zh, en = _recorded()[chinese_metric(2000)], _recorded()[english_metric(2000)]
    measured = [small["english_only"], small["bilingual"],
                small["english_chars_per_token"]["english_only"], small["english_chars_per_token"]["bilingual"]]
    recorded = [zh["baseline_value"], zh["value"], en["baseline_value"], en["value"]]
    assert [round(x, 3) for x in measured] == recorded, (
        f"{CORPUS.name} gives {measured} at V=2000, benchmarks/results.json records {recorded}: "
        "run `python benchmarks/run.py bpe` and copy the table into both tokenization pages")


def test_the_page_table_is_the_run_recorded_in_results_json():
    # The page must quote the recorded run, not figures typed from some earlier one.
    recorded = _recorded()
    row = re.compile(r"^\| ([\d,]+) \| ([\d.]+) → ([\d.]+) \| ([\d.]+) → ([\d.]+) \|$", re.M)
    for lang in ("en", "zh"):
        page = DOCS / lang / "llm" / "tokenization.md"
        rows = {int(v.replace(",", "")): figures for v, *figures in row.findall(page.read_text("utf-8"))}
        assert sorted(rows) == sorted(SIZES), f"{page}: the BPE table should have one row per size in SIZES"
        for v, shown in rows.items():
            zh, en = recorded[chinese_metric(v)], recorded[english_metric(v)]
            expected = [f"{x:.2f}" for x in (zh["baseline_value"], zh["value"], en["baseline_value"], en["value"])]
            assert shown == expected, (
                f"{page}: the row for V={v} shows {shown}, benchmarks/results.json records {expected}. "
                "Copy the recorded run into both tokenization pages (and its date), or re-run "
                "`python benchmarks/run.py bpe` first.")
