import subprocess
import sys

from newsreader import __version__


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsreader", *args], capture_output=True, text=True)


def test_version():
    out = run_cli("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"newsreader {__version__}"


def test_help_names_paths():
    out = run_cli("--help")
    assert out.returncode == 0
    assert "PATH" in out.stdout and "bundled" in out.stdout
