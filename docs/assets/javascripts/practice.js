// Practice mode: draw a random question, filtered by topic and difficulty;
// the answer stays hidden until asked for. The question list comes from
// assets/questions.json and the rendered answers from assets/answers.json
// (fetched at the first draw: it is large), both written by hooks/questions.py.
document$.subscribe(() => {
  const root = document.querySelector("[data-practice]");
  if (!root) return;
  const $ = (sel) => root.querySelector(sel);
  const topic = $("[data-practice-topic]");
  const level = $("[data-practice-difficulty]");
  const card = $("[data-practice-card]");
  const reveal = $("[data-practice-reveal]");
  const answer = $("[data-practice-answer]");
  const status = $("[data-practice-status]");
  const base = new URL(root.dataset.src, location.href);
  let questions = [];
  let last = null;
  let answers = null;
  const loadAnswers = () =>
    (answers ??= fetch(new URL(root.dataset.answers, location.href)).then((r) => r.json()));

  const option = (value, label) => Object.assign(document.createElement("option"), { value, textContent: label });

  fetch(base)
    .then((r) => r.json())
    .then((data) => {
      questions = data.questions;
      const used = new Set(questions.flatMap((q) => q.topics));
      Object.entries(data.labels.topics)
        .filter(([id]) => used.has(id))
        .forEach(([id, label]) => topic.append(option(id, label)));
      Object.entries(data.labels.difficulty).forEach(([id, label]) => level.append(option(id, label)));
      root.labels = data.labels;
      $("[data-practice-draw]").disabled = false;
      status.textContent = root.dataset.ready.replace("{n}", questions.length);
    })
    .catch(() => (status.textContent = root.dataset.failed));

  const draw = () => {
    const pool = questions.filter(
      (q) => (!topic.value || q.topics.includes(topic.value)) && (!level.value || q.difficulty === level.value),
    );
    if (!pool.length) {
      card.hidden = true;
      status.textContent = root.dataset.empty;
      return;
    }
    // Avoid drawing the same question twice in a row when there is a choice.
    const choices = pool.length > 1 ? pool.filter((q) => q !== last) : pool;
    const q = choices[Math.floor(Math.random() * choices.length)];
    last = q;
    const link = $("[data-practice-title]");
    link.textContent = q.title;
    link.href = new URL(q.url, base.href.replace(/assets\/questions\.json$/, "")).href;
    $("[data-practice-meta]").textContent =
      `${root.labels.difficulty[q.difficulty]} · ${q.topics.map((t) => root.labels.topics[t]).join(root.labels.separator)} · ${q.page}`;
    answer.replaceChildren();
    answer.hidden = true;
    loadAnswers()
      .then((all) => { if (last === q) answer.innerHTML = all[q.id]; })
      .catch(() => { if (last === q) answer.textContent = root.dataset.failed; });
    reveal.hidden = false;
    reveal.setAttribute("aria-expanded", "false");
    card.hidden = false;
    status.textContent = root.dataset.pool.replace("{n}", pool.length);
    link.focus();
  };

  $("[data-practice-draw]").addEventListener("click", draw);
  reveal.addEventListener("click", () => {
    answer.hidden = false;
    reveal.hidden = true;
    reveal.setAttribute("aria-expanded", "true");
  });
});
