"""Text classification data: the embedded ``rnnlab_doc_subjects`` set, local TSV files, the
public TFDS sets (imdb_reviews, glue/sst2, ag_news_subset), word ids and padded batches."""
from rnnlab.data.classification import batching, doc_subjects, sources, tsv_files
from rnnlab.data.classification.doc_subjects import RnnlabDocSubjects
from rnnlab.data.classification.sources import DATASETS, LabelledTexts, load_split

__all__ = ["DATASETS", "LabelledTexts", "RnnlabDocSubjects", "batching", "doc_subjects",
           "load_split", "sources", "tsv_files"]
