"""Material's built files that hooks/material_css.py, lazy_search_index.py and
compile_hints.py edit after the build. Not a hook itself: they import it."""

from pathlib import Path

from mkdocs.exceptions import PluginError

# Relative to the site root. hooks/material_bundle.py finds the bundle for overrides/main.html.
BUNDLE = "assets/javascripts/bundle.*.min.js"
STYLESHEET = "assets/stylesheets/main.*.min.css"


def built(config, pattern: str, hook: str) -> list[Path]:
    """The built files matching pattern; a build error naming the hook when there are none."""
    found = sorted(Path(config.site_dir).glob(pattern))
    if not found:
        raise PluginError(
            f"{hook}: no {pattern} in the built site. Material renamed the file: update {hook}."
        )
    return found
