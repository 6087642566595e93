"""Study tracks: ordered question lists for a role, declared in hooks/tracks.yml.

A track page (docs/<lang>/tracks/<id>.md) holds its intro and the line
`<!-- track: <id> -->`; hooks/tracks.py puts the track there: one section per
stage, each an ordered list of questions (title in the page's language, link,
difficulty, page). Shared by the hook and tests/test_tracks.py, so the build
and the test apply the same rules.

A stage lists question anchors in reading order (`questions:`), and may add
every other question with one of its `topics:` (basics first, then in nav
order), optionally only at some `difficulty:` levels. An anchor that no page
has fails the build and the test, naming the track and the anchor.
"""

from pathlib import Path

import yaml

from handbook import ROOT

TRACKS_YML = ROOT / "hooks" / "tracks.yml"
TOPICS_YML = ROOT / "hooks" / "topics.yml"
MARKER = "<!-- track: {id} -->"
LEVELS = ("basic", "intermediate", "advanced")


class TrackError(ValueError):
    """A track names a question, topic or field that does not exist."""


def load(path: Path = TRACKS_YML) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data:
        raise TrackError(f"{path.name}: expected a mapping of track ids to tracks")
    known_topics = yaml.safe_load(TOPICS_YML.read_text(encoding="utf-8"))["topics"]
    for track_id, track in data.items():
        if set(track) - {"title", "stages"} or not track.get("stages"):
            raise TrackError(f"{path.name}: track '{track_id}' needs 'title' and 'stages' (and nothing else)")
        for number, stage in enumerate(track["stages"], 1):
            if set(stage) - {"title", "questions", "topics", "difficulty"}:
                raise TrackError(f"{path.name}: track '{track_id}', stage {number}: unknown key(s) "
                                 f"{sorted(set(stage) - {'title', 'questions', 'topics', 'difficulty'})}")
            for topic in stage.get("topics") or []:
                if topic not in known_topics:
                    raise TrackError(f"{path.name}: track '{track_id}', stage {number}: unknown topic '{topic}' "
                                     f"(hooks/topics.yml has: {', '.join(known_topics)})")
    return data


def expand(track_id: str, track: dict, questions: list[dict], source: str = TRACKS_YML.name) -> list[tuple[dict, list[dict]]]:
    """The track's stages with their questions, in order.

    `questions` are the site's questions in nav order, as hooks/questions.py
    records them (dicts with id, difficulty, topics, and whatever else).
    """
    by_id = {q["id"]: q for q in questions}
    listed = [a for stage in track["stages"] for a in stage.get("questions") or []]
    for anchor in listed:
        if anchor not in by_id:
            raise TrackError(f"{source}: track '{track_id}' lists question '#{anchor}', which no page has. "
                             "Fix the anchor (grep docs/en for '{ #') or remove it from the track.")
    duplicates = sorted({a for a in listed if listed.count(a) > 1})
    if duplicates:
        raise TrackError(f"{source}: track '{track_id}' lists {', '.join('#' + a for a in duplicates)} more than once.")
    used = set(listed)
    stages = []
    for stage in track["stages"]:
        items = [by_id[a] for a in stage.get("questions") or []]
        topics = stage.get("topics") or []
        levels = stage.get("difficulty") or LEVELS
        for level in levels:
            if level not in LEVELS:
                raise TrackError(f"{source}: track '{track_id}' filters on difficulty '{level}'; use one of {', '.join(LEVELS)}.")
        if topics:
            extra = [q for q in questions if q["id"] not in used and q["difficulty"] in levels
                     and set(q["topics"]) & set(topics)]
            extra.sort(key=lambda q: LEVELS.index(q["difficulty"]))  # stable: nav order within a level
            used.update(q["id"] for q in extra)
            items += extra
        if not items:
            raise TrackError(f"{source}: track '{track_id}', stage '{stage['title']}' has no questions.")
        stages.append((stage, items))
    return stages
