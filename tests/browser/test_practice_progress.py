"""Practice that remembers, in a real browser, in both languages: the SM-2
schedule (docs/assets/javascripts/srs.js) against the formula, progress that
survives a reload and a rebuild without one question, export / import / reset,
the marks on Q&A pages, a mock interview run with the keyboard alone, and
the same-day repeats of questions graded below Good (SM-2 step 7)."""

import json
import math

import pytest

from handbook import languages

pytestmark = pytest.mark.browser

LANGS = [(lang.code, lang.root) for lang in languages.LANGUAGES]
KEY = "genai-handbook-progress"  # srs.js KEY
DAY = 86_400_000
GRADE = {"again": 1, "hard": 3, "good": 4, "easy": 5}  # the page's buttons -> SM-2 quality q


def sm2(card, q, now):
    """SM-2 as Woźniak published it (super-memory.com/english/ol/sm2.htm), written independently of srs.js."""
    ef, reps, interval = card["ef"], card["reps"], card["interval"]
    ef = max(1.3, round(ef + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)), 2))
    if q < 3:
        reps, interval = 0, 1
    else:
        reps += 1
        interval = 1 if reps == 1 else 6 if reps == 2 else math.ceil(round(interval * ef, 6))
    return {"ef": ef, "reps": reps, "interval": interval, "due": now + interval * DAY}


NEW = {"ef": 2.5, "reps": 0, "interval": 0}


def open_practice(page, root, query=""):
    page.goto(page.base + root + "practice/" + query)
    page.wait_for_function("!document.querySelector('[data-practice-draw]').disabled")


def stored(page):
    return page.evaluate(f"JSON.parse(localStorage.getItem('{KEY}') || 'null')")


def grade_current(page, name):
    """Reveal the answer of the question on screen and grade it; returns its anchor."""
    anchor = page.locator("[data-practice-title]").get_attribute("href").split("#")[1]
    page.locator("[data-practice-reveal]").click()
    page.locator(f"[data-grade='{GRADE[name]}']").click()
    return anchor


def questions_of(site, root):
    return json.loads((site.path / root / "assets" / "questions.json").read_text("utf-8"))["questions"]


@pytest.mark.parametrize("lang,root", LANGS)
def test_grading_schedules_as_sm2_says(site_page, lang, root):
    open_practice(site_page, root)
    # The pure schedule over a sequence that passes every branch: first, second and later
    # successes, a lapse (q < 3), repeated lapses down to the EF floor of 1.3, and recovery.
    sequence = [4, 4, 4, 5, 3, 1, 4, 4, 5, 1, 1, 1, 1, 3, 4, 4, 4, 0, 2, 5]
    got = site_page.evaluate(
        """seq => { let c, now = 0; return seq.map(q => (c = HandbookSRS.grade(c, q, now), now = c.due, c)); }""",
        sequence,
    )
    card, now = dict(NEW), 0
    for step, (q, mine) in enumerate(zip(sequence, got)):
        card = sm2(card, q, now)
        assert {k: mine[k] for k in card} == card, f"grade {step + 1} (q={q}) of {sequence}"
        now = card["due"]
    assert min(c["ef"] for c in got) == 1.3 and max(c["interval"] for c in got) > 21

    # The buttons: each grade stores the card SM-2 gives, dated now.
    site_page.locator("[data-practice-draw]").click()
    for name in ("good", "again", "easy", "hard"):
        before = site_page.evaluate("Date.now()")
        anchor = grade_current(site_page, name)
        card = stored(site_page)["cards"][anchor]
        want = sm2(NEW, GRADE[name], before)
        assert {k: card[k] for k in ("ef", "reps", "interval")} == {k: want[k] for k in ("ef", "reps", "interval")}, name
        assert 0 <= card["due"] - want["due"] < 5_000 and card["q"] == GRADE[name]
    # A graded question is not due today: the next one is another question, and the status says when.
    assert len(stored(site_page)["cards"]) == 4
    graded = site_page.locator("[data-practice]").get_attribute("data-graded").replace("{days}", "1")
    assert site_page.locator("[data-practice-status]").inner_text().startswith(graded)

    # Order: the most overdue first, a weak topic moved ahead; then new questions, weakest topic first.
    order = site_page.evaluate("""() => {
        const qs = [{id: "a", topics: ["x"]}, {id: "b", topics: ["y"]}, {id: "c", topics: ["y"]}, {id: "d", topics: ["x"]}];
        const day = HandbookSRS.DAY, now = 100 * day;
        const card = (ef, overdue) => ({ef, reps: 1, interval: 1, due: now - overdue * day, seen: 1, last: 0});
        const pick = (cards, pool = qs) => HandbookSRS.next(pool, cards, now, HandbookSRS.topicEase(qs, cards)).question.id;
        return [
            pick({a: card(2.5, 3), b: card(2.5, 1)}),        // equal topics: most overdue
            pick({a: card(2.5, 3), b: card(1.3, 1)}),        // y is weak (EF 1.3): b comes first
            pick({a: card(2.5, -1), b: card(1.3, -1)}),      // nothing due: a new question of weak topic y
            pick({a: card(2.5, -1), b: card(1.3, -2)}, [qs[0], qs[1]]),  // nothing due or new: the one due soonest
        ];
    }""")
    assert order == ["a", "b", "c", "a"]
    site_page.watch.assert_clean()


