"""Study tracks (hooks/tracks.yml) link only to questions that exist, in both languages.

The YAML is checked against the question anchors of the Markdown pages, and
the built track pages are checked link by link: each points at a built page
that has the anchor, in the track's order.
"""

import re
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from handbook import languages, tracks
from tests.support.docs import DOCS, LANGUAGES, nav_files, pages, question_attrs, rel

TRACK_LINK = re.compile(r'<ol class="track-list"[^>]*>(.*?)</ol>', re.S)
HREF = re.compile(r'<li><a href="([^"]+)">')
MOCK = re.compile(r'<p class="track-mock">.*?href="[^"]*\?mock=([^"]+)"', re.S)


def site_questions(lang: str) -> list[dict]:
    """The questions of one language's Markdown pages, in nav order, as handbook.tracks expects them."""
    found = []
    sources = pages(lang)
    for path in [p for p in nav_files(lang) if p in sources]:
        for anchor, attrs in question_attrs(sources[path].read_text("utf-8")).items():
            if "data-difficulty" in attrs:
                found.append({"id": anchor, "difficulty": attrs["data-difficulty"], "topics": attrs.get("data-topics", "").split()})
    return found


def expanded(lang: str) -> dict[str, list[str]]:
    questions = site_questions(lang)
    return {track_id: [q["id"] for _, items in tracks.expand(track_id, track, questions) for q in items]
            for track_id, track in tracks.load().items()}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_track_lists_only_existing_questions(lang):
    # expand() raises TrackError naming the track and the anchor.
    for track_id, anchors in expanded(lang).items():
        assert len(anchors) >= 10, f"hooks/tracks.yml: track '{track_id}' has only {len(anchors)} questions"


def test_tracks_are_the_same_in_both_languages():
    first, *others = (expanded(lang) for lang in LANGUAGES)
    for other in others:
        assert other == first, "a track expands differently per language: the twins' question anchors or topics differ"


def test_every_track_has_a_page_with_its_marker_in_both_languages():
    defined = set(tracks.load())
    for lang in LANGUAGES:
        found = {}
        for path in sorted((DOCS / lang / "tracks").glob("*.md")):
            marks = re.findall(r"^<!-- track: ([\w-]+) -->\s*$", path.read_text("utf-8"), re.M)
            assert len(marks) == 1, f"{rel(path)}: needs exactly one line '<!-- track: <id> -->' (found {len(marks)})"
            assert marks[0] == path.stem, f"{rel(path)}: marker names '{marks[0]}'; a track page is named after its track"
            found[path.stem] = path
        assert set(found) == defined, (
            f"docs/{lang}/tracks/ has pages for {sorted(found)} but hooks/tracks.yml defines {sorted(defined)}: "
            "add the missing page (copy another track page) or the track")


def test_a_missing_anchor_names_the_track_and_the_anchor(tmp_path):
    yml = tmp_path / "tracks.yml"
    yml.write_text("demo:\n  title: {zh: 演示, en: Demo}\n  stages:\n"
                   "    - title: {zh: 一, en: One}\n      questions: [real-one, gone-away]\n", encoding="utf-8")
    track = tracks.load(yml)["demo"]
    with pytest.raises(tracks.TrackError, match=r"track 'demo' lists question '#gone-away', which no page has"):
        tracks.expand("demo", track, [{"id": "real-one", "difficulty": "basic", "topics": ["gan"]}])


def test_topics_add_the_other_questions_basics_first():
    questions = [
        {"id": "a", "difficulty": "advanced", "topics": ["gan"]},
        {"id": "b", "difficulty": "basic", "topics": ["gan"]},
        {"id": "c", "difficulty": "basic", "topics": ["vae"]},
        {"id": "d", "difficulty": "intermediate", "topics": ["gan", "vae"]},
    ]
    track = {"title": {}, "stages": [{"title": {}, "questions": ["d"], "topics": ["gan"]}]}
    assert [q["id"] for q in tracks.expand("t", track, questions)[0][1]] == ["d", "b", "a"]
    track["stages"][0]["difficulty"] = ["advanced"]
    assert [q["id"] for q in tracks.expand("t", track, questions)[0][1]] == ["d", "a"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_built_track_pages_link_to_existing_questions_in_order(site_dir, lang):
    root = site_dir / languages.get(lang).root
    want = expanded(lang)
    for track_id, anchors in want.items():
        page = root / "tracks" / track_id / "index.html"
        assert page.is_file(), f"{page} was not built: is tracks/{track_id}.md in the nav?"
        text = page.read_text("utf-8")
        links = [unescape(h) for block in TRACK_LINK.findall(text) for h in HREF.findall(block)]
        assert [urlsplit(h).fragment for h in links] == anchors, f"{rel_site(page, site_dir)}: links differ from the track"
        base = f"/{languages.get(lang).root}tracks/{track_id}/"
        for href in links:
            target = urlsplit(urljoin(base, href))
            built = site_dir / target.path.lstrip("/") / "index.html"
            assert built.is_file(), f"{rel_site(page, site_dir)} links to {href}, which is not a built page"
            assert f'id="{target.fragment}"' in built.read_text("utf-8"), f"{href}: the page has no anchor #{target.fragment}"
        mock = MOCK.search(text)
        assert mock and unescape(mock.group(1)).split(",") == anchors, f"{rel_site(page, site_dir)}: mock-interview link missing or wrong"


def rel_site(path: Path, site_dir: Path) -> str:
    return path.relative_to(site_dir).as_posix()
