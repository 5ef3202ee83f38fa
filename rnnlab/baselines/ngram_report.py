r"""Reports Kneser-Ney n-gram bits/perplexity on a corpus's valid and test splits.

    python -m rnnlab.baselines.ngram_report --dataset=rnnlab_pydoc_prose --tokenizer=char \
        --orders=2,3,4,5,6,7

Prints one line per order (bits per token = bits per char for ``--tokenizer=char``;
perplexity and bits per char for words) and the size of each split, with the time taken.
"""
import time
from typing import Dict, List, Optional, Sequence

from absl import flags

from rnnlab import cli
from rnnlab.baselines import kneser_ney
from rnnlab.data import corpus_loader
from rnnlab.data import tokenizers

def _define_flags() -> None:
  """Defined only when run as a program, so several baseline modules can be imported together."""
  flags.DEFINE_string("dataset", corpus_loader.DEFAULT_DATASET, "Corpus name.")
  flags.DEFINE_string("path", None, "Folder of train/valid/test.txt (dataset=files).")
  flags.DEFINE_string("data_dir", None, "TFDS data dir.")
  flags.DEFINE_enum("tokenizer", "char", ["char", "word"], "Token kind.")
  flags.DEFINE_list("orders", ["2", "3", "4", "5", "6", "7"], "n-gram orders.")


def ngram_table(dataset: str, tokenizer_kind: str, orders: Sequence[int],
                path: Optional[str] = None, data_dir: Optional[str] = None) -> List[Dict]:
  """Fits each order on train; returns one row per order with valid/test scores."""
  corpus = corpus_loader.load_corpus(dataset, path=path, data_dir=data_dir)
  texts = {s: corpus.text(s) for s in ("train", "valid", "test")}
  tok = tokenizers.build_tokenizer(tokenizer_kind, texts["train"])
  ids = {s: tok.encode(t, on_unseen="unk") for s, t in texts.items()}
  for s, t in texts.items():
    print(f"{s}: {len(t)} chars, {len(t.split())} words, {len(ids[s])} {tokenizer_kind} tokens")
  rows = []
  for order in orders:
    start = time.perf_counter()
    model = kneser_ney.KneserNeyLM.fit(ids["train"], tok.vocab_size, order=order)
    row = {"order": order}
    for split in ("valid", "test"):
      score = model.evaluate(ids[split], num_chars=len(texts[split]) - 1)
      row[f"{split}_bits_per_char"] = score["bits_per_char"]
      row[f"{split}_perplexity"] = score["perplexity"]
    row["seconds"] = time.perf_counter() - start
    rows.append(row)
    print(f"order {order}: valid {row['valid_bits_per_char']:.4f} bpc "
          f"(ppl {row['valid_perplexity']:.2f}), test {row['test_bits_per_char']:.4f} bpc "
          f"(ppl {row['test_perplexity']:.2f}), fit+score {row['seconds']:.1f} s")
  return rows


def main(argv):
  del argv
  args = flags.FLAGS
  try:
    orders = [int(o) for o in args.orders]
  except ValueError:
    raise ValueError(f"--orders={','.join(args.orders)}: expected comma-separated integers "
                     "(n-gram orders, e.g. 2,3,5)") from None
  ngram_table(args.dataset, args.tokenizer, orders, path=args.path, data_dir=args.data_dir)


if __name__ == "__main__":
  _define_flags()
  cli.run(main, program="rnnlab.baselines.ngram_report")
