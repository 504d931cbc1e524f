"""Documentation that is generated from the code stays current."""

from __future__ import annotations

from conftest import REPO

from newsreader.keys import markdown_table


def test_key_reference_in_the_guide_is_current():
    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    start = guide.index("<!-- keys:start")
    body = guide[guide.index("\n", start) + 1:guide.index("<!-- keys:end -->")].strip()
    assert body == markdown_table().strip(), "run: python -c 'from newsreader.keys import markdown_table; print(markdown_table())'"
