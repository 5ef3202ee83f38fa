"""Listen, Attend and Spell (Chan et al. 2016) with an optional joint CTC loss (Kim et al. 2017).

Listener: the (pyramidal, bidirectional) RNN encoder of the CTC model
(:class:`rnnlab.models.ctc.CTCModel`, any registered cell) turns features ``x [B, T, D]``
into ``h = Listen(x) [B, T', M]`` (``T' = ceil(T / prod(reduction_factors))``; Chan et al.
eq. 5-6: each pBLSTM layer concatenates consecutive frames of the layer below).

Speller: :class:`rnnlab.models.attention_decoder.AttentionDecoder` over ``h`` (characters,
teacher forcing), Chan et al. eq. 7-11: ``s_i = RNN(s_{i-1}, y_{i-1}, c_{i-1})``,
``c_i = AttentionContext(s_i, h)``, ``P(y_i | x, y_<i) = CharacterDistribution(s_i, c_i)``
(the decoder's ``attention`` choice: additive = an MLP scoring function, or Luong's
``dot``/``general``). Its initial state is ``tanh(W c + b)`` of the mean of ``h`` over the
valid frames (the summary). The output characters are the CTC alphabet's; the CTC blank
id (``boundary_id``, 0) doubles as the sentence boundary ``<s>`` / ``</s>`` of the speller,
which never needs a blank: ``target_input = [<s>, y_1 .. y_L]``, ``targets = [y_1 .. y_L,
</s>]``.

Loss per utterance, in nats (Kim et al. 2017, eq. 3 with ``lambda = ctc_weight``)::

  L = (1 - ctc_weight) * (-log P_att(y | x)) + ctc_weight * (-log P_ctc(y | x))

``-log P_att(y | x) = -sum_{i=1}^{L+1} log P(y_i | x, y_<i)`` (the ``</s>`` included) and
``-log P_ctc`` is the CTC loss of a linear layer + softmax over ``h`` (the CTC model's own
output layer, the "CTC head"). ``ctc_weight = 0`` is pure LAS (no CTC head is built);
``ctc_weight = 1`` is the CTC model's loss. Decoding: :func:`joint_rescore` ranks the
attention beam's n-best with ``lambda * log P_ctc + (1 - lambda) * log P_att``.
"""
import functools
from typing import NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from rnnlab import decoding
from rnnlab.decoding.beam_search import NEG_INF
from rnnlab.features import masking
from rnnlab.models import attention_decoder
from rnnlab.models import ctc
from rnnlab.models import losses


def teacher_forcing(labels: jax.Array, label_lengths: jax.Array, boundary_id: int
                    ) -> tuple[jax.Array, jax.Array, jax.Array]:
  """``(target_input, targets, mask)``, each ``[B, L + 1]``, from right-padded ``labels [B, L]``.

  ``target_input = [<s>, y_1 .. y_n, pad]``, ``targets = [y_1 .. y_n, </s>, pad]`` for an
  utterance of ``n = label_lengths[b]`` characters; ``mask`` is True at its ``n + 1``
  valid targets. ``<s>`` and ``</s>`` are both ``boundary_id``; padding holds
  ``boundary_id`` too (whatever ``labels`` held there).
  """
  labels = jnp.asarray(labels, jnp.int32)
  label_lengths = jnp.asarray(label_lengths, jnp.int32)
  batch, width = labels.shape
  valid = masking.frame_mask(label_lengths, width)
  labels = jnp.where(valid, labels, boundary_id)
  boundary = jnp.full((batch, 1), boundary_id, jnp.int32)
  target_input = jnp.concatenate([boundary, labels], axis=1)
  targets = jnp.concatenate([labels, boundary], axis=1)
  mask = masking.frame_mask(label_lengths + 1, width + 1)
  return target_input, targets, mask


def attention_nll(logits: jax.Array, targets: jax.Array, mask: jax.Array) -> jax.Array:
  """``-log P_att(y | x)`` per utterance, float32 ``[B]`` nats: token NLLs summed over ``mask``.

  ``logits [B, U, V]``, ``targets [B, U]``, ``mask [B, U]`` as from :func:`teacher_forcing`.
  """
  return jnp.sum(losses.token_nll(logits, targets, mask), axis=-1)


