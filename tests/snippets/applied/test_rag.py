"""RAG over the handbook: retrieval quality on paraphrased questions (not held out: the dense
settings and the "don't know" threshold were chosen on them), the exact request sent to the
(local, scripted) model, the citation in its answer, and the "don't know" path. No network."""

import json
import math
import re

import numpy as np
import pytest

import snippets.applied.rag as rag


@pytest.fixture(scope="module")
def results():
    """Both languages indexed and evaluated once (about 3 s; jieba and the SVD dominate)."""
    return rag.run(quick=True)


# Measured on the 40 paraphrased questions per language (make bench, 3 December 2026): recall@5 / MRR
#   zh: BM25 0.875 / 0.661, dense 0.825 / 0.639, hybrid 0.825 / 0.696
#   en: BM25 0.70 / 0.567, dense 0.725 / 0.572, hybrid 0.80 / 0.606
# One question is 0.025 of recall. The indexed pages (and the handbook the dense encoder is
# fitted on) are edited all the time: over a day of edits the hybrid moved between 0.775 and
# 0.825 (zh) and 0.80 and 0.875 (en), and refitting the encoder with any one docs/ section left
# out kept it within that range. The bounds below hold over all of those runs.
def test_hybrid_recall_floor(results):
    for lang in rag.LANGS:
        assert results[lang]["hybrid"]["recall@k"] >= 0.7, (lang, results[lang]["hybrid"])


def test_english_hybrid_recalls_at_least_as_much_as_each_retriever_alone(results):
    r = results["en"]
    for single in ("bm25", "dense"):
        assert r["hybrid"]["recall@k"] >= r[single]["recall@k"], (single, r[single], r["hybrid"])
        assert r["hybrid"]["mrr"] >= r[single]["mrr"] - 0.01, (single, r[single], r["hybrid"])


def test_chinese_hybrid_ranks_best_but_does_not_recall_more(results):
    # What is true in Chinese: fusion puts the answer at least as high on average (MRR) as
    # either retriever, yet finds it in the top 5 for fewer questions. The page says so.
    r = results["zh"]
    n = len(rag.QUESTIONS["zh"])
    best_single = max(r["bm25"]["recall@k"], r["dense"]["recall@k"])
    assert r["hybrid"]["recall@k"] >= best_single - 4 / n, (r["bm25"], r["dense"], r["hybrid"])
    for single in ("bm25", "dense"):
        assert r["hybrid"]["mrr"] >= r[single]["mrr"] - 0.01, (single, r[single], r["hybrid"])


@pytest.mark.parametrize("lang", rag.LANGS)
def test_questions_are_paraphrases(lang):
    """At least 20 per language, and none copies a run of its answer's wording
    (4 English words, 5 Chinese characters), so lexical overlap is not free."""
    questions = rag.QUESTIONS[lang]
    assert len(questions) >= 20
    chunks = rag.load_chunks(lang)
    for question, section in questions:
        text = " ".join(c["text"] for c in chunks if c["section"] == section).lower()
        if lang == "en":
            words, body = re.findall(r"[a-z0-9']+", question.lower()), " ".join(re.findall(r"[a-z0-9']+", text))
            copied = [" ".join(words[i:i + 4]) for i in range(len(words) - 3) if " ".join(words[i:i + 4]) in body]
        else:
            copied = [m for i in range(len(question) - 4)
                      if re.fullmatch(r"[\u4e00-\u9fff]{5}", m := question[i:i + 5]) and m in text]
        assert not copied, f"snippets/applied/rag.py: {question!r} copies {copied} from {section}; reword it"


def test_bm25_matches_the_formula_term_by_term():
    """Against a direct transcription of Okapi BM25; catches a dropped length normalisation,
    a wrong idf or tf saturation (each planted once by hand, each failed here)."""
    docs = [["kv", "cache", "memory"], ["cache", "cache", "hit", "rate", "memory", "memory"], ["beam", "search"]]
    query, k1, b = ["cache", "memory", "unknown"], 1.2, 0.75
    n, avgdl = len(docs), sum(map(len, docs)) / len(docs)
    expected = []
    for d in docs:
        s = 0.0
        for w in query:
            df = sum(w in x for x in docs)
            if df == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = d.count(w)
            s += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avgdl))
        expected.append(s)
    np.testing.assert_allclose(rag.BM25(docs, k1=k1, b=b).scores(query), expected, rtol=1e-12)


