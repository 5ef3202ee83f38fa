"""Speech front end: log-mel filterbanks, deltas, per-utterance normalisation, SpecAugment,
frame stacking."""
from rnnlab.features.deltas import add_deltas
from rnnlab.features.frame_stacking import stack_frames
from rnnlab.features.frame_stacking import stacked_lengths
from rnnlab.features.masking import frame_mask
from rnnlab.features.mel import log_mel_spectrogram
from rnnlab.features.mel import mel_filterbank
from rnnlab.features.mel import num_frames
from rnnlab.features.normalization import normalize_per_utterance
from rnnlab.features.pipeline import FilterbankConfig
from rnnlab.features.pipeline import filterbank_features
from rnnlab.features.spec_augmentation import SpecAugmentConfig
from rnnlab.features.spec_augmentation import spec_augment
