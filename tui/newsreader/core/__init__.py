"""Pure logic of newsreader: no Textual import anywhere below this package (a test enforces it)."""
