"""The README's code examples run as written."""
import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def _python_block_after(heading: str) -> str:
  text = README.read_text()
  section = text[text.index(heading):]
  return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.parametrize("heading", ["## Cells and the recurrence engine", "## Your own cell"])
def test_readme_example_runs(heading):
  exec(compile(_python_block_after(heading), f"README {heading}", "exec"), {})
