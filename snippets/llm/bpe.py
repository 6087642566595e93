"""A byte-level BPE tokenizer trained on some of this handbook's pages, and what it costs Chinese.

What it shows
- Training a GPT-2-style byte-level BPE with the `tokenizers` package: start from the
  256 byte values, repeatedly merge the most frequent adjacent pair until the
  vocabulary is full. Any text round-trips exactly; no character is ever unknown.
- The price of an English-trained vocabulary: a tokenizer trained on English pages
  and one trained on the same pages in both languages, with the same vocabulary size,
  are measured in tokens per Chinese character on Chinese pages neither has seen.
  Without merges a Chinese character costs its 3 UTF-8 bytes.
- The pages (glossary, llm/, theory/, applications/ in both languages) are read from
  bpe_corpus.json.gz, frozen at one commit, so editing the handbook does not move the figures.
- Why models miscount letters: a word reaches the model as a few token ids, not letters.

Run
    python -m snippets.llm.bpe            # vocabulary sizes 2,000 to 16,000
    python -m snippets.llm.bpe --quick    # one small vocabulary
    python -m snippets.llm.bpe --freeze HEAD   # re-freeze the corpus (bpe_corpus.json.gz) at a commit
    python benchmarks/run.py bpe          # records the table in benchmarks/results.json;
                                          # then copy it into both tokenization pages

What to change in practice
- Real tokenizers train on gigabytes with vocabularies of 32k to 256k tokens and a
  deliberate language mix; `load_pages()` is the only thing to change to train on
  your own text. Production tokenizers add special tokens (<|endoftext|>, chat roles).
"""

import functools
import re
import time
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from snippets._example import GitPages, parser, read_frozen, write_frozen

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# The corpus: some of this handbook's pages in both languages, frozen at one commit (see frozen_corpus).
CORPUS = Path(__file__).with_name("bpe_corpus.json.gz")
CJK = re.compile(r"[\u4e00-\u9fff]+")  # CJK Unified Ideographs: 3 bytes each in UTF-8
DEFAULT_VOCAB = 8000


# --8<-- [start:data]
TRAIN = ("glossary.md", "llm/", "theory/")  # pages under docs/en and docs/zh (kept small)
HELD_OUT = "applications/"  # held out of training in both languages
# The page that shows this example quotes its output (" strawberry" and its pieces);
# training on it would make the tokenizer learn the demo word from its own write-up.
EXCLUDED = ("llm/tokenization.md",)


def load_pages():
    """Training and held-out pages of both languages, as frozen in CORPUS."""
    def read(lang):
        pages = sorted(frozen_corpus()[lang].items())  # {path under docs/<lang>: text}
        train = [text for name, text in pages if not name.startswith(HELD_OUT)]
        held_out = [text for name, text in pages if name.startswith(HELD_OUT)]
        return train, held_out

    (en, en_held_out), (zh, zh_held_out) = read("en"), read("zh")
    return {"en": en, "zh": zh, "en_held_out": en_held_out, "zh_held_out": zh_held_out}


def chinese_runs(texts):
    """The runs of Chinese characters in some pages: what "tokens per Chinese character" counts."""
    return [run for text in texts for run in CJK.findall(text)]
# --8<-- [end:data]


@functools.cache
def frozen_corpus():
    """The pages as of one commit (CORPUS), so that editing a page does not move the example's
    figures. `python -m snippets.llm.bpe --freeze REV` writes it again from REV."""
    return read_frozen(CORPUS)


def freeze_corpus(rev):
    """CORPUS from the pages at git revision rev: the TRAIN and HELD_OUT pages of both languages."""
    pages = GitPages(rev)
    frozen = {"source": pages.source}
    for lang in ("en", "zh"):
        frozen[lang] = {n: pages.text(lang, n) for n in pages.names(lang)
                        if n.startswith(TRAIN + (HELD_OUT,)) and n not in EXCLUDED}
    write_frozen(CORPUS, frozen)
    return frozen["source"]


# --8<-- [start:train]
def train_bpe(texts, vocab_size):
    """GPT-2-style byte-level BPE: bytes first, then the most frequent merges."""
    tokenizer = Tokenizer(models.BPE())
    # Split into words and punctuation first (GPT-2's regex), then map each byte to a
    # printable symbol, so merges never cross a word boundary and any text can be encoded.
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.train_from_iterator(texts, trainers.BpeTrainer(
        vocab_size=vocab_size,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # all 256 bytes, seen or not
        show_progress=False,
    ))
    return tokenizer


