"""Let V8 compile Material's bundle while it downloads, not while it runs.

V8 compiles a function only when it is first called, on the main thread. The
bundle calls most of its functions as it starts and mounts its components, so
that compiling lands inside the two long tasks that dominate total blocking
time. The magic comment `//# allFunctionsCalledOnLoad` (V8's explicit compile
hints, Chromium 136+) asks for every function to be compiled eagerly, on a
background thread while the script streams in. Other browsers ignore it.

On the notebook page (zh, Lighthouse mobile, interleaved A/B, median of 7):
total blocking time 306 -> 206 ms, performance 93 -> 96. In a trace, the
bundle's evaluation went from 92 to 71 ms and the mount from 65 to 35 ms
(unthrottled).

The comment is a new first line, so the source map gets one more (empty)
line in front to keep pointing at the right code.
"""

import json

from material_assets import BUNDLE, built

HINT = "//# allFunctionsCalledOnLoad\n"


def add_hint(script: str) -> str:
    return script if script.startswith(HINT) else HINT + script


def shift_source_map(source_map: str) -> str:
    data = json.loads(source_map)
    data["mappings"] = ";" + data["mappings"]
    return json.dumps(data, separators=(",", ":"))


def on_post_build(config, **kwargs):
    for bundle in built(config, BUNDLE, "hooks/compile_hints.py"):
        script = bundle.read_text(encoding="utf-8")
        if script.startswith(HINT):
            continue  # not copied again since the last build
        bundle.write_text(add_hint(script), encoding="utf-8")
        source_map = bundle.with_name(bundle.name + ".map")
        if source_map.exists():
            source_map.write_text(shift_source_map(source_map.read_text(encoding="utf-8")), encoding="utf-8")
