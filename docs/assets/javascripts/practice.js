// Practice page: questions in spaced-repetition order, progress per section
// and topic, export / import / reset, and timed mock interviews. The schedule
// and the store are srs.js (HandbookSRS, loaded first); every UI string is a
// data attribute of the page (docs/*/practice.md). The question list comes
// from assets/questions.json and the rendered answers from assets/answers.json
// (fetched at the first question: it is large), both written by hooks/questions.py.
document$.subscribe(() => {
  const root = document.querySelector("[data-practice]");
  if (!root || root.dataset.bound) return;
  root.dataset.bound = "true";
  const S = window.HandbookSRS;
  const say = root.dataset;
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (m, key) => (key in values ? values[key] : m));
  const $ = (sel) => root.querySelector(sel);
  const topic = $("[data-practice-topic]");
  const level = $("[data-practice-difficulty]");
  const drawButton = $("[data-practice-draw]");
  const card = $("[data-practice-card]");
  const title = $("[data-practice-title]");
  const reveal = $("[data-practice-reveal]");
  const grades = $("[data-practice-grades]");
  const answer = $("[data-practice-answer]");
  const status = $("[data-practice-status]");
  const mockStart = $("[data-mock-start]");
  const mockStep = $("[data-mock-step]");
  const timer = $("[data-mock-timer]");
  const mockStop = $("[data-mock-stop]");
  const summary = $("[data-mock-summary]");
  const base = new URL(root.dataset.src, location.href);
  const siteRoot = base.href.replace(/assets\/questions\.json$/, "");
  // Storage the browser refuses (private mode in some browsers) becomes memory for this page.
  function usable(get, key) {
    try {
      const store = get();
      store.getItem(key);
      return store;
    } catch {
      const memory = new Map();
      return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => memory.set(k, v), removeItem: (k) => memory.delete(k) };
    }
  }
  const storage = usable(() => window.localStorage, S.KEY);
  // The day's drill (SM-2 step 7) lives in sessionStorage: it survives a reload or a
  // visit to a question's page and back, and ends with the tab.
  const session = usable(() => window.sessionStorage, S.DRILL_KEY);

  let questions = [];
  let byId = new Map();
  let cards = {};
  let drill = S.drillFresh(Date.now());
  let labels = null;
  let current = null;
  let answers = null;
  let linkedMock = null; // questions named by ?mock=a,b,c
  let mock = null; // { list, index, results, deadline, tick, announced }
  const loadAnswers = () =>
    (answers ??= fetch(new URL(root.dataset.answers, location.href)).then((r) => r.json()));
  const option = (value, label) => Object.assign(document.createElement("option"), { value, textContent: label });
  const pool = () =>
    questions.filter((q) => (!topic.value || q.topics.includes(topic.value)) && (!level.value || q.difficulty === level.value));
  const linkTo = (q) => new URL(q.url, siteRoot).href;

  // --- Progress at a glance ---------------------------------------------------
  function row(name, t) {
    const tr = document.createElement("tr");
    for (const value of [name, t.total, t.seen, t.due, t.mastered]) {
      const cell = document.createElement(tr.children.length ? "td" : "th");
      if (!tr.children.length) cell.scope = "row";
      cell.textContent = value;
      tr.append(cell);
    }
    return tr;
  }
  function renderProgress() {
    const now = Date.now();
    const sections = new Map();
    for (const q of questions) {
      const name = q.section || q.page;
      if (!sections.has(name)) sections.set(name, []);
      sections.get(name).push(q);
    }
    $("[data-progress-sections]").replaceChildren(
      ...[...sections].map(([name, qs]) => row(name, S.tally(qs, cards, now))),
      row(say.total, S.tally(questions, cards, now)),
    );
    $("[data-progress-topics]").replaceChildren(
      ...Object.entries(labels.topics)
        .map(([id, label]) => [label, questions.filter((q) => q.topics.includes(id))])
        .filter(([, qs]) => qs.length)
        .map(([label, qs]) => row(label, S.tally(qs, cards, now))),
    );
  }
  const store = () => {
    S.save(storage, cards, Date.now());
    renderProgress();
  };

  // --- Loading ----------------------------------------------------------------
  fetch(base)
    .then((r) => r.json())
    .then((data) => {
      questions = data.questions;
      byId = new Map(questions.map((q) => [q.id, q]));
      labels = data.labels;
      const loaded = S.load(storage, new Set(byId.keys()));
      cards = loaded.cards;
      drill = S.loadDrill(session, Date.now(), new Set(byId.keys()));
      const used = new Set(questions.flatMap((q) => q.topics));
      Object.entries(labels.topics)
        .filter(([id]) => used.has(id))
        .forEach(([id, label]) => topic.append(option(id, label)));
      Object.entries(labels.difficulty).forEach(([id, label]) => level.append(option(id, label)));
      renderProgress();
      drawButton.disabled = mockStart.disabled = false;
      let message = fill(say.ready, { n: questions.length, due: S.tally(questions, cards, Date.now()).due });
      if (loaded.dropped) message += " " + fill(say.dropped, { n: loaded.dropped });
      if (loaded.corrupt) message += " " + say.corrupt;
      // ?mock=a,b,c starts a mock interview of those questions (a study track links here).
      const linked = (new URLSearchParams(location.search).get("mock") || "").split(",").filter((id) => byId.has(id));
      if (linked.length) {
        linkedMock = linked.map((id) => byId.get(id));
        mockStart.textContent = say.mockLinkedButton;
        message += " " + fill(say.mockLinked, { n: linked.length });
      }
      status.textContent = message;
    })
    .catch(() => (status.textContent = say.failed));

  // --- One question -----------------------------------------------------------
  function show(q) {
    current = q;
    title.textContent = q.title;
    title.href = linkTo(q);
    const topics = q.topics.map((t) => labels.topics[t]).join(labels.separator);
    $("[data-practice-meta]").textContent = `${labels.difficulty[q.difficulty]} · ${topics} · ${q.page}`;
    answer.replaceChildren();
    answer.hidden = grades.hidden = true;
    loadAnswers()
      .then((all) => { if (current === q) answer.innerHTML = all[q.id]; })
      .catch(() => { if (current === q) answer.textContent = say.failed; });
    reveal.hidden = false;
    reveal.setAttribute("aria-expanded", "false");
    summary.hidden = true;
    card.hidden = false;
    title.focus();
  }

  function draw() {
    const candidates = pool();
    if (!candidates.length) {
      card.hidden = true;
      status.textContent = say.empty;
      return;
    }
    const now = Date.now();
    const picked = S.next(candidates, cards, now, S.topicEase(questions, cards), current && current.id, Math.random, S.drillToday(drill, now));
    const t = S.tally(candidates, cards, now);
    let message = fill(say.pool, { n: candidates.length, due: t.due, new: t.fresh });
    if (picked.kind === "ahead") message += " " + say.ahead;
    if (picked.kind === "drill") message += " " + say.drill;
    show(picked.question);
    status.textContent = message;
  }

  function showAnswer() {
    stopTimer();
    answer.hidden = false;
    reveal.hidden = true;
    reveal.setAttribute("aria-expanded", "true");
    grades.hidden = false;
    grades.focus();
  }

  function onGrade(q) {
    const now = Date.now();
    const before = current;
    const graded = S.answer(cards, drill, before.id, q, now);
    cards = graded.cards;
    drill = graded.drill;
    S.saveDrill(session, drill);
    store();
    const days = cards[before.id].interval;
    // What the grade did: set the schedule (the day's first grade) or only moved the drill.
    let said = fill(graded.scheduled ? say.graded : say.repeated, { days });
    if (q < S.DRILL_BELOW) said += " " + fill(say.drillAgain, { n: S.DRILL_GAP });
    if (mock) {
      mock.results.push({ question: before, q });
      mock.index++;
      if (mock.index < mock.list.length) mockQuestion();
      else finishMock();
      return;
    }
    draw();
    status.textContent = said + " " + status.textContent;
  }

  // --- Mock interview ---------------------------------------------------------
  const SECONDS = 30;
  const ANNOUNCE = [20, 10]; // spoken at these marks (and at the start and the end), not every second
  const clock = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;

  function stopTimer() {
    if (mock && mock.tick) clearInterval(mock.tick);
    if (mock) mock.tick = null;
  }

  function pickMock(candidates, n) {
    // A shuffled pool, then one question per topic in turn, so a round covers several topics.
    const shuffled = candidates.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const picked = [];
    const topics = new Set();
    for (const q of shuffled) if (picked.length < n && !q.topics.some((t) => topics.has(t))) picked.push(q), q.topics.forEach((t) => topics.add(t));
    for (const q of shuffled) if (picked.length < n && !picked.includes(q)) picked.push(q);
    return picked;
  }

  function startMock() {
    // A linked list (?mock=) replaces the filters; a list no longer than the count is kept in its order.
    const source = linkedMock || pool();
    const n = Number($("[data-mock-count]").value);
    const list = source.length <= n ? source : pickMock(source, n);
    if (!list.length) {
      status.textContent = say.empty;
      return;
    }
    mock = { list, index: 0, results: [] };
    drawButton.disabled = mockStart.disabled = true;
    mockStop.hidden = mockStep.hidden = timer.hidden = false;
    mockQuestion();
  }

  function mockQuestion() {
    const q = mock.list[mock.index];
    show(q);
    mockStep.textContent = fill(say.mockOf, { i: mock.index + 1, n: mock.list.length });
    mock.deadline = Date.now() + SECONDS * 1000;
    mock.announced = new Set();
    timer.hidden = false;
    timer.textContent = clock(SECONDS);
    status.textContent = fill(say.mockQuestion, { i: mock.index + 1, n: mock.list.length, s: SECONDS });
    stopTimer();
    mock.tick = setInterval(() => {
      const left = Math.max(0, Math.ceil((mock.deadline - Date.now()) / 1000));
      timer.textContent = clock(left);
      for (const mark of ANNOUNCE)
        if (left <= mark && left > 0 && !mock.announced.has(mark)) {
          mock.announced.add(mark);
          status.textContent = fill(say.mockLeft, { s: mark });
        }
      if (left === 0) {
        status.textContent = say.mockTimeUp;
        showAnswer();
      }
    }, 250);
  }

  function finishMock() {
    stopTimer();
    const done = mock;
    mock = null;
    card.hidden = mockStop.hidden = mockStep.hidden = timer.hidden = true;
    drawButton.disabled = mockStart.disabled = false;
    const names = Object.fromEntries([...grades.querySelectorAll("[data-grade]")].map((b) => [b.dataset.grade, b.textContent.trim()]));
    const counts = Object.entries(names)
      .map(([q, name]) => [name, done.results.filter((r) => String(r.q) === q).length])
      .filter(([, n]) => n)
      .map(([name, n]) => `${name} ${n}`)
      .join(labels.separator);
    const weak = done.results.filter((r) => r.q < 4);
    $("[data-mock-result]").textContent = fill(say.mockTally, { n: done.results.length, grades: counts || "0" });
    $("[data-mock-weak]").replaceChildren(
      ...weak.map((r) => {
        const li = document.createElement("li");
        const a = Object.assign(document.createElement("a"), { href: linkTo(r.question), textContent: r.question.title });
        li.append(a, ` (${names[r.q]})`);
        return li;
      }),
    );
    $("[data-mock-weak-title]").textContent = weak.length ? say.mockWeakIntro : say.mockNoWeak;
    summary.hidden = false;
    status.textContent = fill(say.mockDone, { n: done.results.length, weak: weak.length });
    $("[data-mock-summary-title]").focus();
  }

  // --- Export, import, reset --------------------------------------------------
  function exportProgress() {
    const now = Date.now();
    const blob = new Blob([JSON.stringify(S.serialize(cards, now), null, 1)], { type: "application/json" });
    const a = Object.assign(document.createElement("a"), {
      href: URL.createObjectURL(blob),
      download: `genai-handbook-progress-${new Date(now).toISOString().slice(0, 10)}.json`,
    });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    status.textContent = fill(say.exported, { n: Object.keys(cards).length });
  }

  function importProgress(event) {
    const input = event.target;
    const file = input.files && input.files[0];
    if (!file) return;
    file.text()
      .then((text) => {
        const result = S.parse(text, new Set(byId.keys()));
        cards = S.merge(cards, result.cards);
        store();
        status.textContent = fill(say.imported, { n: Object.keys(result.cards).length, file: file.name });
      })
      .catch(() => (status.textContent = fill(say.importFailed, { file: file.name })))
      .finally(() => (input.value = ""));
  }

  function resetProgress() {
    const n = Object.keys(cards).length;
    if (!window.confirm(fill(say.resetConfirm, { n }))) return;
    cards = {};
    drill = S.drillFresh(Date.now());
    S.saveDrill(session, drill);
    storage.removeItem(S.KEY);
    renderProgress();
    status.textContent = say.resetDone;
  }

  drawButton.addEventListener("click", draw);
  reveal.addEventListener("click", showAnswer);
  grades.addEventListener("click", (event) => {
    const button = event.target.closest("[data-grade]");
    if (button && current) onGrade(Number(button.dataset.grade));
  });
  mockStart.addEventListener("click", startMock);
  mockStop.addEventListener("click", () => mock && finishMock());
  $("[data-progress-export]").addEventListener("click", exportProgress);
  $("[data-progress-import]").addEventListener("change", importProgress);
  $("[data-progress-reset]").addEventListener("click", resetProgress);
});
