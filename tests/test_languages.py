"""handbook/languages.py declares the languages once; what has to stay in YAML agrees with it.

MkDocs reads some per-language strings from the configs (site name, palette
toggle names, search language, nav labels) and hooks/topics.yml holds every
topic's label per language. These tests fail, naming the file and the fix,
when one of them misses a declared language or names an undeclared one, and
when a UI string of the module is written a second time elsewhere.
"""

import re

import pytest
import yaml
from mkdocs.utils import yaml_load

from handbook import ROOT, languages

OTHERS = languages.LANGUAGES[1:]


def _config(lang):
    return yaml_load((ROOT / lang.config).read_text(encoding="utf-8"))


def _toggle_names(config):
    return [entry["toggle"]["name"] for entry in config["theme"]["palette"]]


@pytest.mark.parametrize("lang", languages.LANGUAGES, ids=languages.CODES)
def test_each_language_has_its_config_pages_and_notebooks(lang):
    config = _config(lang)
    where = f"{lang.config} (declared for {lang.code} in handbook/languages.py)"
    assert config["theme"]["language"] == lang.code, f"{where}: set theme.language: {lang.code}"
    assert config["docs_dir"] == lang.docs_dir, f"{where}: set docs_dir: {lang.docs_dir}"
    site_dir = f"site/{lang.root}".rstrip("/")
    assert config["site_dir"] == site_dir, f"{where}: set site_dir: {site_dir} (the language's root is /{lang.root})"
    assert config["edit_uri"].endswith(f"/{lang.docs_dir}/"), f"{where}: edit_uri must end with /{lang.docs_dir}/"
    search = next(p["search"] for p in config["plugins"] if isinstance(p, dict) and "search" in p)
    assert search["lang"] == lang.code, f"{where}: set the search plugin's lang: {lang.code}"
    assert (ROOT / lang.docs_dir).is_dir(), f"{lang.docs_dir}/ is missing: every language has every page"
    assert (ROOT / "notebooks" / lang.code).is_dir(), f"notebooks/{lang.code}/ is missing: run `make notebooks`"


@pytest.mark.parametrize("lang", OTHERS, ids=[lang.code for lang in OTHERS])
def test_every_other_language_inherits_the_default_and_names_its_own_ui(lang):
    config, default = _config(lang), _config(languages.DEFAULT)
    assert config.get("INHERIT") == languages.DEFAULT.config, f"{lang.config}: start with INHERIT: {languages.DEFAULT.config}"
    for key in ("site_name", "site_description", "nav"):
        assert config.get(key) and config[key] != default[key], (
            f"{lang.config}: set {key} in {lang.name}; without it the {languages.DEFAULT.code} one is inherited"
        )
    names = _toggle_names(config)
    assert len(names) == len(_toggle_names(default)) and not set(names) & set(_toggle_names(default)), (
        f"{lang.config}: theme.palette must repeat every toggle of {languages.DEFAULT.config} with its name in {lang.name} "
        f"(got {names})"
    )


def test_no_config_declares_the_language_list():
    for lang in languages.LANGUAGES:
        config = _config(lang)
        assert "alternate" not in (config.get("extra") or {}), (
            f"{lang.config}: remove extra.alternate; hooks/i18n.py builds it from handbook/languages.py"
        )


def test_every_topic_and_difficulty_has_a_label_in_each_language():
    vocabulary = yaml.safe_load((ROOT / "hooks" / "topics.yml").read_text(encoding="utf-8"))
    problems = [
        f"{group}.{key} has labels for {sorted(labels)}; give it exactly {list(languages.CODES)}"
        for group in ("difficulty", "topics") for key, labels in vocabulary[group].items()
        if sorted(labels) != sorted(languages.CODES) or not all(labels.values())
    ]
    assert not problems, "hooks/topics.yml: " + "; ".join(problems)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


# Where UI strings used to be written, and must not come back.
SEARCHED = ["hooks/*.py", "hooks/*.js", "handbook/*.py", "scripts/*.py", "benchmarks/*.py", "overrides/**/*.html",
            "docs/assets/javascripts/*.js", "mkdocs*.yml"]


def test_each_ui_string_is_written_once():
    texts = {path: path.read_text(encoding="utf-8") for pattern in SEARCHED for path in ROOT.glob(pattern)
             if path != ROOT / "handbook" / "languages.py"}
    problems = []
    for lang in languages.LANGUAGES:
        for field in ("name", "questions", "benchmarks", "notebook_links", "not_found"):
            for text in _strings(getattr(lang, field)):
                # Short words ("主题", "Topics") also occur as ordinary words in code.
                if len(text.encode()) < 12:
                    continue
                probe = re.sub(r"\{\w+\}.*", "", text)  # the fixed part before a placeholder
                problems += [f"{path.relative_to(ROOT)} repeats {text!r}" for path, body in texts.items() if probe in body]
    assert not problems, "UI strings live in handbook/languages.py only; use them from there:\n" + "\n".join(problems)


def test_an_unknown_language_names_the_declared_ones():
    with pytest.raises(KeyError, match="handbook/languages.py declares zh, en"):
        languages.get("fr")