@pytest.mark.parametrize("lang,root", LANGS)
def test_progress_survives_a_reload_and_a_rebuild_without_one_question(site_page, served_site, lang, root):
    qa = site_page.base + root + "qa/fundamentals/"
    site_page.goto(qa)
    site_page.wait_for_function("document.querySelector('.answers-toggle')")
    assert site_page.locator(".question-progress").count() == 0, "no mark for a reader who never practised"

    open_practice(site_page, root)
    site_page.locator("[data-practice-draw]").click()
    kept = grade_current(site_page, "good")
    removed = grade_current(site_page, "hard")
    before = stored(site_page)["cards"]

    # Reload: the same progress, counted in the table.
    open_practice(site_page, root)
    assert stored(site_page)["cards"] == before
    total = site_page.locator("[data-progress-sections] tr").last.locator("td").all_text_contents()
    assert total[1] == "2", total  # questions, seen, due, mastered

    # A rebuild that removed one question: its progress goes, the rest stays.
    def without_removed(route):
        data = route.fetch().json()
        data["questions"] = [q for q in data["questions"] if q["id"] != removed]
        route.fulfill(json=data)

    site_page.route("**/assets/questions.json", without_removed)
    open_practice(site_page, root)
    assert stored(site_page)["cards"] == {kept: before[kept]}
    dropped = site_page.locator("[data-practice]").get_attribute("data-dropped").replace("{n}", "1")
    assert dropped in site_page.locator("[data-practice-status]").inner_text()
    site_page.unroute("**/assets/questions.json")

    # The Q&A page marks the practised question only.
    page_of = {q["id"]: q["url"] for q in questions_of(served_site, root)}
    site_page.goto(site_page.base + root + page_of[kept].split("#")[0])
    mark = site_page.locator(f"[id='{kept}'] + .question-meta .question-progress")
    mark.wait_for()
    label = site_page.locator(".answers-toggle").get_attribute("data-seen")
    assert mark.inner_text() == label and site_page.locator(".question-progress").count() == 1
    site_page.watch.assert_clean()


