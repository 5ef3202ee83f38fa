"""Flickr8k-layout caption files: both caption formats, split lists, errors naming file:line."""
import pytest
from PIL import Image

from rnnlab.data.captioning import caption_files


def _images(root, names):
  (root / "images").mkdir(parents=True, exist_ok=True)
  for name in names:
    Image.new("RGB", (8, 8)).save(root / "images" / name)


def test_csv_format_with_split_lists(tmp_path):
  _images(tmp_path, ["a.jpg", "b.jpg", "c.jpg"])
  (tmp_path / "captions.txt").write_text(
      "image,caption\na.jpg,A dog runs.\na.jpg,\"A dog, running.\"\nb.jpg,Two cats\nc.jpg,A car\n")
  (tmp_path / "splits").mkdir()
  (tmp_path / "splits" / "train.txt").write_text("a.jpg\nb.jpg\n")
  (tmp_path / "splits" / "validation.txt").write_text("c.jpg\n")
  (tmp_path / "splits" / "test.txt").write_text("c.jpg\n")
  train = caption_files.load_caption_files(str(tmp_path), "train")
  assert [e.path.split("/")[-1] for e in train] == ["a.jpg", "b.jpg"]
  assert train[0].captions == ("A dog runs.", "A dog, running.")


def test_token_format_and_hash_split(tmp_path):
  names = [f"{i}.jpg" for i in range(60)]
  _images(tmp_path, names)
  (tmp_path / "captions.txt").write_text(
      "".join(f"{n}#{k}\tcaption {k} of {n}\n" for n in names for k in range(2)))
  splits = {s: caption_files.load_caption_files(str(tmp_path), s) for s in ("train",)}
  assert 40 <= len(splits["train"]) < 60
  assert all(len(e.captions) == 2 for e in splits["train"])


def test_errors_name_file_and_line(tmp_path):
  with pytest.raises(ValueError, match="does not exist; it must hold images/"):
    caption_files.load_caption_files(str(tmp_path / "nope"), "train")
  _images(tmp_path, ["a.jpg"])
  with pytest.raises(ValueError, match="captions.txt' does not exist"):
    caption_files.load_caption_files(str(tmp_path), "train")
  (tmp_path / "captions.txt").write_text("a.jpg#0\tfine\nbroken line\n")
  with pytest.raises(ValueError, match=r"captions.txt:2: expected '<image>#<k><TAB><caption>'"):
    caption_files.load_caption_files(str(tmp_path), "train")
  (tmp_path / "captions.txt").write_text("image,caption\na.jpg,ok\nmissing.jpg,no file\n")
  (tmp_path / "splits").mkdir()
  for split in ("train", "validation", "test"):
    (tmp_path / "splits" / f"{split}.txt").write_text("a.jpg\nmissing.jpg\n")
  with pytest.raises(ValueError, match="missing.jpg' \\(named in .*captions.txt\\) does not exist"):
    caption_files.load_caption_files(str(tmp_path), "train")
  (tmp_path / "splits" / "test.txt").write_text("a.jpg\nzzz.jpg\n")
  with pytest.raises(ValueError, match=r"test.txt:2: image 'zzz.jpg' has no caption"):
    caption_files.load_caption_files(str(tmp_path), "test")
  with pytest.raises(ValueError, match="unknown split 'dev'"):
    caption_files.load_caption_files(str(tmp_path), "dev")