def joint_loss(attention_losses: jax.Array, ctc_losses: jax.Array | None, ctc_weight: float
               ) -> jax.Array:
  """``(1 - ctc_weight) * attention + ctc_weight * ctc`` per utterance (Kim et al. 2017, eq. 3).

  At ``ctc_weight = 0`` the result is ``attention_losses`` itself (``ctc_losses`` may be
  None) and at ``1`` it is ``ctc_losses`` itself, so a non-finite term with zero weight
  never reaches the sum. Raises ValueError for a weight outside [0, 1] or a missing CTC term.
  """
  if not 0.0 <= ctc_weight <= 1.0:
    raise ValueError(f"ctc_weight={ctc_weight!r}; allowed: 0 <= ctc_weight <= 1")
  if ctc_weight == 0.0:
    return attention_losses
  if ctc_losses is None:
    raise ValueError(f"ctc_weight={ctc_weight!r} > 0 needs the CTC losses (a CTC head)")
  if ctc_weight == 1.0:
    return ctc_losses
  return (1.0 - ctc_weight) * attention_losses + ctc_weight * ctc_losses


def joint_rescore(attention_log_probs: jax.Array, ctc_log_probs: jax.Array, ctc_weight: float
                  ) -> jax.Array:
  """Joint CTC-attention score of complete hypotheses, ``lambda * log P_ctc + (1 - lambda) *
  log P_att`` (Kim et al. 2017; Watanabe et al. 2017 eq. 39 applied to the n-best of the
  attention beam instead of to every prefix, a documented simplification): any shape.

  Raises ValueError for ``ctc_weight`` (lambda) outside [0, 1].
  """
  if not 0.0 <= ctc_weight <= 1.0:
    raise ValueError(f"ctc_weight={ctc_weight!r}; allowed: 0 <= ctc_weight <= 1")
  return ctc_weight * ctc_log_probs + (1.0 - ctc_weight) * attention_log_probs


def summary(memory: jax.Array, lengths: jax.Array) -> jax.Array:
  """Mean of ``memory [B, T, M]`` over each utterance's valid frames, ``[B, M]``.

  Padded frames are selected away; a zero-length utterance gives zeros."""
  mask = masking.frame_mask(lengths, memory.shape[1])[..., None]
  total = jnp.sum(jnp.where(mask, memory, 0.0), axis=1)
  count = jnp.maximum(jnp.asarray(lengths), 1).astype(memory.dtype)[:, None]
  return total / count


class ListenAttendSpell(nn.Module):
  """See the module docstring.

  ``__call__(features [B, T, D], lengths [B], target_input [B, U], deterministic)`` returns
  ``(logits [B, U, V], attention weights [B, U, T'], ctc_logits [B, T', C] | None,
  lengths' [B])``; ``ctc_logits`` is None when ``ctc_weight == 0``.

  Attributes:
    listener: the encoder, a :class:`rnnlab.models.ctc.CTCModel` (its ``num_classes``
      is the CTC head's ``C``, alphabet + blank).
    speller: an :class:`AttentionDecoder` with ``memory_size`` = the listener's output
      size (``2H`` if bidirectional) and ``vocab_size`` = the alphabet's (V).
    ctc_weight: the joint loss weight in [0, 1]; > 0 builds the CTC head.
    boundary_id: ``<s>`` / ``</s>`` of the speller (the CTC blank id).
  """

  listener: ctc.CTCModel
  speller: attention_decoder.AttentionDecoder
  ctc_weight: float = 0.0
  boundary_id: int = 0

  @property
  def has_ctc_head(self) -> bool:
    return self.ctc_weight > 0.0

  def encode(self, features, lengths, deterministic: bool = True):
    """``(static, carry, ctc_logits [B, T', C] | None, lengths' [B])``: the listener's states
    prepared for the speller (``static``, ``carry``: the ``rnnlab.decoding`` step contract)."""
    if not 0.0 <= self.ctc_weight <= 1.0:
      raise ValueError(f"ctc_weight={self.ctc_weight!r}; allowed: 0 <= ctc_weight <= 1")
    states, ctc_logits, lengths = self.listener.encode(
        features, lengths, deterministic=deterministic, with_logits=self.has_ctc_head)
    states = states.astype(jnp.float32)
    mask = masking.frame_mask(lengths, states.shape[1])
    static, carry = self.speller.prepare(states, mask, summary(states, lengths))
    return static, carry, ctc_logits, lengths

  def decode_step(self, static, carry, tokens):
    """``tokens [B]`` -> ``(log_probs [B, V], carry, attention weights [B, T'])``."""
    return self.speller.decode_step(static, carry, tokens)

  def __call__(self, features, lengths, target_input, deterministic: bool = True):
    static, carry, ctc_logits, lengths = self.encode(features, lengths, deterministic)
    logits, weights = self.speller(static, carry, target_input, deterministic=deterministic)
    return logits, weights, ctc_logits, lengths