@pytest.mark.parametrize("lang,root", LANGS)
def test_export_import_round_trip_and_a_corrupt_file_changes_nothing(site_page, tmp_path, lang, root):
    open_practice(site_page, root)
    site_page.locator("[data-practice-draw]").click()
    for name in ("good", "again", "easy"):
        grade_current(site_page, name)
    saved = stored(site_page)
    site_page.locator(".practice__progress > summary").click()

    with site_page.expect_download() as download:
        site_page.locator("[data-progress-export]").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    data = json.loads(exported.read_text("utf-8"))
    assert data["format"] == saved["format"] and data["version"] == 1 and data["cards"] == saved["cards"]

    status = site_page.locator("[data-practice-status]")
    failed = site_page.locator("[data-practice]").get_attribute("data-import-failed")
    importer = site_page.locator("[data-progress-import]")
    for name, body in [("broken.json", b'{"format": "genai-interview-handbook-progress", "cards": {'),
                       ("other-app.json", json.dumps({"cards": {"x": {"ef": 2.5}}}).encode()),
                       ("bad-card.json", json.dumps({**data, "cards": {"vae-basics": {"ef": "high"}}}).encode())]:
        importer.set_input_files({"name": name, "mimeType": "application/json", "buffer": body})
        site_page.wait_for_function(f"document.querySelector('[data-practice-status]').innerText.includes('{name}')")
        assert status.inner_text() == failed.replace("{file}", name)
        assert stored(site_page) == saved, f"{name} changed the progress"

    site_page.once("dialog", lambda dialog: dialog.accept())
    site_page.locator("[data-progress-reset]").click()
    assert stored(site_page) is None
    assert site_page.locator("[data-progress-sections] tr").last.locator("td").all_inner_texts()[1] == "0"

    importer.set_input_files(exported)
    site_page.wait_for_function(f"document.querySelector('[data-practice-status]').innerText.includes('{exported.name}')")
    assert stored(site_page)["cards"] == saved["cards"]
    assert site_page.locator("[data-progress-sections] tr").last.locator("td").all_inner_texts()[1] == "3"
    site_page.watch.assert_clean()


@pytest.mark.parametrize("lang,root", LANGS)
def test_a_mock_interview_runs_with_the_keyboard_alone(site_page, served_site, lang, root):
    anchors = [q["id"] for q in questions_of(served_site, root)[:3]]
    site_page.clock.install()
    open_practice(site_page, root, "?mock=" + ",".join(anchors))
    keys = site_page.keyboard
    focused = lambda: site_page.evaluate(  # noqa: E731
        "(() => { const e = document.activeElement; return Object.keys(e.dataset)[0] || e.tagName; })()")
    status = site_page.locator("[data-practice-status]")

    site_page.locator("[data-mock-count]").focus()
    keys.press("Tab")
    assert focused() == "mockStart"
    keys.press("Enter")
    for number, (anchor, grade) in enumerate(zip(anchors, ("again", "good", "easy")), 1):
        assert focused() == "practiceTitle"
        assert site_page.locator("[data-practice-title]").get_attribute("href").endswith("#" + anchor)
        assert str(number) in site_page.locator("[data-mock-step]").inner_text()
        assert site_page.locator("[data-mock-timer]").inner_text() == "0:30"
        if number == 1:
            # The countdown speaks at 20 and 10 seconds left, then opens the answer at 0.
            site_page.clock.run_for(10_500)
            # (The fake clock also runs on by itself, so the display may already say 0:19.)
            assert "20" in status.inner_text() and site_page.locator("[data-mock-timer]").inner_text() in ("0:20", "0:19")
            site_page.clock.run_for(20_000)
            # The answer opens at 0; its text arrives with answers.json (fetched on the first draw),
            # which can still be on its way: wait for it rather than race it (this failed once).
            site_page.locator("[data-practice-answer]").wait_for(state="visible", timeout=10_000)
        else:
            keys.press("Tab")
            assert focused() == "practiceReveal"
            keys.press("Enter")
        assert focused() == "practiceGrades"
        for _ in range(list(GRADE).index(grade) + 1):
            keys.press("Tab")
        assert focused() == "grade" and site_page.evaluate("document.activeElement.dataset.grade") == str(GRADE[grade])
        keys.press("Enter")

    # The summary takes the focus and links back to the weak question (graded Again).
    assert focused() == "mockSummaryTitle"
    weak = site_page.locator("[data-mock-weak] a")
    assert weak.count() == 1 and weak.get_attribute("href").endswith("#" + anchors[0])
    assert "3" in site_page.locator("[data-mock-result]").inner_text()
    cards = stored(site_page)["cards"]
    assert {a: cards[a]["q"] for a in anchors} == dict(zip(anchors, (1, 4, 5)))
    site_page.watch.assert_clean()


