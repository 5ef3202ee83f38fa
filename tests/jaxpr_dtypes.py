"""Which dtypes a traced program multiplies in: for the ``model.dtype`` tests."""
import jax


def matmul_dtypes(jaxpr, found=None) -> dict[tuple[str, tuple[int, ...]], set[str]]:
  """``{(primitive, rhs shape): {operand dtypes}}`` of every dot_general / convolution in
  ``jaxpr`` and its sub-jaxprs (scan bodies, jitted calls)."""
  found = {} if found is None else found
  for eqn in jaxpr.eqns:
    if eqn.primitive.name in ("dot_general", "conv_general_dilated"):
      lhs, rhs = (v.aval for v in eqn.invars[:2])
      found.setdefault((eqn.primitive.name, tuple(rhs.shape)), set()).update(
          {str(lhs.dtype), str(rhs.dtype)})
    for value in eqn.params.values():
      for sub in value if isinstance(value, (tuple, list)) else (value,):
        if isinstance(sub, jax.extend.core.ClosedJaxpr):
          matmul_dtypes(sub.jaxpr, found)
        elif isinstance(sub, jax.extend.core.Jaxpr):
          matmul_dtypes(sub, found)
  return found
