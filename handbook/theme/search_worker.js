
/* Added by handbook/theme (add_query_functions) to Material's search worker. The index holds Chinese
   one character per token (the separator splits before every Han character), so any
   substring of a longer word is found. These two declarations are hoisted above the
   worker's code: this declaration is hoisted and stands in for the global
   addEventListener the worker calls to receive messages, and when it does, the
   global postMessage is wrapped too. A Chinese run in the query becomes required
   characters (+生 +成), and the results keep only sections that contain each run
   whole, ranked by where it occurs, with the run (not its characters) marked and
   passed on as ?h=. */
function addEventListener(type, listener, options) {
  var add = EventTarget.prototype.addEventListener;
  if (type !== "message") return add.call(self, type, listener, options);
  var post = self.postMessage;
  self.postMessage = function (message) { return post.call(self, __mdSearchOut(message)); };
  return add.call(self, type, function (ev) {
    return listener.call(this, { data: __mdSearchIn(ev.data) });
  }, options);
}

var __mdSearch = { docs: {}, queries: [] };
var __mdHan = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;

function __mdPlain(html) {
  return html.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").toLowerCase();
}

/* A title as a reader types it: without a trailing "(GAN)" or "（GAN）", spaces or case. */
function __mdBare(text) {
  return text.replace(/\s*[(（][^()（）]*[)）]\s*$/, "").replace(/\s+/g, "").toLowerCase();
}

function __mdSearchIn(message) {
  if (message && message.type === 0 && message.data && message.data.docs) {        // SETUP
    __mdSearch.docs = {};
    message.data.docs.forEach(function (doc) {
      __mdSearch.docs[doc.location] = { title: __mdPlain(doc.title || ""), text: __mdPlain(doc.text || ""), html: doc.text || "" };
    });
  } else if (message && message.type === 2 && typeof message.data === "string") {  // QUERY
    var query = message.data;
    var runs = (query.match(__mdHan) || []).filter(function (r) { return r.length > 1; });
    var words = query.replace(__mdHan, " ").replace(/(^|\s)[+-]+/g, " ").replace(/["*~^]/g, "").toLowerCase().split(/\s+/).filter(Boolean);
    __mdSearch.queries.push({ runs: runs, words: words, bare: __mdBare(query) });
    // Each character of a run required, as its own term (Material's own Chinese
    // segmentation of the query then leaves single characters alone).
    var data = query.replace(__mdHan, function (run) {
      return run.length > 1 ? " " + run.split("").map(function (c) { return "+" + c; }).join(" ") + " " : run;
    });
    return { type: 2, data: data };
  }
  return message;
}

function __mdMark(html, runs) {
  // Material marks every matched character; mark each whole run instead.
  html = html.replace(/<mark>([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)<\/mark>/g, "$1");
  runs.forEach(function (run) { html = html.split(run).join("<mark>" + run + "</mark>"); });
  return html;
}

function __mdTeaser(html, runs) {
  // The first paragraph or list item that holds a run, when Material's teaser holds none.
  var at = html.indexOf(runs[0]);
  if (at < 0) return "";
  var start = Math.max(html.lastIndexOf("<p>", at), html.lastIndexOf("<li>", at), 0);
  var end = html.indexOf("</", at);
  return html.slice(start, end < 0 ? at + 200 : end);
}

function __mdSearchOut(message) {
  if (!message || message.type !== 3 || !message.data || !message.data.items) return message;  // RESULT
  var query = __mdSearch.queries.shift();
  if (!query) return message;
  var runs = query.runs, words = query.words;
  var groups = [];
  message.data.items.forEach(function (items) {
    var kept = [], article = null, best = 0;
    items.forEach(function (item) {
      var doc = __mdSearch.docs[item.location] || { title: "", text: "", html: "" };
      var isArticle = item.location.indexOf("#") < 0;
      var whole = runs.every(function (r) { return doc.title.indexOf(r) >= 0 || doc.text.indexOf(r) >= 0; });
      var terms = {};
      Object.keys(item.terms || {}).forEach(function (t) {
        if (!/^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$/.test(t) || !runs.some(function (r) { return r.indexOf(t) >= 0; }))
          terms[t] = item.terms[t] || doc.title.indexOf(t) >= 0 || doc.text.indexOf(t) >= 0;
      });
      runs.forEach(function (r) { terms[r] = doc.title.indexOf(r) >= 0 || doc.text.indexOf(r) >= 0; });
      // Tiers: the heading is the term (a glossary entry), the heading holds the whole
      // term, the first paragraph or a page tag holds it, the text holds it, only some
      // words match; lunr's score within a tier. Sections without a Chinese run whole go.
      var score = 0;
      if (whole && item.score > 0) {
        var phrase = runs.concat(words.length ? [words.join(" ")] : []);
        var holds = function (text) { return phrase.length > 0 && phrase.every(function (p) { return text.indexOf(p) >= 0; }); };
        var tags = (item.tags || []).map(__mdPlain);
        var tier = __mdBare(doc.title) === query.bare ? 4 : holds(doc.title) ? 3
          : holds(doc.text.slice(0, 200)) || tags.some(holds) ? 2 : holds(doc.text) ? 1 : 0;
        score = tier * 1e15 + item.score;
      }
      var out = Object.assign({}, item, { score: score, terms: terms });
      out.title = __mdMark(out.title || "", runs).replace(/[\u200b-\u200d\u2060\ufeff]/g, "");
      if (runs.length && typeof out.text === "string") {
        var text = __mdMark(out.text, runs);
        if (text.indexOf("<mark>") < 0 && whole) text = __mdMark(__mdTeaser(doc.html, runs), runs);
        out.text = text;
      }
      if (typeof out.text === "string") out.text = out.text.replace(/[\u200b-\u200d\u2060\ufeff]/g, "");
      if (isArticle) article = out;
      if (score > 0) { kept.push(out); best = Math.max(best, score); }
    });
    if (!kept.length) return;
    kept.sort(function (a, b) { return b.score - a.score; });
    if (article && kept.indexOf(article) < 0) kept.push(Object.assign(article, { score: 0 }));
    // The page's own link highlights what its sections matched.
    if (article) kept.forEach(function (item) {
      Object.keys(item.terms).forEach(function (t) { article.terms[t] = article.terms[t] || item.terms[t]; });
    });
    groups.push({ best: best, items: kept });
  });
  groups.sort(function (a, b) { return b.best - a.best; });
  var data = Object.assign({}, message.data, { items: groups.map(function (g) { return g.items; }) });
  if (runs.length) data.suggest = [];
  return { type: 3, data: data };
}
