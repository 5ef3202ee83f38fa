"""Decoding a trained :class:`rnnlab.models.seq2seq.Seq2Seq`: greedy or beam search over its
cached decoder step, what ``rnnlab.tasks.translation`` (evaluation) and ``rnnlab.translate``
(the CLI) both call.

Outputs start after ``BOS`` and stop at ``EOS`` (ids of :mod:`rnnlab.data.translation`);
beam search ranks finished hypotheses with the GNMT length penalty (Wu et al. 2016,
``alpha = length_penalty``; :func:`rnnlab.decoding.beam_search`).
"""
from typing import Any

import jax

from rnnlab import decoding
from rnnlab.data.translation import tokenizers
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
