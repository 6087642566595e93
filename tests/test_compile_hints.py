"""hooks/compile_hints.py: Material's bundle carries V8's compile hint, and its source map still lines up."""

import json

import pytest

from tests.support.docs import LANGUAGES, built_files, load_module

compile_hints = load_module("hooks/compile_hints.py")


def test_the_hint_is_added_once():
    once = compile_hints.add_hint("var a=1;\n")
    assert once == "//# allFunctionsCalledOnLoad\nvar a=1;\n"
    assert compile_hints.add_hint(once) == once


def test_the_source_map_moves_down_one_line():
    shifted = json.loads(compile_hints.shift_source_map('{"version":3,"mappings":"AAAA;AACA"}'))
    assert shifted["mappings"] == ";AAAA;AACA"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_built_bundle_starts_with_the_hint(site_dir, lang):
    for bundle in built_files(site_dir, lang, compile_hints.BUNDLE):
        script = bundle.read_text(encoding="utf-8")
        assert script.startswith(compile_hints.HINT) and script.count("allFunctionsCalledOnLoad") == 1, (
            f"{bundle} should start with exactly one {compile_hints.HINT.strip()!r} (hooks/compile_hints.py)")
        mappings = json.loads(bundle.with_name(bundle.name + ".map").read_text(encoding="utf-8"))["mappings"]
        # The hint line maps to nothing; the bundle's code starts one line lower than in Material's map.
        assert mappings.startswith(";") and len(mappings.split(";")) <= script.count("\n") + 1