def tokens_per_char(tokenizer, runs):
    """Tokens per Chinese character over held-out runs of Chinese text."""
    tokens = sum(len(e.ids) for e in tokenizer.encode_batch(runs))
    return tokens / sum(len(r) for r in runs)
# --8<-- [end:train]


# --8<-- [start:compare]
def compare(vocab_size=DEFAULT_VOCAB):
    """Same vocabulary size, two training mixes, the same held-out pages."""
    pages = load_pages()
    runs = chinese_runs(pages["zh_held_out"])
    start = time.perf_counter()
    english_only = train_bpe(pages["en"], vocab_size)
    bilingual = train_bpe(pages["en"] + pages["zh"], vocab_size)
    seconds = time.perf_counter() - start
    english_text = "\n".join(pages["en_held_out"])
    return {
        "vocab_size": vocab_size,
        "english_only": tokens_per_char(english_only, runs),
        "bilingual": tokens_per_char(bilingual, runs),
        # The other side of the trade: vocabulary spent on Chinese is missing for English.
        "english_chars_per_token": {
            name: len(english_text) / len(t.encode(english_text).ids)
            for name, t in (("english_only", english_only), ("bilingual", bilingual))},
        # A small corpus can run out of pairs to merge before the vocabulary is full.
        "actual_sizes": (english_only.get_vocab_size(), bilingual.get_vocab_size()),
        "held_out_chinese_chars": sum(len(r) for r in runs),
        # An English corpus is rarely free of Chinese: the glossary gives every term's Chinese name.
        "chinese_share_of_english_pages": len("".join(chinese_runs(pages["en"]))) / sum(map(len, pages["en"])),
        "train_seconds": seconds,
        "tokenizers": {"english_only": english_only, "bilingual": bilingual},
    }
# --8<-- [end:compare]


# --8<-- [start:letters]
def pieces(tokenizer, text):
    """The pieces a model sees instead of letters (byte symbols decoded back to text)."""
    return [tokenizer.decode([i]) for i in tokenizer.encode(text).ids]
# --8<-- [end:letters]


SIZES = (2000, 4000, DEFAULT_VOCAB, 16000)  # the rows of the table on the tokenization page


def chinese_metric(vocab_size):
    return f"tokens per held-out Chinese character, BPE (V={vocab_size}) trained on en + zh pages"


def english_metric(vocab_size):
    return f"held-out English characters per token, BPE (V={vocab_size}) trained on en + zh pages"


def run(quick=False, figures_dir=None):
    sizes = (2000,) if quick else SIZES
    results = [compare(v) for v in sizes]
    english = results[-1]["tokenizers"]["english_only"] if quick else results[2]["tokenizers"]["english_only"]
    return {"results": results, "strawberry": pieces(english, " strawberry")}


def benchmark():
    """Every row of the page's table. The corpus is frozen (CORPUS), so the figures change only
    when it is re-frozen: the page quotes this record (tests/snippets/llm/test_bpe.py checks)."""
    entries = []
    for r in map(compare, SIZES):
        v, per_token = r["vocab_size"], r["english_chars_per_token"]
        for metric, value, baseline_value in (
                (chinese_metric(v), r["bilingual"], r["english_only"]),
                (english_metric(v), per_token["bilingual"], per_token["english_only"])):
            entries.append({
                "example": "llm/bpe", "metric": metric, "value": round(value, 3),
                "baseline": "same BPE trained on en pages only", "baseline_value": round(baseline_value, 3),
                "train_seconds": round(r["train_seconds"], 1),
            })
    return entries


def main(argv=None):
    cli = parser(__doc__)
    cli.add_argument("--freeze", metavar="REV", help="rewrite the frozen corpus from git revision REV, then run")
    args = cli.parse_args(argv)
    if args.freeze:
        print("froze the corpus at", freeze_corpus(args.freeze))
        frozen_corpus.cache_clear()
    out = run(quick=args.quick)
    first = out["results"][0]
    print(f"corpus: the pages as of commit {frozen_corpus()['source']} ({CORPUS.name})")
    print(f"held-out Chinese characters: {first['held_out_chinese_chars']}; Chinese share of the "
          f"English pages: {first['chinese_share_of_english_pages']:.2%}; raw UTF-8 bytes: 3.00 per character")
    for r in out["results"]:
        e = r["english_chars_per_token"]
        print(f"vocab {r['vocab_size']:6d}: tokens per Chinese character: English-only {r['english_only']:.2f}, "
              f"bilingual {r['bilingual']:.2f}; English characters per token: {e['english_only']:.2f} vs "
              f"{e['bilingual']:.2f} (vocabularies reached {r['actual_sizes']})")
    print("' strawberry' ->", out["strawberry"])


if __name__ == "__main__":
    main()
