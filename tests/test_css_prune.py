"""handbook/css_prune.py: what it keeps of the Jupyter stylesheet, and what it drops."""

from handbook import css_prune

PAGE = '<div class="jupyter-wrapper"><div class="jp-Cell">x</div></div>'


def test_rules_for_classes_on_the_pages_stay_and_others_go():
    css = ".jupyter-wrapper .jp-Cell{color:red}.jupyter-wrapper .jp-Toolbar{color:blue}"
    assert css_prune.prune(css, [PAGE]) == ".jupyter-wrapper .jp-Cell{color:red}"


def test_the_root_scoped_under_an_element_is_dropped_with_its_variables():
    # mkdocs-jupyter turns JupyterLab's `:root{...}` into `.jupyter-wrapper :root{...}`,
    # which no element can match.
    css = (".jupyter-wrapper :root{--jp-icon:url(data:x)}.jupyter-wrapper body .jp-Cell{color:red}"
           ".jupyter-wrapper .jp-Cell{background:var(--jp-icon)}:root{--kept:1px}.jupyter-wrapper .jp-Cell{margin:var(--kept)}")
    pruned = css_prune.prune(css, [PAGE])
    assert ":root{--kept:1px}" in pruned
    assert "--jp-icon:" not in pruned and "body" not in pruned
