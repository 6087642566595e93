"""Material's bundle file name, read from the installed theme.

overrides/main.html starts Material's scripts itself (after the first paint),
so it needs the bundle's hashed file name, which changes between Material
releases. This hook reads it from the installed theme and hands it to the
templates as `material_bundle`; a hand-written name would load a missing file
after an upgrade while the strict build still passed.
"""

from pathlib import Path

from mkdocs.exceptions import PluginError

from material_assets import BUNDLE


def bundle_path(theme_dirs) -> str:
    """The bundle's path relative to the site root, from the first theme folder that has one."""
    for folder in theme_dirs:
        found = sorted(Path(folder).glob(BUNDLE))
        if len(found) == 1:
            return found[0].relative_to(folder).as_posix()
        if found:
            names = ", ".join(p.name for p in found)
            raise PluginError(
                f"hooks/material_bundle.py: {len(found)} bundles in {folder} ({names}); "
                "expected one. Reinstall mkdocs-material (make clean; make serve)."
            )
    raise PluginError(
        f"hooks/material_bundle.py: no {BUNDLE} in the theme folders {list(theme_dirs)}. "
        "Material renamed its bundle: update BUNDLE in hooks/material_assets.py."
    )


def on_env(env, config, files, **kwargs):
    env.globals["material_bundle"] = bundle_path(config.theme.dirs)
    return env
