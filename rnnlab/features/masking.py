"""Frame masks from lengths."""
import jax.numpy as jnp


def frame_mask(lengths, num_frames: int):
  """``[B]`` valid lengths -> bool ``[B, T]``, True at valid frames."""
  return jnp.arange(num_frames)[None, :] < jnp.asarray(lengths)[:, None]
