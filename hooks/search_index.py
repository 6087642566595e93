"""Write the search index as UTF-8 rather than \\uXXXX escapes.

Material's search plugin escapes every non-ASCII character, which makes the
Chinese index about 2.7 times its UTF-8 size (6 bytes per character instead
of 3). The browser downloads and parses that file on every page, so it is
rewritten here, after the plugin has written it. JSON is UTF-8 by definition.
"""

import json
from pathlib import Path


def on_post_build(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if path.exists():
        index = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
