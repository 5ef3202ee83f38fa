"""Running a cell over time: masked ``lax.scan``, reversal, bidirectional layers, stacks.

Padding semantics (DESIGN.md): with ``lengths [B]``, outputs at padded steps are zero, the
final state is the state at the last valid step, and ``reverse=True`` reads each sequence
backwards *within its own length* and returns ``ys`` in the original time order
(``ys[:, t]`` is the output at input position t). A bidirectional layer over a
right-padded batch therefore equals running each sequence alone.

The input projection of all T steps is one matmul outside the loop (``cell.project``);
only ``h @ w_h`` stays inside. ``impl``:

* ``"scan"``: the plain masked ``lax.scan`` of ``cell.step``, for every cell;
* ``"fused"``: the registered fused BPTT kernel (``rnnlab.kernels``); a ValueError if none;
  ``"auto"`` also uses it (on a GPU, cuDNN's LSTM once ``kernels.cudnn_lstm.ENABLED``; off
  by default);
* ``"parallel"``: for state-linear cells (``h_t = a_t * h_{t-1} + b_t``,
  ``rnnlab.cells.state_linear``), all T states at once with ``jax.lax.associative_scan``
  (``rnnlab.kernels.parallel_scan``); a ValueError naming the cell for any other cell;
* ``"auto"``: the fused kernel if the cell has one; for a state-linear cell the parallel
  scan when ``prefers_parallel()``, i.e. on GPU/TPU, and the plain scan on CPU, where the
  benchmark (``experiments/benchmarks/README.md``, T = 64 ... 1024) found the parallel scan
  slower for minGRU/minLSTM/LRU and 3-10x slower to compile; else the plain scan.

Every path keeps the same promises (lengths, reverse, initial state, remat) and is tested
equal to ``"scan"``. An ``initial_state`` is cast to the cell's state dtype (the dtypes of
``cell.initial_state``: float32, complex64 for the LRU) on every path, so a bfloat16 state
behaves the same everywhere.
"""
from typing import Any, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from rnnlab import kernels
from rnnlab.cells.state_linear import is_state_linear
from rnnlab.kernels.parallel_scan import parallel_scan

IMPLS = ("auto", "scan", "fused", "parallel")
MERGES = ("concat", "sum", "none")


def _check_inputs(xs: jax.Array, time_major: bool, lengths) -> tuple[int, int]:
  if not hasattr(xs, "ndim") or xs.ndim != 3:
    shape = getattr(xs, "shape", None)
    layout = "[T, B, D]" if time_major else "[B, T, D]"
    raise ValueError(f"inputs must have rank 3 {layout}; got shape {shape}")
  t, b = (xs.shape[0], xs.shape[1]) if time_major else (xs.shape[1], xs.shape[0])
  if lengths is not None:
    if getattr(lengths, "shape", None) != (b,):
      raise ValueError(f"lengths must have shape [B]=({b},); got shape {getattr(lengths, 'shape', None)}")
    if not jnp.issubdtype(jnp.asarray(lengths).dtype, jnp.integer):
      raise ValueError(f"lengths must be integers; got dtype {jnp.asarray(lengths).dtype}")
    if not isinstance(lengths, jax.core.Tracer):  # concrete: checked eagerly (NumPy, trace-safe)
      lo, hi = int(np.min(np.asarray(lengths))), int(np.max(np.asarray(lengths)))
      if lo < 0 or hi > t:
        raise ValueError(f"lengths must lie in [0, T={t}]; got min {lo}, max {hi}")
  return t, b


def length_mask(lengths: jax.Array, num_steps: int) -> jax.Array:
  """``[B]`` lengths -> ``[T, B]`` bool mask, True at valid steps (time-major)."""
  return jnp.arange(num_steps)[:, None] < lengths[None, :]


def reverse_within_lengths(xs_tm: jax.Array, lengths: jax.Array | None) -> jax.Array:
  """Reverses each sequence of time-major ``xs [T, B, ...]`` within its own length.

  Padded steps stay in place. The map is its own inverse.
  """
  if lengths is None:
    return xs_tm[::-1]
  t = xs_tm.shape[0]
  steps = jnp.arange(t)[:, None]
  src = jnp.where(steps < lengths[None, :], lengths[None, :] - 1 - steps, steps)  # [T, B]
  src = src.reshape(src.shape + (1,) * (xs_tm.ndim - 2))
  return jnp.take_along_axis(xs_tm, src, axis=0)


