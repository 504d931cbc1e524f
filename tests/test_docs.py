"""Documentation stays true: generated parts are current, commands run, examples load, links and pictures exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO

from newsreader.core.loader import load_file
from newsreader.app import key_sections
from newsreader.keys import markdown_table


def test_key_reference_in_the_guide_is_current():
    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    start = guide.index("<!-- keys:start")
    body = guide[guide.index("\n", start) + 1:guide.index("<!-- keys:end -->")].strip()
    assert body == markdown_table(key_sections()).strip(), (
        "run: python -c 'from newsreader.app import key_sections; from newsreader.keys import markdown_table; "
        "print(markdown_table(key_sections()))'")


# --- what README and docs/ promise ----------------------------------------------------------------

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def _runnable_blocks() -> list[tuple[str, str]]:
    """Fenced blocks marked ```` ```sh runnable ```` in README.md and docs/*.md."""
    return [(md.name, m.group(1)) for md in DOCS
            for m in re.finditer(r"^```sh runnable\n(.*?)^```", md.read_text(encoding="utf-8"), re.S | re.M)]


def test_runnable_commands_in_readme_and_docs_run_as_written():
    blocks = _runnable_blocks()
    assert any(name == "README.md" for name, _ in blocks)
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    for name, block in blocks:
        # the user folders are the test's temporary ones (conftest), so nothing of the user's is touched
        result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{name}:\n{block}\n{result.stderr[-2000:]}"
        assert result.stdout.strip(), f"{name}: the commands printed nothing\n{block}"


def test_every_format_example_in_the_guide_loads_as_described(tmp_path):
    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    examples = guide[guide.index("Examples:"):guide.index("### Encodings")]
    parts = re.split(r"^    --- (\S+)(?: \([^)]*\))? ---\n", examples, flags=re.M)
    files = dict(zip(parts[1::2], parts[2::2]))
    assert {Path(n).suffix for n in files} >= {".txt", ".md", ".json", ".jsonl", ".rss", ".xml", ".html"}
    for name, body in files.items():
        path = tmp_path / name
        path.write_text("\n".join(line[4:] for line in body.rstrip().splitlines()) + "\n", encoding="utf-8")
        articles = load_file(path)
        assert len(articles) == 1, name
        (article,) = articles
        assert article.title in {"Neue Brücke für die Stadt", "Erste Meldung"}, (name, article.title)
        assert article.date is not None and article.date.value.year == 2024, name
        assert "Die Stadt baut" in article.body, name


def test_links_between_the_documents_point_at_files_that_exist():
    for md in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", md.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (md.parent / target).exists(), f"{md.name} links to {target}, which does not exist"


def test_the_screenshot_script_makes_every_picture_the_docs_show(tmp_path):
    shown = {m for md in DOCS for m in re.findall(r"screenshots/([\w-]+\.svg)", md.read_text(encoding="utf-8"))}
    committed = {p.name for p in (REPO / "docs" / "screenshots").glob("*.svg")}
    assert shown and shown <= committed
    result = subprocess.run([sys.executable, str(REPO / "docs" / "screenshots.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    made = {p.name for p in tmp_path.glob("*.svg")}
    assert made == committed
    for name in made:
        svg = (tmp_path / name).read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "newsreader" in svg, name
