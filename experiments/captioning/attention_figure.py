"""Attention maps of a trained show-attend-tell run on a few test images (the README figure).

    PYTHONPATH=. python experiments/captioning/attention_figure.py \\
        "runs/captioning/variants/model.cell=lstm,model.variant=show_attend_tell,train.seed=0" \\
        experiments/captioning/figures 0 1 2

For each test-split index, writes ``<out>/test_<index>.attention.png``: the image, then each
word of its beam-search caption with that step's attention over the CNN's region grid
(:func:`rnnlab.analysis.caption_attention.plot_caption_attention`). The references are printed.
"""
import os
import sys

from rnnlab import caption
from rnnlab.analysis import caption_attention
from rnnlab.data.captioning import caption_sets


def write_figures(workdir: str, out_dir: str, indices: list[int], beam: int = 3) -> list[str]:
  trained = caption.load_trained(workdir, "latest")
  if trained.config.model.variant != "show_attend_tell":
    raise ValueError(f"{workdir!r} is a {trained.config.model.variant!r} run; attention maps "
                     "need show_attend_tell")
  d = trained.config.data
  test = caption_sets.load_caption_set(d.dataset, d.test_split, image_size=d.image_size,
                                       data_dir=d.data_dir or None, path=d.path,
                                       max_examples=max(indices) + 1)
  os.makedirs(out_dir, exist_ok=True)
  paths = []
  for index in indices:
    text, words, weights, image = caption.caption_array(trained, test.images[index], beam)
    path = os.path.join(out_dir, f"test_{index}.attention.png")
    caption_attention.plot_caption_attention(image, words, weights, path, title=text)
    print(f"{path}\t{text}\treferences: {' | '.join(test.captions[index])}")
    paths.append(path)
  return paths


if __name__ == "__main__":
  if len(sys.argv) < 4:
    sys.exit("usage: python experiments/captioning/attention_figure.py RUN_DIR OUT_DIR INDEX...")
  write_figures(sys.argv[1], sys.argv[2], [int(i) for i in sys.argv[3:]])
