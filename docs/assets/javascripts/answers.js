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
