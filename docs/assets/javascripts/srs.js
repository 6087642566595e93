// Spaced repetition for the practice page: the SM-2 schedule and the progress
// store, as pure functions (practice.js is the UI; tests/browser/
// test_practice_progress.py checks the schedule against the formula).
//
// SM-2: P. A. Woźniak, "Optimization of learning", 1990, as published at
// https://super-memory.com/english/ol/sm2.htm. Every question starts with an
// easiness factor EF = 2.5. After each grade q (0-5):
//   EF' = max(1.3, EF + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)))
//   q < 3: repetitions restart (n = 0, next interval 1 day), EF' is kept;
//   else:  n = n + 1 and the interval is 1 day (n = 1), 6 days (n = 2),
//          then ceil(previous interval * EF') days ("round it up").
// The page's four buttons give q = 1 (again), 3 (hard), 4 (good), 5 (easy).
// EF moves in steps of 0.02, so it is stored rounded to two decimals (exact).
// SM-2 step 7: "After each repetition session of a given day repeat again all
// items that scored below four ... until all of these items score at least
// four." Those repeats only clear an item from the day's drill: SuperMemo's
// grades in the final drill do not change the schedule (supermemo.com FAQ), so
// a question is graded for the schedule once a day and drilled after that.
// Our session has no end (new questions keep coming), so a drilled question
// returns after DRILL_GAP other questions, or at once when nothing due or new is left.
(function (global) {
  const DAY = 86400000;
  const KEY = "genai-handbook-progress"; // answers.js reads it too (marks on Q&A pages)
  const FORMAT = "genai-interview-handbook-progress";
  const VERSION = 1;
  const GRADES = { again: 1, hard: 3, good: 4, easy: 5 };
  const MASTERED_DAYS = 21; // "mastered": the next review is at least three weeks away (answers.js too)
  const WEAK_DAYS_PER_EF = 5; // a due card jumps the queue by 5 days per point of its topics' EF below 2.5
  const DRILL_BELOW = 4; // SM-2 step 7: repeat the same day until q >= 4
  const DRILL_GAP = 3; // other questions graded before a drilled one returns
  const DRILL_KEY = "genai-handbook-drill"; // sessionStorage: the day's drill survives a reload, not the tab

  const fresh = () => ({ ef: 2.5, reps: 0, interval: 0, due: 0, seen: 0, last: 0, q: null });

  function grade(card, q, now) {
    const c = { ...fresh(), ...card };
    const ef = Math.max(1.3, Math.round((c.ef + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02))) * 100) / 100);
    let reps = 0;
    let interval = 1;
    if (q >= 3) {
      reps = c.reps + 1;
      // Rounded to 1e-6 first: 5 * 2.2 is 11.000000000000002 in floating point, not a reason for 12 days.
      interval = reps === 1 ? 1 : reps === 2 ? 6 : Math.ceil(Math.round(c.interval * ef * 1e6) / 1e6);
    }
    return { ef, reps, interval, due: now + interval * DAY, seen: c.seen + 1, last: now, q };
  }

  const isCard = (c) =>
    c && typeof c === "object" && [c.ef, c.reps, c.interval, c.due, c.seen, c.last].every(Number.isFinite) &&
    c.ef >= 1.3 && c.reps >= 0 && c.interval >= 0 && c.seen >= 0;

  // A progress file or stored value -> { cards, dropped }. Throws on anything
  // that is not this handbook's format; ids no longer on the site are dropped.
  function parse(text, known) {
    let data;
    try {
      data = typeof text === "string" ? JSON.parse(text) : text;
    } catch {
      throw new Error("not JSON");
    }
    if (!data || data.format !== FORMAT || typeof data.cards !== "object" || !data.cards) throw new Error("foreign");
    if (!Number.isInteger(data.version) || data.version > VERSION) throw new Error("version");
    const cards = {};
    let dropped = 0;
    for (const [id, card] of Object.entries(data.cards)) {
      if (!isCard(card)) throw new Error(`bad card ${id}`);
      if (known && !known.has(id)) dropped++;
      else cards[id] = { ef: card.ef, reps: card.reps, interval: card.interval, due: card.due, seen: card.seen, last: card.last, q: card.q ?? null };
    }
    return { cards, dropped };
  }

  const serialize = (cards, now) => ({ format: FORMAT, version: VERSION, saved: new Date(now).toISOString(), cards });

  function load(storage, known) {
    const text = storage.getItem(KEY);
    if (!text) return { cards: {}, dropped: 0 };
    try {
      const result = parse(text, known);
      if (result.dropped) save(storage, result.cards, Date.now());
      return result;
    } catch {
      return { cards: {}, dropped: 0, corrupt: true };
    }
  }

  const save = (storage, cards, now) => storage.setItem(KEY, JSON.stringify(serialize(cards, now)));

  // An import merges card by card: the more recent review wins.
  function merge(mine, theirs) {
    const out = { ...mine };
    for (const [id, card] of Object.entries(theirs)) if (!out[id] || card.last > out[id].last) out[id] = card;
    return out;
  }

  // Mean EF per topic over the questions seen; a topic not yet seen counts as 2.5.
  function topicEase(questions, cards) {
    const sums = {};
    for (const q of questions) {
      const c = cards[q.id];
      if (!c) continue;
      for (const t of q.topics) (sums[t] ??= [0, 0]), (sums[t][0] += c.ef), (sums[t][1] += 1);
    }
    return Object.fromEntries(Object.entries(sums).map(([t, [s, n]]) => [t, s / n]));
  }
  const weakness = (q, ease) => 2.5 - Math.min(...q.topics.map((t) => ease[t] ?? 2.5));

  // --- The day's drill (SM-2 step 7) ---
  // { day, step, queue: [{ id, at }] }: step counts the grades of the session; a
  // question enters the queue when graded below 4 and is ready again at step `at`.
  const dayOf = (now) => new Date(now).toDateString(); // the reader's local day
  const drillFresh = (now) => ({ day: dayOf(now), step: 0, queue: [] });
  const drillToday = (drill, now) => (drill && drill.day === dayOf(now) ? drill : drillFresh(now));
  const inDrill = (drill, id) => !!drill && drill.queue.some((e) => e.id === id);

  // The drill after grade q of question id: out of the queue, and back at the end
  // (DRILL_GAP grades later) while q < 4.
  function drilled(drill, id, q) {
    const step = drill.step + 1;
    const queue = drill.queue.filter((e) => e.id !== id);
    if (q < DRILL_BELOW) queue.push({ id, at: step + DRILL_GAP });
    return { ...drill, step, queue };
  }

  // Grading: the first grade of the day sets the schedule (SM-2); a later grade the
  // same day (a drill repeat, or a question drawn again ahead of time) leaves the
  // card as it is and only moves the drill. Returns { cards, drill, scheduled }.
  function answer(cards, drill, id, q, now) {
    const today = drillToday(drill, now);
    const repeat = inDrill(today, id) || (!!cards[id] && dayOf(cards[id].last) === today.day);
    const out = repeat ? cards : { ...cards, [id]: grade(cards[id], q, now) };
    return { cards: out, drill: drilled(today, id, q), scheduled: !repeat };
  }

  function loadDrill(store, now, known) {
    try {
      const d = JSON.parse(store.getItem(DRILL_KEY) || "null");
      if (d && d.day === dayOf(now) && Number.isInteger(d.step) && Array.isArray(d.queue))
        return { ...d, queue: d.queue.filter((e) => e && typeof e.id === "string" && Number.isInteger(e.at) && (!known || known.has(e.id))) };
    } catch {}
    return drillFresh(now);
  }
  function saveDrill(store, drill) {
    try {
      store.setItem(DRILL_KEY, JSON.stringify(drill));
    } catch {} // storage full or refused: the drill still runs in memory for this page
  }

  // The next question from pool: a drilled question whose turn has come (oldest
  // first), then the most overdue due one (weak topics moved ahead), then a new
  // one (weakest topics first, random among equals); when none is left, a drilled
  // question even before its turn, and only then the one due soonest. ease is
  // topicEase over every question; drill is the day's drill (optional).
  function next(pool, cards, now, ease, avoid, random = Math.random, drill = null) {
    const choices = pool.length > 1 ? pool.filter((q) => q.id !== avoid) : pool;
    const waiting = drill ? drill.queue.map((e) => [e, choices.find((q) => q.id === e.id)]).filter(([, q]) => q) : [];
    const ready = waiting.find(([e]) => e.at <= drill.step);
    if (ready) return { question: ready[1], kind: "drill" };
    const due = choices.filter((q) => cards[q.id] && cards[q.id].due <= now && !inDrill(drill, q.id));
    const rank = (q) => (now - cards[q.id].due) / DAY + WEAK_DAYS_PER_EF * weakness(q, ease);
    if (due.length) return { question: due.reduce((a, b) => (rank(b) > rank(a) ? b : a)), kind: "due" };
    const unseen = choices.filter((q) => !cards[q.id]);
    if (unseen.length) {
      const top = Math.max(...unseen.map((q) => weakness(q, ease)));
      const weakest = unseen.filter((q) => weakness(q, ease) === top);
      return { question: weakest[Math.floor(random() * weakest.length)], kind: "new" };
    }
    if (waiting.length) return { question: waiting[0][1], kind: "drill" };
    if (!choices.length) return null;
    return { question: choices.reduce((a, b) => (cards[b.id].due < cards[a.id].due ? b : a)), kind: "ahead" };
  }

  // Seen, due and mastered counts of a list of questions.
  function tally(questions, cards, now) {
    const t = { total: questions.length, seen: 0, due: 0, mastered: 0, fresh: 0 };
    for (const q of questions) {
      const c = cards[q.id];
      if (!c) { t.fresh++; continue; }
      t.seen++;
      if (c.due <= now) t.due++;
      if (c.interval >= MASTERED_DAYS) t.mastered++;
    }
    return t;
  }

  global.HandbookSRS = {
    DAY, KEY, FORMAT, VERSION, GRADES, MASTERED_DAYS, DRILL_BELOW, DRILL_GAP, DRILL_KEY,
    grade, parse, serialize, load, save, merge, topicEase, next, tally,
    drillFresh, drillToday, inDrill, drilled, answer, loadDrill, saveDrill,
  };
})(globalThis);
