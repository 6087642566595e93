"""hooks/compile_hints.py: Material's bundle carries V8's compile hint, and its source map still lines up."""

import importlib.util
import json

import pytest

from tests.support.docs import ROOT

_spec = importlib.util.spec_from_file_location("compile_hints", ROOT / "hooks" / "compile_hints.py")
compile_hints = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compile_hints)


def test_the_hint_is_added_once():
    once = compile_hints.add_hint("var a=1;\n")
    assert once == "//# allFunctionsCalledOnLoad\nvar a=1;\n"
    assert compile_hints.add_hint(once) == once


def test_the_source_map_moves_down_one_line():
    shifted = json.loads(compile_hints.shift_source_map('{"version":3,"mappings":"AAAA;AACA"}'))
    assert shifted["mappings"] == ";AAAA;AACA"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_built_bundle_starts_with_the_hint(built_site, lang):
    if built_site.returncode != 0:
        pytest.fail("The site did not build; see tests/test_site_build.py for the build log.")
    folder = built_site.path / ("en" if lang == "en" else "") / "assets" / "javascripts"
    bundles = sorted(folder.glob("bundle.*.min.js"))
    assert bundles, f"no Material bundle in {folder}"
    for bundle in bundles:
        script = bundle.read_text(encoding="utf-8")
        assert script.startswith(compile_hints.HINT) and script.count("allFunctionsCalledOnLoad") == 1, (
            f"{bundle} should start with exactly one {compile_hints.HINT.strip()!r} (hooks/compile_hints.py)")
        mappings = json.loads(bundle.with_name(bundle.name + ".map").read_text(encoding="utf-8"))["mappings"]
        # The hint line maps to nothing; the bundle's code starts one line lower than in Material's map.
        assert mappings.startswith(";") and len(mappings.split(";")) <= script.count("\n") + 1