def per_utterance_losses(outputs, labels, label_lengths, *, ctc_weight: float,
                         boundary_id: int = 0) -> dict[str, jax.Array]:
  """Per-utterance losses ``[B]`` (nats) of :class:`ListenAttendSpell` ``outputs`` on ``labels``.

  ``{"attention": -log P_att, "ctc": -log P_ctc (only with a CTC head), "loss": the joint
  loss}``; ``labels [B, L]`` right-padded, ``label_lengths [B]``.
  """
  logits, _, ctc_logits, lengths = outputs
  _, targets, mask = teacher_forcing(labels, label_lengths, boundary_id)
  out = {"attention": attention_nll(logits, targets, mask)}
  if ctc_logits is not None:
    out["ctc"] = ctc.ctc_loss(ctc_logits, lengths, labels, label_lengths, blank_id=boundary_id)
  out["loss"] = joint_loss(out["attention"], out.get("ctc"), ctc_weight)
  return out


def hypothesis_labels(tokens: jax.Array, lengths: jax.Array, eos_id: int
                      ) -> tuple[jax.Array, jax.Array]:
  """Search outputs ``tokens [..., L]`` with ``lengths [...]`` (EOS included when it ended
  the output) -> ``(labels [..., L], label_lengths [...])`` without the EOS, padded with
  ``eos_id``."""
  lengths = jnp.asarray(lengths, jnp.int32)
  last = jnp.take_along_axis(tokens, jnp.maximum(lengths - 1, 0)[..., None], axis=-1)[..., 0]
  ended = (lengths > 0) & (last == eos_id)
  label_lengths = lengths - ended.astype(jnp.int32)
  positions = jnp.arange(tokens.shape[-1]).reshape((1,) * label_lengths.ndim + (-1,))
  valid = positions < label_lengths[..., None]
  return jnp.where(valid, tokens, eos_id), label_lengths


def ctc_log_likelihoods(ctc_logits: jax.Array, lengths: jax.Array, labels: jax.Array,
                        label_lengths: jax.Array, blank_id: int = 0) -> jax.Array:
  """``log P_ctc(labels_k | x)`` for ``K`` hypotheses per utterance: ``ctc_logits [B, T, C]``,
  ``lengths [B]``, ``labels [B, K, L]``, ``label_lengths [B, K]`` -> float32 ``[B, K]``.
  A labelling the frames cannot emit scores about ``-1e5`` (optax's log-zero)."""
  batch, k, width = labels.shape
  logits = jnp.repeat(ctc_logits, k, axis=0)
  frames = jnp.repeat(jnp.asarray(lengths), k)
  nll = ctc.ctc_loss(logits, frames, labels.reshape(batch * k, width),
                     label_lengths.reshape(-1), blank_id=blank_id)
  return -nll.reshape(batch, k)


