"""Captioning data: rendered shape scenes with captions (embedded), and their truth."""
from rnnlab.data.captioning.caption_files import CaptionedImage, load_caption_files
from rnnlab.data.captioning.captions import attribute_exact_match, describe, describe_many, mentions
from rnnlab.data.captioning.embedded import NAME, RnnlabShapesCaptions, load, prepare
from rnnlab.data.captioning.image_files import read_image
from rnnlab.data.captioning.scenes import HELD_OUT, Scene, SceneObject, render, sample_scene

__all__ = ["CaptionedImage", "HELD_OUT", "load_caption_files", "read_image", "NAME", "RnnlabShapesCaptions", "Scene", "SceneObject",
           "attribute_exact_match", "describe", "describe_many", "load", "mentions", "prepare",
           "render", "sample_scene"]
