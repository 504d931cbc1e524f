"""The wheel carries styles/ and seeds/, and an installed copy works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(REPO)],
        check=True, capture_output=True,
    )
    (path,) = out.glob("newsreader-*.whl")
    return path


def test_wheel_contains_styles_and_seeds(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for tcss in (REPO / "styles").glob("*.tcss"):
        assert f"newsreader/_bundled/styles/{tcss.name}" in names
    seeds = sorted((REPO / "seeds").iterdir())
    assert len(seeds) == 5
    with zipfile.ZipFile(wheel) as zf:
        for seed in seeds:
            assert zf.read(f"newsreader/_bundled/seeds/{seed.name}") == seed.read_bytes()


def test_wheel_contains_the_entity_model(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("de-ner.crfsuite", "gazetteer.json", "lexicon.bin", "metrics.json"):
        assert f"newsreader/core/ner/model/{f}" in names


def test_installed_wheel_runs_outside_checkout(wheel: Path, tmp_path: Path):
    """A fresh venv gets the wheel (its dependencies are taken from this test environment, so the
    test needs no network); then, from a folder outside the repo, the console script answers
    --version and the app starts headless on the bundled seeds with its stylesheet."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    site = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # Dependencies from our environment, but not our editable checkout (.pth files in an added
    # folder are not processed, so the checkout's tui/ does not come along).
    Path(site, "deps_from_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([py, "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True, capture_output=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    version = subprocess.run([env_dir / "bin" / "newsreader", "--version"], cwd=outside, env=env,
                             capture_output=True, text=True, check=True)
    assert version.stdout.strip().startswith("newsreader ")
    script = """
import asyncio, newsreader
from pathlib import Path
from newsreader.app import NewsReaderApp
from newsreader.widgets.article_view import ArticleView
assert "_bundled" in NewsReaderApp.CSS_PATH and Path(NewsReaderApp.CSS_PATH).is_file(), NewsReaderApp.CSS_PATH
from newsreader.screens.help_screen import HelpScreen
assert "_bundled" in HelpScreen.CSS_PATH and Path(HelpScreen.CSS_PATH).is_file(), HelpScreen.CSS_PATH
async def main():
    app = NewsReaderApp()
    async with app.run_test() as pilot:
        for _ in range(200):  # loading, then entities in a second worker
            await app.workers.wait_for_complete()
            await pilot.pause()
            if app.screen.entities is not None:
                break
        view = app.screen.query_one(ArticleView)
        print(newsreader.__file__)
        ents = app.screen.entities
        print(len(app.screen.articles), view.article is not None, bool(ents))
asyncio.run(main())
"""
    run = subprocess.run([py, "-c", script], cwd=outside, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    module_file, summary = run.stdout.strip().splitlines()
    assert str(env_dir) in module_file  # the installed copy, not the checkout
    assert summary == "5 True True"  # articles, the reader shows one, entities recognised
