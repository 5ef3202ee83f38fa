"""Speech data: the embedded eSpeak NG set, public TFDS speech sets, WAV I/O, the alphabet."""
from rnnlab.data.speech.alphabet import Alphabet
from rnnlab.data.speech.alphabet import BLANK_ID
from rnnlab.data.speech.alphabet import CHARACTERS
from rnnlab.data.speech.alphabet import normalize_transcript
from rnnlab.data.speech.wav_io import read_wav
from rnnlab.data.speech.wav_io import resample
from rnnlab.data.speech.wav_io import write_wav
