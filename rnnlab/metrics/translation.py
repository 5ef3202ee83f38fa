"""Translation metrics on detokenised text: corpus BLEU (sacrebleu), exact match, BLEU by length.

All functions take ``references`` and ``hypotheses`` as equal-length sequences of plain
(detokenised) sentences, in that order, like :mod:`rnnlab.metrics.speech`. BLEU is
sacrebleu's corpus BLEU (0-100, ``13a`` tokenisation, one reference per sentence), so numbers
are comparable with published sacrebleu scores.

``bleu_by_length`` is the analysis of Bahdanau et al. (2015, Fig. 2): corpus BLEU of the
sentences whose *source* length (in tokens) falls in each bucket ``[edges[i], edges[i+1])``,
the last bucket open-ended.
"""
from typing import Sequence

import numpy as np
import sacrebleu

from rnnlab.metrics.corpus import check_sentences


def _check(references: Sequence[str], hypotheses: Sequence[str]) -> None:
  check_sentences(references, hypotheses)
  if len(references) == 0:  # pylint: disable=g-explicit-length-test (numpy arrays too)
    raise ValueError("no sentences to score")


def corpus_bleu(references: Sequence[str], hypotheses: Sequence[str],
                tokenize: str = "13a") -> float:
  """sacrebleu corpus BLEU in [0, 100]."""
  _check(references, hypotheses)
  return float(sacrebleu.corpus_bleu(list(hypotheses), [list(references)],
                                     tokenize=tokenize).score)


def exact_match(references: Sequence[str], hypotheses: Sequence[str]) -> float:
  """Fraction of hypotheses identical to their reference (after stripping outer spaces)."""
  _check(references, hypotheses)
  return float(np.mean([r.strip() == h.strip() for r, h in zip(references, hypotheses)]))


def bucket_labels(edges: Sequence[int]) -> list[str]:
  """"lo-hi" labels of the buckets ``[edges[i], edges[i+1])``; the last is "lo+"."""
  return [f"{lo}-{hi - 1}" for lo, hi in zip(edges[:-1], edges[1:])] + [f"{edges[-1]}+"]


def bleu_by_length(references: Sequence[str], hypotheses: Sequence[str],
                   source_lengths: Sequence[int], edges: Sequence[int],
                   tokenize: str = "13a") -> list[dict]:
  """Per source-length bucket: ``{"bucket", "lo", "hi", "count", "bleu", "exact_match"}``.

  ``hi`` is exclusive (None for the open last bucket). Empty buckets are left out.
  """
  _check(references, hypotheses)
  if len(source_lengths) != len(references):
    raise ValueError(f"{len(source_lengths)} source lengths for {len(references)} sentences")
  if not edges or list(edges) != sorted(set(edges)):
    raise ValueError(f"edges must be strictly increasing; got {list(edges)}")
  lengths = np.asarray(source_lengths)
  rows = []
  for i, label in enumerate(bucket_labels(edges)):
    lo = edges[i]
    hi = edges[i + 1] if i + 1 < len(edges) else None
    members = np.nonzero((lengths >= lo) & ((lengths < hi) if hi is not None else True))[0]
    if len(members) == 0:
      continue
    refs = [references[j] for j in members]
    hyps = [hypotheses[j] for j in members]
    rows.append({"bucket": label, "lo": int(lo), "hi": None if hi is None else int(hi),
                 "count": int(len(members)), "bleu": corpus_bleu(refs, hyps, tokenize),
                 "exact_match": exact_match(refs, hyps)})
  return rows
