"""Decoding a trained :class:`rnnlab.models.seq2seq.Seq2Seq`: greedy or beam search over its
cached decoder step, what ``rnnlab.tasks.translation`` (evaluation) and ``rnnlab.translate``
(the CLI) both call; :func:`evaluate_split` decodes and scores a whole split (the translation
task's final report).

Outputs start after ``BOS`` and stop at ``EOS`` (ids of :mod:`rnnlab.data.translation`);
beam search ranks finished hypotheses with the GNMT length penalty (Wu et al. 2016,
``alpha = length_penalty``; :func:`rnnlab.decoding.beam_search`).
"""
import json
import os
from typing import Any

from absl import logging
import jax
import numpy as np

from rnnlab import decoding
from rnnlab.data.translation import batching
from rnnlab.data.translation import tokenizers
from rnnlab.data.translation import translation_data
from rnnlab.metrics import translation as translation_metrics
from rnnlab.models import seq2seq

METHODS = ("greedy", "beam")


def translate_batch(model: seq2seq.Seq2Seq, params: Any, batch: dict, *, method: str,
                    beam_size: int, length_penalty: float, max_length: int
                    ) -> tuple[jax.Array, jax.Array]:
  """Token ids ``[B, L]`` and attention weights ``[B, L, S]`` of the best output per row.

  ``batch`` holds ``source [B, S]`` ids and ``source_length [B]``; ``L = max_length``.
  ``method``: ``"greedy"`` or ``"beam"`` (``beam_size`` hypotheses); ValueError otherwise.
  """
  encode_fn, step_fn = seq2seq.decoder_functions(model)
  static, carry = encode_fn(params, batch["source"], batch["source_length"])
  if method == "greedy":
    out = decoding.greedy_search(step_fn, params, static, carry, bos_id=tokenizers.BOS_ID,
                                 eos_id=tokenizers.EOS_ID, max_length=max_length)
    return out.tokens, out.aux
  if method == "beam":
    out = decoding.beam_search(step_fn, params, static, carry, beam_size=beam_size,
                               bos_id=tokenizers.BOS_ID, eos_id=tokenizers.EOS_ID,
                               max_length=max_length, alpha=length_penalty)
    return out.tokens[:, 0], out.aux[:, 0]
  raise ValueError(f"unknown decoding method {method!r}; allowed: 'greedy', 'beam'")


def decode_split(config, model: seq2seq.Seq2Seq, params: Any,
                 data: translation_data.TranslationData, split: str, method: str,
                 batch_size: int) -> list[str]:
  """Detokenised outputs for every encoded example of ``split``, in split order.

  ``config`` is the translation task's config (``model.decoding.beam_size`` and
  ``length_penalty``, ``data.bucket_boundaries``, ``data.max_target_length``).
  """
  enc = data.encoded(split)
  position = {int(i): k for k, i in enumerate(enc.indices)}
  outputs = [""] * len(enc)
  dec = config.model.decoding
  for batch in batching.evaluation_batches(enc, batch_size,
                                           tuple(config.data.bucket_boundaries)):
    tokens, _ = translate_batch(model, params, batch, method=method, beam_size=dec.beam_size,
                                length_penalty=dec.length_penalty,
                                max_length=config.data.max_target_length)
    tokens = np.asarray(jax.device_get(tokens))
    for row, index in enumerate(batch["index"]):
      if index >= 0:
        outputs[position[int(index)]] = data.target_tokenizer.decode(tokens[row])
  return outputs


def evaluate_split(config, model: seq2seq.Seq2Seq, params: Any,
                   data: translation_data.TranslationData, split: str, workdir: str,
                   batch_size: int) -> dict[str, float]:
  """Greedy and beam outputs of ``split`` scored against its references.

  Returns ``{split}_{greedy,beam}_bleu`` (sacrebleu corpus BLEU on detokenised text),
  ``..._exact_match`` and ``..._bleu_len_<bucket>`` (BLEU per source-length bucket,
  ``data.length_bucket_edges``; ``40+`` is written ``40plus``). Writes
  ``bleu_by_length_{split}.json`` and ``translations_{split}.tsv`` (source tokens, source,
  reference, greedy, beam) into ``workdir``.
  """
  edges = tuple(config.data.length_bucket_edges)
  report = {}
  enc = data.encoded(split)
  pairs = [data.pairs(split)[int(i)] for i in enc.indices]
  sources = [s for s, _ in pairs]
  references = [t for _, t in pairs]
  lengths = [len(s) for s in enc.sources]
  outputs, by_length = {}, {}
  for method in METHODS:
    outputs[method] = decode_split(config, model, params, data, split, method, batch_size)
    report[f"{split}_{method}_bleu"] = translation_metrics.corpus_bleu(references,
                                                                       outputs[method])
    report[f"{split}_{method}_exact_match"] = translation_metrics.exact_match(references,
                                                                              outputs[method])
    by_length[method] = translation_metrics.bleu_by_length(references, outputs[method], lengths,
                                                           edges)
    for row in by_length[method]:
      report[f"{split}_{method}_bleu_len_{row['bucket'].replace('+', 'plus')}"] = row["bleu"]
  with open(os.path.join(workdir, f"bleu_by_length_{split}.json"), "w") as f:
    json.dump({"edges": list(edges), **by_length}, f, indent=2)
  with open(os.path.join(workdir, f"translations_{split}.tsv"), "w", encoding="utf-8") as f:
    f.write("source_tokens\tsource\treference\tgreedy\tbeam\n")
    for row in zip(lengths, sources, references, outputs["greedy"], outputs["beam"]):
      f.write("\t".join(str(x) for x in row) + "\n")
  logging.info("%s: BLEU greedy %.2f beam %.2f; exact match greedy %.3f beam %.3f", split,
               report[f"{split}_greedy_bleu"], report[f"{split}_beam_bleu"],
               report[f"{split}_greedy_exact_match"], report[f"{split}_beam_exact_match"])
  return report