@functools.lru_cache(maxsize=None)
def decoder_functions(recognizer: nn.Module):
  """``(encode_fn, step_fn)`` of a ``SpeechRecognizer`` over :class:`ListenAttendSpell`
  (cached per model, so compiled once).

  ``encode_fn(params, audio, num_samples) -> (static, carry, ctc_logits | None, lengths)`` is
  jitted; ``step_fn(params, static, carry, tokens) -> (log_probs, carry, weights)`` is the
  :mod:`rnnlab.decoding` step.
  """

  @jax.jit
  def encode_fn(params, audio, num_samples):
    return recognizer.apply({"params": params}, audio, num_samples, method="encode")

  def step_fn(params, static, carry, tokens):
    return recognizer.apply({"params": params}, static, carry, tokens, method="decode_step")

  return encode_fn, step_fn


class NBest(NamedTuple):
  labels: np.ndarray  # int32 [B, K, L] without </s>, padded with boundary_id
  label_lengths: np.ndarray  # int32 [B, K]
  attention_log_probs: np.ndarray  # float32 [B, K], log P_att(y, </s> | x); -inf: empty slot
  ctc_log_probs: np.ndarray | None  # float32 [B, K], log P_ctc(y | x) (with a CTC head)


def beam_nbest(recognizer: nn.Module, params, audio, num_samples, *, beam_size: int,
               alpha: float, boundary_id: int = 0, max_length: int | None = None) -> NBest:
  """The attention beam's ``K = beam_size`` hypotheses per utterance, with their scores.

  Beam search (``rnnlab.decoding.beam_search``, GNMT length normalisation ``alpha``) over
  the speller; ``max_length`` (default ``T' + 1``: no labelling longer than the listener's
  frames, the bound CTC imposes, plus ``</s>``) caps the output. ``attention_log_probs``
  are the un-normalised ``log P_att`` (the beam's score times its length penalty);
  ``ctc_log_probs`` the CTC head's log-likelihood of each hypothesis (None without a head).
  """
  encode_fn, step_fn = decoder_functions(recognizer)
  static, carry, ctc_logits, lengths = encode_fn(params, audio, num_samples)
  max_length = max_length or int(static["memory"].shape[1]) + 1
  result = decoding.beam_search(step_fn, params, static, carry, beam_size=beam_size,
                                bos_id=boundary_id, eos_id=boundary_id, max_length=max_length,
                                alpha=alpha, pad_id=boundary_id)
  labels, label_lengths = hypothesis_labels(result.tokens, result.lengths, boundary_id)
  empty = result.scores <= NEG_INF / 2
  att = jnp.where(empty, -jnp.inf,
                  result.scores * decoding.length_penalty(result.lengths, alpha))
  ctc_scores = None
  if ctc_logits is not None:
    ctc_scores = ctc_log_likelihoods(ctc_logits, lengths, labels,
                                     label_lengths, blank_id=boundary_id)
  return NBest(*jax.device_get((labels, label_lengths, att, ctc_scores)))


def best_hypotheses(nbest: NBest, ctc_weight: float = 0.0) -> list[np.ndarray]:
  """Per utterance, the labels of the best hypothesis: by ``log P_att`` of the beam order
  (``ctc_weight = 0``) or by :func:`joint_rescore` of the n-best with ``lambda = ctc_weight``.

  Raises ValueError when rescoring is asked of an n-best without CTC scores.
  """
  if ctc_weight == 0.0:
    pick = np.zeros(nbest.labels.shape[0], np.int64)  # the beam ranks best first
  else:
    if nbest.ctc_log_probs is None:
      raise ValueError(f"joint rescoring (ctc_weight={ctc_weight!r}) needs a model with a CTC "
                       "head (model.architecture='joint')")
    scores = np.asarray(joint_rescore(nbest.attention_log_probs, nbest.ctc_log_probs, ctc_weight))
    scores = np.where(np.isfinite(nbest.attention_log_probs), scores, -np.inf)
    pick = np.argmax(scores, axis=1)
  return [nbest.labels[b, k, :nbest.label_lengths[b, k]] for b, k in enumerate(pick)]
