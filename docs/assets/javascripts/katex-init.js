// Render math written with pymdownx.arithmatex (generic mode) using the KaTeX
// copy served by this site. Math inside a closed <details> (most full answers)
// is rendered when the reader opens it, which keeps page load light.
(() => {
  const options = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
  };
  const render = (el) => {
    if (el.dataset.katex === "done") return;
    el.dataset.katex = "done";
    renderMathInElement(el, options);
  };
  document$.subscribe(({ body }) => {
    body.querySelectorAll(".arithmatex").forEach((el) => {
      if (!el.closest("details:not([open])")) render(el);
    });
  });
  // Capture phase: "toggle" does not bubble.
  document.addEventListener("toggle", (event) => {
    if (event.target.open) event.target.querySelectorAll(".arithmatex").forEach(render);
  }, true);
  window.addEventListener("beforeprint", () => document.querySelectorAll(".arithmatex").forEach(render));
})();
