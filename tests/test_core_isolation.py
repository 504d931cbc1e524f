"""newsreader.core must stay usable without Textual."""

import json
import subprocess
import sys


def test_core_imports_without_textual():
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import newsreader.core as core\n"
        "names = [m.name for m in pkgutil.walk_packages(core.__path__, 'newsreader.core.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(json.dumps({'modules': names, 'textual': sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert "newsreader.core.loader" in report["modules"]  # the walk really found the modules
    assert report["textual"] == []