@pytest.mark.parametrize("lang,root", LANGS)
def test_a_mock_interview_from_the_filters_stays_in_them_and_can_end_early(site_page, served_site, lang, root):
    gan = {q["id"] for q in questions_of(served_site, root) if "gan" in q["topics"]}
    assert len(gan) > 3
    open_practice(site_page, root)
    site_page.select_option("[data-practice-topic]", "gan")
    site_page.select_option("[data-mock-count]", "3")
    site_page.locator("[data-mock-start]").click()
    first = grade_current(site_page, "hard")
    second = site_page.locator("[data-practice-title]").get_attribute("href").split("#")[1]
    assert {first, second} <= gan and first != second
    site_page.locator("[data-mock-stop]").click()
    # Ended after one graded question: the summary counts it and links it (Hard is weak).
    assert site_page.locator("[data-practice-card]").is_hidden()
    assert site_page.locator("[data-mock-weak] a").get_attribute("href").endswith("#" + first)
    assert "1" in site_page.locator("[data-mock-result]").inner_text()
    assert not site_page.locator("[data-practice-draw]").is_disabled()
    site_page.watch.assert_clean()


def current_anchor(page):
    return page.locator("[data-practice-title]").get_attribute("href").split("#")[1]


@pytest.mark.parametrize("lang,root", LANGS)
def test_a_question_graded_below_good_is_repeated_the_same_day_and_scheduled_once(site_page, lang, root):
    """SM-2 step 7 (super-memory.com/english/ol/sm2.htm): items graded below 4 are repeated
    the same day until they score at least 4; those repeats do not change the schedule."""
    say = lambda name: site_page.locator("[data-practice]").get_attribute(name)  # noqa: E731
    status = site_page.locator("[data-practice-status]")
    open_practice(site_page, root)
    gap = site_page.evaluate("HandbookSRS.DRILL_GAP")
    site_page.locator("[data-practice-draw]").click()
    missed = grade_current(site_page, "again")
    first = stored(site_page)["cards"][missed]
    queued = status.inner_text()

    # After `gap` other questions it comes back, marked as a repeat.
    others = [grade_current(site_page, "good") for _ in range(gap)]
    assert missed not in others and current_anchor(site_page) == missed, "a question graded Again did not come back"
    assert say("data-drill-again").replace("{n}", str(gap)) in queued
    assert say("data-drill") in status.inner_text()
    # Hard is still below Good: back in the queue, and the card keeps the first grade's schedule.
    grade_current(site_page, "hard")
    assert stored(site_page)["cards"][missed] == first
    assert status.inner_text().startswith(say("data-repeated").replace("{days}", "1"))
    others = [grade_current(site_page, "good") for _ in range(gap)]
    assert missed not in others and current_anchor(site_page) == missed
    # Good clears it from the day's repeats, schedule still untouched; it does not come back.
    grade_current(site_page, "good")
    assert stored(site_page)["cards"][missed] == first
    later = [grade_current(site_page, "good") for _ in range(gap + 2)]
    assert missed not in later

    # The repeats survive a reload (sessionStorage keeps the queue and the count of grades).
    again = grade_current(site_page, "again")
    open_practice(site_page, root)
    site_page.locator("[data-practice-draw]").click()
    others = [grade_current(site_page, "good") for _ in range(gap)]
    assert again not in others and current_anchor(site_page) == again

    # The pure rules: with nothing due or new left, a repeat comes before a question ahead of
    # time; a second grade the same day changes no card; a new day starts without repeats.
    rules = site_page.evaluate("""() => {
        const S = HandbookSRS, now = Date.now(), qs = [{id: "a", topics: ["x"]}, {id: "b", topics: ["x"]}];
        const card = (q) => S.grade(undefined, q, now);
        const cards = {a: card(1), b: card(5)};
        const drill = {...S.drillFresh(now), step: 1, queue: [{id: "a", at: 1 + S.DRILL_GAP}]};
        const picked = S.next(qs, cards, now, S.topicEase(qs, cards), "b", Math.random, drill);
        const again = S.answer(cards, S.drillFresh(now), "b", 1, now);
        const tomorrow = S.drillToday(drill, now + S.DAY);
        return [picked.question.id, picked.kind, again.scheduled, again.cards.b === cards.b,
                again.drill.queue.map((e) => e.id), tomorrow.queue.length];
    }""")
    assert rules == ["a", "drill", False, True, ["b"], 0]
    site_page.watch.assert_clean()