def prefers_parallel(backend: str | None = None) -> bool:
  """The ``impl="auto"`` rule for state-linear cells: parallel on GPU/TPU, not on CPU.

  From ``experiments/benchmarks/parallel_scan.py`` on 2 CPU cores (T = 64 ... 1024): the
  parallel scan was slower than the sequential one for minGRU/minLSTM (0.08-0.79x) and the
  LRU beyond T = 64, faster only for the RG-LRU (1.1-2.7x), and 3-10x slower to compile.
  """
  backend = jax.default_backend() if backend is None else backend
  return backend != "cpu"


def cast_initial_state(cell: Any, initial_state: Any, batch: int) -> Any:
  """``initial_state`` with every leaf cast to the dtype of ``cell.initial_state((batch,))``.

  Raises ValueError if its tree structure differs from the cell's state.
  """
  reference = jax.eval_shape(lambda: cell.initial_state((batch,)))
  ref_leaves, ref_def = jax.tree.flatten(reference)
  leaves, treedef = jax.tree.flatten(initial_state)
  if treedef != ref_def:
    raise ValueError(f"initial_state has structure {treedef}; {cell!r} expects {ref_def}")
  return jax.tree.unflatten(ref_def, [jnp.asarray(leaf).astype(ref.dtype)
                                      for leaf, ref in zip(leaves, ref_leaves)])


def _plain_scan(cell, params, gx, state0, mask, *, unroll: int):
  """Time-major masked scan over projected inputs ``gx [T, B, G]``."""

  def step(state, inputs):
    gx_t, m_t = inputs
    new_state, y = cell.step(params, state, gx_t)
    if m_t is not None:
      new_state = jax.tree.map(lambda n, o: jnp.where(m_t[:, None], n, o), new_state, state)
      y = jnp.where(m_t[:, None], y, jnp.zeros_like(y))
    return new_state, y

  return jax.lax.scan(step, state0, (gx, mask), unroll=unroll)


