"""Captioning data: rendered shape scenes with captions (embedded), and their truth."""
from rnnlab.data.captioning.captions import attribute_exact_match, describe, describe_many, mentions
from rnnlab.data.captioning.embedded import NAME, RnnlabShapesCaptions, load, prepare
from rnnlab.data.captioning.scenes import HELD_OUT, Scene, SceneObject, render, sample_scene

__all__ = ["HELD_OUT", "NAME", "RnnlabShapesCaptions", "Scene", "SceneObject",
           "attribute_exact_match", "describe", "describe_many", "load", "mentions", "prepare",
           "render", "sample_scene"]