def test_evaluate_counts_sections_and_ranks_from_one():
    """recall@k and MRR by hand on a toy ranking: the answer is a section (any of its chunks counts)
    and ranks start at 1. Catches comparing chunk ids instead of sections, and 0-based ranks
    (each planted once by hand, each failed here)."""

    class Toy:
        lang = "en"
        chunks = [{"id": "s1:0", "section": "s1"}, {"id": "s1:1", "section": "s1"},
                  {"id": "s2", "section": "s2"}, {"id": "s3", "section": "s3"}]

        def scores(self, question, method):
            return {"q1": np.array([0.1, 0.9, 0.5, 0.2]),   # s1's second chunk first: rank 1
                    "q2": np.array([0.9, 0.1, 0.8, 0.5])}[question]  # s3 third: rank 3

    out = rag.evaluate(Toy(), [("q1", "s1"), ("q2", "s3")], k=2)
    for method in ("bm25", "dense", "hybrid"):
        assert out[method]["ranks"] == [1, 3]
        assert out[method]["recall@k"] == 0.5
        assert out[method]["mrr"] == pytest.approx((1 + 1 / 3) / 2)


def test_rrf_uses_ranks_not_raw_scores():
    bm25 = np.array([30.0, 10.0, 0.0])   # unbounded scores
    cosine = np.array([0.1, 0.9, 0.2])   # bounded scores
    fused = rag.rrf(bm25, cosine, k=60)
    np.testing.assert_allclose(fused, [1 / 61 + 1 / 63, 1 / 62 + 1 / 61, 1 / 63 + 1 / 62])
    assert np.argmax(fused) == 1  # rank 2 and rank 1 beat rank 1 and rank 3


def test_chunks_are_clean_and_ids_unique(results):
    for lang in rag.LANGS:
        chunks = results["indexes"][lang].chunks
        ids = [c["id"] for c in chunks]
        assert len(ids) == len(set(ids))
        text = " ".join(c["text"] for c in chunks)
        for leftover in ("$$", "```", "///", "<span", "](", "title:", "**"):
            assert leftover not in text, (lang, leftover)
        rag_entry = next(c for c in chunks if c["id"] == "glossary#rag")
        assert rag_entry["text"].startswith("检索增强生成" if lang == "zh" else "Retrieval-augmented generation")


@pytest.mark.parametrize("lang", rag.LANGS)
def test_request_carries_the_retrieved_chunks_and_the_answer_cites_one(results, lang):
    index, model = results["indexes"][lang], rag.ScriptedModel()
    question = rag.DEMO_QUESTION[lang]
    out = rag.answer(index, question, model.client())
    top = index.search(question, "hybrid", k=3)
    assert top[0]["id"] == "glossary#rag"
    (sent,) = model.requests
    assert sent == {
        "model": "local-model",
        "messages": [{"role": "system", "content": rag.SYSTEM[lang]},
                     {"role": "user", "content": rag.build_prompt(question, top, lang)}],
        "max_completion_tokens": 512,
    }
    user = sent["messages"][1]["content"]
    for chunk in top:
        assert f"[{chunk['id']}] {chunk['text']}" in user
    assert user.endswith(question)
    assert out["called_model"] and out["retrieved"] == [c["id"] for c in top]
    assert out["cited"] == ["glossary#rag"] and out["text"].endswith("[glossary#rag]")
    assert json.dumps(out["text"], ensure_ascii=False) != json.dumps(rag.DONT_KNOW[lang], ensure_ascii=False)


@pytest.mark.parametrize("lang", rag.LANGS)
def test_off_topic_questions_get_dont_know_without_calling_the_model(results, lang):
    index, model = results["indexes"][lang], rag.ScriptedModel()
    for question in rag.OFF_TOPIC[lang]:
        out = rag.answer(index, question, model.client())
        assert out == {"text": rag.DONT_KNOW[lang], "called_model": False, "retrieved": [], "cited": [],
                       "score": out["score"]}
        assert out["score"] < rag.MIN_SCORE
    assert model.requests == []
    # ...while the handbook questions clear it (all did when measured; one may slip
    # as the indexed pages are edited).
    low = [(q, s) for q, _ in rag.QUESTIONS[lang] if (s := rag.relevance(index, q)) < rag.MIN_SCORE]
    assert len(low) <= 1, low


def test_main_prints_the_table(results, monkeypatch, capsys):
    monkeypatch.setattr(rag, "run", lambda quick=False, figures_dir=None: results)
    rag.main(["--quick"])
    out = capsys.readouterr().out
    assert "hybrid" in out and "[glossary#rag]" in out and rag.DONT_KNOW["zh"] in out