def scan(cell: Any, params: Any, xs: jax.Array, *, lengths: jax.Array | None = None,
         reverse: bool = False, initial_state: Any = None, time_major: bool = False,
         unroll: int = 1, remat: bool = False, impl: str = "auto") -> tuple[Any, jax.Array]:
  """Runs ``cell`` over ``xs``.

  Args:
    cell: any object with the cell contract (``project``, ``step``, ``initial_state``).
    params: the cell's parameters.
    xs: inputs ``[B, T, D]`` (``[T, B, D]`` if ``time_major``).
    lengths: optional int ``[B]`` valid lengths in ``[0, T]``; None means all T steps.
      Inputs at padded steps are selected to zero first: whatever they hold (NaN, inf)
      reaches neither outputs nor gradients.
    reverse: read each sequence backwards within its length; ``ys`` keep input order.
    initial_state: state pytree with leading ``[B]``; zeros if None. Cast to the cell's
      state dtype (that of ``cell.initial_state``) on every path.
    time_major: layout of ``xs`` and ``ys``.
    unroll: ``lax.scan`` unroll factor.
    remat: chunked rematerialisation (``kernels.chunked_remat_scan``): the backward pass
      keeps the state at ~sqrt(T) chunk boundaries and recomputes one chunk (projection
      included) at a time, so memory is O(sqrt(T)) activations instead of O(T).
    impl: "auto" | "scan" | "fused" | "parallel" (see module docstring).

  Returns:
    ``(final_state, ys)`` with ``ys [B, T, H]`` (``[T, B, H]`` if ``time_major``).
  """
  if impl not in IMPLS:
    raise ValueError(f"impl={impl!r}; allowed: {IMPLS}")
  if not isinstance(unroll, int) or unroll < 1:
    raise ValueError(f"unroll={unroll!r}; allowed: an int >= 1")
  num_steps, batch = _check_inputs(xs, time_major, lengths)
  if initial_state is None:
    state0 = cell.initial_state((batch,))
  else:
    state0 = cast_initial_state(cell, initial_state, batch)
  mask = None if lengths is None else length_mask(lengths, num_steps)
  if mask is not None:  # padded inputs are selected away: NaN/inf there reach no gradient
    xs = jnp.where((mask if time_major else mask.T)[..., None], xs, jnp.zeros((), xs.dtype))
  fused = None if impl in ("scan", "parallel") else kernels.find_fused(cell)
  if impl == "fused" and fused is None:
    raise ValueError(f"impl='fused' but no fused kernel supports {cell!r}")
  if impl == "parallel" and not is_state_linear(cell):
    raise ValueError(f"impl='parallel' needs a state-linear cell (with coefficients and "
                     f"readout, rnnlab.cells.state_linear); {cell!r} is not one; use 'scan'")
  parallel = impl == "parallel" or (impl == "auto" and fused is None and is_state_linear(cell)
                                    and prefers_parallel())

  def inner(cell, params, gx, state, mask):
    if fused is not None:
      return fused(cell, params, gx, state, mask, unroll=unroll)
    if parallel:
      return parallel_scan(cell, params, gx, state, mask)
    return _plain_scan(cell, params, gx, state, mask, unroll=unroll)

  cudnn = kernels.find_cudnn(cell) if impl == "auto" and not remat else None
  if cudnn is not None:  # GPU, and only once enabled (kernels.cudnn_lstm): raw inputs to cuDNN
    xs_tm = xs if time_major else jnp.swapaxes(xs, 0, 1)
    if reverse:
      xs_tm = reverse_within_lengths(xs_tm, lengths)
    final_state, ys = cudnn(cell, params, xs_tm, state0, lengths)
  elif remat:
    # Chunked rematerialisation: the projection moves inside checkpointed chunks of ~sqrt(T)
    # steps, so neither activations nor the projected inputs are kept for all T steps.
    xs_tm = xs if time_major else jnp.swapaxes(xs, 0, 1)
    if reverse:
      xs_tm = reverse_within_lengths(xs_tm, lengths)
    final_state, ys = kernels.chunked_remat_scan(cell, params, xs_tm, state0, mask, inner=inner)
  else:
    bias = kernels.find_projection_bias(cell)
    if bias is not None:
      # Cells that project token by token (built-in, or declared: kernels.projection) get the
      # (narrower) inputs made time-major first and projected by ``kernels.projection`` (gx
      # written in the [T, B, G] layout of the loop; a backward without [T, B, G] transposes).
      # Any other ``project`` may mix steps along axis -2, so it keeps the inputs' layout.
      gx = kernels.project_time_major(cell, params, xs if time_major else jnp.swapaxes(xs, 0, 1),
                                      bias)
    else:
      gx = cell.project(params, xs)
      if not time_major:
        gx = jnp.swapaxes(gx, 0, 1)  # [T, B, G]
    if reverse:
      gx = reverse_within_lengths(gx, lengths)
    final_state, ys = inner(cell, params, gx, state0, mask)

  if reverse:
    ys = reverse_within_lengths(ys, lengths)
  if not time_major:
    ys = jnp.swapaxes(ys, 0, 1)
  return final_state, ys


def merge_directions(ys_fw: jax.Array, ys_bw: jax.Array, merge: str):
  """Merges forward/backward outputs: "concat" -> ``[..., 2H]``, "sum", or "none" -> a pair."""
  if merge == "concat":
    return jnp.concatenate([ys_fw, ys_bw], axis=-1)
  if merge == "sum":
    return ys_fw + ys_bw
  if merge == "none":
    return ys_fw, ys_bw
  raise ValueError(f"merge={merge!r}; allowed: {MERGES}")


