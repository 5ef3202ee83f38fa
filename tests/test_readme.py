"""The README's code examples run as written (every ```python block)."""
import importlib.util
import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[tuple[str, str]]:
  """``(heading, code)`` of every ```python block, named by the heading above it."""
  text = README.read_text()
  blocks = []
  for match in re.finditer(r"```python\n(.*?)```", text, re.S):
    headings = re.findall(r"^#+ (.*)$", text[:match.start()], re.M)
    blocks.append((headings[-1] if headings else "top", match.group(1)))
  return blocks


_BLOCKS = _python_blocks()
# Blocks that read files a user makes first (a finished sweep) are listed with the reason.
_NEEDS_RUN_OUTPUT = {"Loading results": "reads runs/sweeps/adding_cells, made by a sweep run"}


def test_readme_has_the_documented_examples():
  headings = [h for h, _ in _BLOCKS]
  for expected in ("Cells and the recurrence engine", "Your own cell",
                   "Recursive networks and ListOps", 'State-linear cells and `impl="parallel"`'):
    assert expected in headings, headings


@pytest.mark.parametrize("heading,code", _BLOCKS, ids=[h for h, _ in _BLOCKS])
def test_readme_example_runs(heading, code, tmp_path, monkeypatch):
  if heading in _NEEDS_RUN_OUTPUT:
    pytest.skip(_NEEDS_RUN_OUTPUT[heading])
  if "import torch" in code and importlib.util.find_spec("torch") is None:
    pytest.skip("torch is not installed (pip install -e '.[torch]')")
  monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
  exec(compile(code, f"README {heading}", "exec"), {})
