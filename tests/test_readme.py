"""The README's code examples run as written (every ```python block); what it points to
exists: its links, the extras it installs, the tools it names, the notebook's variables."""
import importlib.util
import pathlib
import re
import tomllib

import pytest

_REPO = pathlib.Path(__file__).resolve().parents[1]
README = _REPO / "README.md"


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


# Issue 18 item 9: README errors a new user met. Each test below failed on the README of then.


def test_relative_links_point_to_files_inside_the_repository():
  # The DESIGN.md link pointed outside the repository (../shared/DESIGN.md).
  links = [link.split("#")[0] for link in re.findall(r"\]\(([^)\s]+)\)", README.read_text())
           if not re.match(r"^[a-z]+:|#", link)]
  for link in links:
    target = (_REPO / link).resolve()
    assert target.is_relative_to(_REPO) and target.is_file(), link
  assert "docs/DESIGN.md" in links, links


def _extras() -> dict[str, set[str]]:
  """``{extra: {distribution names}}`` of pyproject.toml's optional dependencies."""
  project = tomllib.loads((_REPO / "pyproject.toml").read_text())["project"]
  return {extra: {re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower() for r in requirements}
          for extra, requirements in project["optional-dependencies"].items()}


def test_every_extra_the_readme_installs_exists():
  named = re.findall(r"""pip install (?:-e )?["'](?:\.|rnnlab)\[([\w,-]+)\]["']""",
                     README.read_text())
  assert named
  for extras in named:
    assert set(extras.split(",")) <= set(_extras()), (extras, sorted(_extras()))


# Programs the README tells a user to run that rnnlab itself does not need, and the
# distribution that installs each (`jupyter lab` and `tensorboard` were in no extra).
_TOOLS = {"jupyter lab": "jupyterlab", "tensorboard --logdir": "tensorboard"}


@pytest.mark.parametrize("program, distribution", sorted(_TOOLS.items()))
def test_programs_the_readme_runs_come_with_an_extra_it_names(program, distribution):
  text = README.read_text()
  assert program in text
  extras = [extra for extra, names in _extras().items() if distribution in names]
  assert extras, f"no extra of pyproject.toml installs {distribution} (for `{program}`)"
  assert any(f'pip install -e ".[{extra}]"' in text for extra in extras), extras


def test_the_notebook_reads_the_environment_variables_the_docs_set():
  # A sweep file said SWEEP_DIR=... where compare_runs.ipynb reads RNNLAB_SWEEP_DIR.
  notebook = (_REPO / "experiments" / "notebooks" / "compare_runs.ipynb").read_text()
  read = set(re.findall(r'os\.environ(?:\.get)?[(\[]\\"(\w+)\\"', notebook))
  assert "RNNLAB_SWEEP_DIR" in read, read
  docs = [README, *sorted((_REPO / "experiments").rglob("*.py")),
          *sorted((_REPO / "experiments").rglob("*.md"))]
  checked = 0
  for path in docs:
    for paragraph in path.read_text().split("\n\n"):
      if "compare_runs.ipynb" in paragraph:
        for name in re.findall(r"(?<![\w$.-])([A-Z][A-Z0-9_]*)=", paragraph):
          assert name in read, (str(path.relative_to(_REPO)), name, sorted(read))
          checked += 1
  assert checked >= 2, checked
