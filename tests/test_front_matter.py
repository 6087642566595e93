"""Every page's front matter parses and gives a title and a description.

MkDocs does not fail on front matter that is not valid YAML (an unquoted
"title: A: B" is enough): it renders the block as the first paragraph of the
page, and the page loses its title and description without a warning.
"""

import pytest
import yaml

from tests.support.docs import DOCS, rel

PAGES = sorted(DOCS.glob("*/**/*.md"))


def front_matter(text: str):
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    return None if end < 0 else text[4:end]


@pytest.mark.parametrize("page", PAGES, ids=rel)
def test_front_matter_parses_with_title_and_description(page):
    block = front_matter(page.read_text(encoding="utf-8"))
    assert block is not None, f"{rel(page)}: no front matter. Start the page with ---, title: and description:, then ---."
    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError as error:
        pytest.fail(
            f"{rel(page)}: the front matter is not valid YAML, so MkDocs would show it as text "
            f"({str(error).splitlines()[0]}). Quote a value that contains ': ', e.g. title: \"A: B\"."
        )
    missing = [k for k in ("title", "description") if not (isinstance(meta, dict) and meta.get(k))]
    assert not missing, f"{rel(page)}: the front matter has no {' or '.join(missing)}; add it (one line each)."


def test_an_unquoted_colon_is_reported(tmp_path):
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(front_matter("---\ntitle: A: B\ndescription: x\n---\n# A\n"))
