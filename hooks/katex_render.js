// Render TeX to HTML with the KaTeX copy the site serves (docs/assets/katex).
// Protocol: one JSON request per line on stdin, {"tex": "...", "display": bool};
// one JSON reply per line on stdout, {"html": "..."} or {"error": "..."}.
const path = require("path");
const readline = require("readline");
const katex = require(path.join(__dirname, "..", "docs", "assets", "katex", "katex.min.js"));

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  let reply;
  try {
    const { tex, display } = JSON.parse(line);
    reply = { html: katex.renderToString(tex, { displayMode: display, throwOnError: true, output: "htmlAndMathml" }) };
  } catch (err) {
    reply = { error: String(err.message || err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
