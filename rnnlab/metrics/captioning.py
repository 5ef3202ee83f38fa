"""Captioning metrics: corpus BLEU-1..4 against every reference caption (sacrebleu).

``references`` holds, per image, a list of reference captions (Flickr8k and the embedded
set have 5, COCO 5-7); ``hypotheses`` one generated caption per image. BLEU-n is
sacrebleu's corpus BLEU with ``max_ngram_order=n`` (0-100, ``13a`` tokenisation, the
clipped counts taken over all references, the brevity penalty against the closest
reference length), as the captioning papers report BLEU-1..4 (Xu et al. 2015, Table 1).
Images with fewer references are padded by repeating their first reference, which leaves
every count and the closest length unchanged.

CIDEr is not computed: its reference implementation (``pycocoevalcap``, last released
2020, a 104 MB wheel built around Java tokenisation) is not a maintained library.
"""
from typing import Sequence

import sacrebleu

from rnnlab.metrics.corpus import refuse_bare_str


def _check(references: Sequence[Sequence[str]], hypotheses: Sequence[str]) -> None:
  refuse_bare_str("hypotheses", hypotheses)
  refuse_bare_str("references", references)
  if len(references) != len(hypotheses):
    raise ValueError(f"{len(references)} reference lists but {len(hypotheses)} hypotheses")
  if not hypotheses:
    raise ValueError("no captions to score")
  for i, refs in enumerate(references):
    if isinstance(refs, str) or not refs or not all(isinstance(r, str) for r in refs):
      raise ValueError(f"references[{i}] must be a non-empty list of str, got {refs!r}")
  bad = [type(h).__name__ for h in hypotheses if not isinstance(h, str)]
  if bad:
    raise ValueError(f"hypotheses must be str; got {bad[0]}")


def corpus_bleu_n(references: Sequence[Sequence[str]], hypotheses: Sequence[str],
                  max_order: int = 4, tokenize: str = "13a") -> float:
  """Multi-reference corpus BLEU-``max_order`` in [0, 100]."""
  _check(references, hypotheses)
  if max_order not in (1, 2, 3, 4):
    raise ValueError(f"max_order={max_order!r}; allowed: 1, 2, 3, 4")
  num_refs = max(len(r) for r in references)
  padded = [list(r) + [r[0]] * (num_refs - len(r)) for r in references]
  streams = [[refs[k] for refs in padded] for k in range(num_refs)]
  metric = sacrebleu.metrics.BLEU(max_ngram_order=max_order, tokenize=tokenize,
                                  effective_order=False)
  return float(metric.corpus_score(list(hypotheses), streams).score)


def bleu_1_to_4(references: Sequence[Sequence[str]], hypotheses: Sequence[str]
                ) -> dict[str, float]:
  """``{"bleu_1": ..., "bleu_4": ...}``."""
  return {f"bleu_{n}": corpus_bleu_n(references, hypotheses, n) for n in (1, 2, 3, 4)}
