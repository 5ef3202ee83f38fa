"""Long-range benchmark, issue 13: do linear recurrences (LRU, RG-LRU) solve the adding problem?

LRU and RG-LRU in the residual blocks they are made for (``model.block=residual``: linear
encoder 2 -> H, then 2 x [RMSNorm -> causal conv 4 -> recurrence -> residual; RMSNorm ->
gated MLP 3H -> residual], as in Griffin/Hawk and Orvieto et al. 2023), beside the plain 1x64
LSTM of ``adding_sweep.py``, at about the same parameter count (``rnnlab.params``):
LSTM 1x64 17,217; LRU 2x25 17,251; RG-LRU 2x27 17,065. The LRU uses the ring
initialisation for long sequences, |lambda| in [0.9, 0.999], phase in [0, pi/10]; the RG-LRU
its paper's defaults (a^c in [0.9, 0.999], c = 8). Everything else as ``adding_sweep.py``:
Adam lr 1e-3, global-norm clipping 1.0, batch 32, eval on 992 fixed sequences, seed 0, but
``STEPS`` steps per trial (the budget that fitted, see README.md). ``impl=auto``: the
sequential scan on CPU, the parallel one on GPU.

    python -m rnnlab.sweep --sweep=experiments/long_range/adding_linear_sweep.py \\
        --workdir=runs/long_range/adding_linear --parallel=1
"""
import math

from rnnlab import sweep

STEPS = 500
SEQ_LENGTHS = [400, 1000]
MODELS = {
    "lstm": {"model.cell": "lstm", "model.block": "none", "model.num_layers": 1,
             "model.hidden_size": 64},
    "lru": {"model.cell": "lru", "model.block": "residual", "model.num_layers": 2,
            "model.hidden_size": 25, "model.lru.r_min": 0.9, "model.lru.r_max": 0.999,
            "model.lru.max_phase": math.pi / 10},
    "rglru": {"model.cell": "rglru", "model.block": "residual", "model.num_layers": 2,
              "model.hidden_size": 27},
}
FIXED = {"train.batch_size": 32, "train.num_steps": STEPS, "train.eval_every": 100,
         "train.checkpoint_every": STEPS, "train.log_every": 50,
         "optimizer.learning_rate": 1e-3, "optimizer.clip": "global_norm",
         "optimizer.clip_norm": 1.0, "data.max_eval_examples": 1000}


def get_sweep() -> sweep.Sweep:
  # Shorter sequences first; at each T the linear cells before the LSTM.
  trials = [{"data.seq_len": seq_len, **MODELS[name]}
            for seq_len in SEQ_LENGTHS for name in ("rglru", "lru", "lstm")]
  return sweep.Sweep(config="configs/adding.py", fixed=FIXED, trials=trials)
