"""``python -m newsreader.ner.evaluate --germeval FILE``: precision, recall and F1 as JSON."""

from newsreader.core.ner.evaluate import main

if __name__ == "__main__":
    raise SystemExit(main())
