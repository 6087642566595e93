// "Expand / collapse all answers" switch (rendered by hooks/questions.py), and
// answers opened for printing. document$ re-runs this after instant navigation.
document$.subscribe(() => {
  const article = document.querySelector("article.md-content__inner");
  const toggle = document.querySelector(".answers-toggle");
  if (!article || !toggle) return;
  const blocks = () => [...article.querySelectorAll("details")];
  const sync = () => {
    const allOpen = blocks().every((d) => d.open);
    toggle.textContent = allOpen ? toggle.dataset.collapse : toggle.dataset.expand;
    toggle.setAttribute("aria-pressed", String(allOpen));
  };
  toggle.addEventListener("click", () => {
    const open = !blocks().every((d) => d.open);
    blocks().forEach((d) => (d.open = open));
    sync();
  });
  article.addEventListener("toggle", sync, true);
  sync();
});

// Print every answer, then restore what the reader had open.
let closedBeforePrint = [];
window.addEventListener("beforeprint", () => {
  closedBeforePrint = [...document.querySelectorAll("details:not([open])")];
  closedBeforePrint.forEach((d) => (d.open = true));
});
window.addEventListener("afterprint", () => {
  closedBeforePrint.forEach((d) => (d.open = false));
  closedBeforePrint = [];
});

// The language selector links to the twin page; question anchors are shared
// by both languages, so carry the current one along to land on the twin question.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest(".md-select__link[hreflang]");
  if (link && location.hash) link.href = link.href.split("#")[0] + location.hash;
}, true);

// Practice progress (practice.js, srs.js) as a small mark under each practised
// question's heading. A reader who never practised has no stored progress: one
// storage read, then nothing.
document$.subscribe(() => {
  let cards;
  try {
    cards = JSON.parse(localStorage.getItem("genai-handbook-progress") || "null")?.cards;
  } catch {
    return;
  }
  const labels = cards && document.querySelector(".answers-toggle");
  if (!labels) return;
  const now = Date.now();
  for (const [id, card] of Object.entries(cards)) {
    const meta = document.getElementById(id)?.nextElementSibling;
    if (!meta || !meta.classList.contains("question-meta") || meta.querySelector(".question-progress")) continue;
    // Due first, then mastered (next review 21+ days away, srs.js MASTERED_DAYS), else practised.
    const state = card.due <= now ? "due" : card.interval >= 21 ? "mastered" : "seen";
    const mark = Object.assign(document.createElement("span"), {
      className: `question-progress question-progress--${state}`, textContent: labels.dataset[state],
    });
    meta.prepend(mark, " ");
  }
});