def bidirectional(forward_cell: Any, backward_cell: Any, params: dict, xs: jax.Array, *,
                  lengths: jax.Array | None = None, merge: str = "concat",
                  initial_states: tuple[Any, Any] | None = None, **scan_kwargs):
  """Runs ``forward_cell`` forwards and ``backward_cell`` backwards (within lengths).

  Args:
    params: ``{"forward": ..., "backward": ...}``.
    xs: ``[B, T, D]``.
    merge: "concat" (``[B, T, Hf + Hb]``), "sum" (``[B, T, H]``) or "none" (a pair).
    initial_states: optional ``(forward_state, backward_state)``.

  Returns:
    ``((forward_final_state, backward_final_state), merged_ys)``.
  """
  if merge not in MERGES:
    raise ValueError(f"merge={merge!r}; allowed: {MERGES}")
  init_fw, init_bw = initial_states if initial_states is not None else (None, None)
  final_fw, ys_fw = scan(forward_cell, params["forward"], xs, lengths=lengths,
                         initial_state=init_fw, **scan_kwargs)
  final_bw, ys_bw = scan(backward_cell, params["backward"], xs, lengths=lengths, reverse=True,
                         initial_state=init_bw, **scan_kwargs)
  return (final_fw, final_bw), merge_directions(ys_fw, ys_bw, merge)


def layer_input_sizes(cells: Sequence[Any], input_size: int, bidirectional_layers: bool) -> list[int]:
  """Input feature size of each layer of a stack (``2H`` after a bidirectional layer)."""
  sizes = [input_size]
  for cell in cells[:-1]:
    sizes.append(cell.hidden_size * (2 if bidirectional_layers else 1))
  return sizes


def stack(cells: Sequence[Any], params: Sequence[Any], xs: jax.Array, *,
          lengths: jax.Array | None = None, initial_states: Sequence[Any] | None = None,
          dropout_rate: float = 0.0, key: jax.Array | None = None, residual: bool = False,
          bidirectional_layers: bool = False, **scan_kwargs) -> tuple[list[Any], jax.Array]:
  """A deep RNN: layer ``l`` reads layer ``l-1``'s outputs.

  Args:
    cells: one cell per layer.
    params: one param tree per layer (``{"forward", "backward"}`` if ``bidirectional_layers``).
    xs: ``[B, T, D]``.
    initial_states: optional per-layer initial states.
    dropout_rate: dropout on the outputs of every layer but the last (Zaremba et al. 2014's
      "non-recurrent connections" between layers); needs ``key`` when > 0.
    key: PRNG key for dropout; None means deterministic (no dropout).
    residual: add each layer's input to its output from the second layer on (sizes must match).
    bidirectional_layers: each layer is bidirectional with concatenated outputs.

  Returns:
    ``(final_states, ys)``: a list with every layer's final state, and the last layer's
    outputs ``[B, T, H]`` (``2H`` if bidirectional).
  """
  if len(cells) == 0 or len(cells) != len(params):
    raise ValueError(f"stack needs one params tree per cell; got {len(cells)} cells, {len(params)} params")
  if not 0.0 <= dropout_rate < 1.0:
    raise ValueError(f"dropout_rate={dropout_rate!r}; allowed: 0 <= rate < 1")
  if initial_states is not None and len(initial_states) != len(cells):
    raise ValueError(f"initial_states has {len(initial_states)} entries for {len(cells)} layers")
  final_states = []
  h = xs
  for layer, (cell, layer_params) in enumerate(zip(cells, params)):
    init = None if initial_states is None else initial_states[layer]
    if bidirectional_layers:
      state, ys = bidirectional(cell, cell, layer_params, h, lengths=lengths, merge="concat",
                                initial_states=init, **scan_kwargs)
    else:
      state, ys = scan(cell, layer_params, h, lengths=lengths, initial_state=init, **scan_kwargs)
    if residual and layer > 0:
      if ys.shape != h.shape:
        raise ValueError(f"residual connection at layer {layer}: input shape {h.shape} != output "
                         f"shape {ys.shape}; use equal hidden sizes or residual=False")
      ys = ys + h.astype(ys.dtype)
    final_states.append(state)
    is_last = layer == len(cells) - 1
    if dropout_rate > 0.0 and key is not None and not is_last:
      keep = jax.random.bernoulli(jax.random.fold_in(key, layer), 1.0 - dropout_rate, ys.shape)
      ys = jnp.where(keep, ys / (1.0 - dropout_rate), jnp.zeros_like(ys))
    h = ys
  return final_states, h
