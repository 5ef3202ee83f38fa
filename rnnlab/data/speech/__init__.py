"""Speech data: the embedded eSpeak NG set, public TFDS speech sets, LibriSpeech-layout
folders, audio file I/O, the alphabet."""
from rnnlab.data.speech.alphabet import Alphabet
from rnnlab.data.speech.alphabet import BLANK_ID
from rnnlab.data.speech.alphabet import CHARACTERS
from rnnlab.data.speech.alphabet import characters_outside
from rnnlab.data.speech.alphabet import normalize_transcript
from rnnlab.data.speech.audio_files import read_audio
from rnnlab.data.speech.wav_io import read_wav
from rnnlab.data.speech.wav_io import require_finite
from rnnlab.data.speech.wav_io import resample
from rnnlab.data.speech.wav_io import write_wav
