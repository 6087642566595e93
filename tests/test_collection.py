"""A snippet that raises when it is imported is one reported error, not the end of the run."""

import shutil
import subprocess
import sys

from tests.support.docs import ROOT


def test_a_snippet_raising_at_import_is_reported_and_the_other_tests_run(tmp_path):
    for path in ("pytest.ini", "tests/conftest.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / path, tmp_path / path)
    planted = {
        "snippets/__init__.py": "",
        "snippets/bad/__init__.py": "",
        "snippets/bad/boom.py": 'import math\n\nSCALE = math.sqrt(2)\nraise RuntimeError("planted: this snippet fails at import")\n',
        "tests/snippets/bad/test_boom.py": "from snippets.bad import boom\n\n\ndef test_boom():\n    assert boom.SCALE\n",
        "tests/test_other.py": "def test_other():\n    assert True\n",
    }
    for path, text in planted.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--color=no", "-p", "no:randomly"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "1 passed" in out and "1 error" in out, "the other test must still run:\n" + out
    assert "Interrupted" not in out, out
    assert "snippets/bad/boom.py raises when it is imported (line 4)" in out, out
    assert 'python -c "import snippets.bad.boom"' in out, out
