"""``python -m newsreader.ner.train``: reproduce the shipped model (``make train-ner``)."""

from newsreader.core.ner.train import main

if __name__ == "__main__":
    raise SystemExit(main())
