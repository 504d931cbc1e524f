import subprocess
import sys

from newsreader import __version__


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsreader", *args], capture_output=True, text=True)


def test_version():
    out = run_cli("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"newsreader {__version__}"


def test_subcommands_never_load_textual():
    # the data commands start as fast as Python does: Textual (and Rich) load only for the reader
    code = ("import sys; from newsreader.cli import main; from newsreader.resources import seeds_dir\n"
            "for argv in (['list', str(seeds_dir())], ['search', 'Putin', str(seeds_dir())], ['bookmarks', 'list'],\n"
            "             ['--version']):\n"
            "    try:\n"
            "        main(argv)\n"
            "    except SystemExit:\n"
            "        pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_help_names_paths():
    out = run_cli("--help")
    assert out.returncode == 0
    assert "PATH" in out.stdout and "bundled" in out.stdout
