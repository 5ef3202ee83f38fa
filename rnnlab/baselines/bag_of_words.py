"""Bag-of-words baseline for text classification: word counts + logistic regression (scikit-learn).

The reference a recurrent classifier should beat: it sees which words occur, not their
order. Texts are tokenised exactly as the classification task does
(:func:`rnnlab.data.classification.batching.normalize`); the regression is scikit-learn's
``LogisticRegression`` (L2, ``C=1``, lbfgs, multinomial).

  python -m rnnlab.baselines.bag_of_words --dataset=rnnlab_doc_subjects
"""
from absl import flags
from sklearn import feature_extraction
from sklearn import linear_model

from rnnlab import cli
from rnnlab.data.classification import batching
from rnnlab.data.classification import sources
from rnnlab.metrics import classification


def _tokens(text: str) -> list[str]:
  return batching.normalize(text).split()


def evaluate(train: sources.LabelledTexts, test: sources.LabelledTexts) -> dict:
  """Fits on ``train`` and returns :func:`rnnlab.metrics.classification_report` on ``test``."""
  vectorizer = feature_extraction.text.CountVectorizer(tokenizer=_tokens, lowercase=False,
                                                       token_pattern=None)
  model = linear_model.LogisticRegression(C=1.0, max_iter=2000)
  model.fit(vectorizer.fit_transform(train.texts), train.labels)
  predictions = model.predict(vectorizer.transform(test.texts))
  return classification.classification_report(test.labels, predictions, train.class_names)


def _define_flags() -> None:
  """Defined only when run as a program, so several baseline modules can be imported together."""
  flags.DEFINE_string("dataset", "rnnlab_doc_subjects", "A classification dataset.")
  flags.DEFINE_string("path", "", "data.path for dataset 'files'.")
  flags.DEFINE_string("data_dir", None, "TFDS data folder.")


def main(argv) -> None:
  del argv
  args = flags.FLAGS
  splits = {s: sources.load_split(args.dataset, s, data_dir=args.data_dir, path=args.path)
            for s in ("train", "test")}
  report = evaluate(splits["train"], splits["test"])
  print(f"{args.dataset} test: accuracy {report['accuracy']:.4f} macro-F1 "
        f"{report['macro_f1']:.4f} ({len(splits['test'])} texts)")


if __name__ == "__main__":
  _define_flags()
  cli.run(main, program="rnnlab.baselines.bag_of_words")
