// The student's page: join, pick an organization, decide each round, read the debrief.
import { connect, countdown, fill, h, picture, runsTable } from "./game.js";
// what a seat is, where it is not an organization of a sector
const SEAT_WORDS = { leader: "the convener (system leader)", community: "the community partner" };

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(location.search);
let code = (query.get("code") || localStorage.getItem("coalition-code") || "").trim().toUpperCase();
let state = null;
let formKey = null;
let draft = {};
let choosing = false; // the student asked to change organization (lobby only)
let changing = null; // the round whose sent decision the student asked to change
const tokenKey = (c) => `coalition-token-${c}`;

// the code that worked is kept, also in the address bar: a reload must not bring back a wrong one
function remember(good) {
  code = good;
  localStorage.setItem("coalition-code", good);
  const url = new URL(location.href);
  if (url.searchParams.get("code") === good) return;
  url.searchParams.set("code", good);
  history.replaceState(null, "", url);
}

function forget() {
  localStorage.removeItem("coalition-code");
  const url = new URL(location.href);
  url.searchParams.delete("code");
  history.replaceState(null, "", url);
  code = "";
  $("code").value = "";
}
const setTimer = countdown($("timer"));

const link = connect({
  hello: () => (code ? { type: "hello", code, token: localStorage.getItem(tokenKey(code)) || undefined } : null),
  onMessage: receive,
  queue: true, // a join, pick or decision tapped while connecting goes once connected (a stale one is refused)
  onStatus(status, reason = "") {
    $("link").dataset.status = status;
    // back online: what was waiting has gone (the queue is sent on open), so its warning goes too
    if (status === "online" && $("notice").textContent.startsWith("Not connected yet")) notice("");
    const words = { online: "", offline: "reconnecting…", closed: `closed by the game (${reason}): reload the page to try again` };
    $("link").textContent = status in words ? words[status] : "connecting…";
  },
});

$("code").value = code;
$("join").hidden = false;
$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  code = $("code").value.trim().toUpperCase();
  sent(link.send({ type: "join", code, nickname: $("nickname").value.trim() }));
});

// a request made while the page is not connected goes when it is back: say so
function sent(now) {
  if (!now) notice("Not connected yet: this goes to the teacher's computer as soon as the page is back online.");
}

function notice(text) {
  $("notice").textContent = text || "";
  $("notice").hidden = !text;
  // a refusal (a seat someone took a moment before) is read where it shows, not above a long list
  if (text) $("notice").scrollIntoView({ block: "nearest" });
}

function receive(message) {
  if (message.type === "welcome") {
    remember(message.code);
    localStorage.setItem(tokenKey(code), message.token);
    notice("");
  } else if (message.type === "refused") {
    if (message.request === "hello" && localStorage.getItem(tokenKey(code))) {
      localStorage.removeItem(tokenKey(code)); // an old game's token: start afresh
      link.send({ type: "hello", code });
      return;
    }
    const stored = localStorage.getItem("coalition-code");
    if (message.request === "hello" && stored && stored !== code) {
      remember(stored); // a wrong code in the address: the game this browser joined comes first
      link.send({ type: "hello", code, token: localStorage.getItem(tokenKey(code)) || undefined });
      return;
    }
    if (message.request === "hello") {
      forget(); // yesterday's code, or a wrong one in the address: never tried again
      notice(`${message.reason}: type the code on the teacher's screen`);
    } else notice(message.reason);
    if (message.request === "decide") formKey = null; // let them send again
    if (state) render();
  } else if (message.type === "state") {
    if (state && state.you && !message.you) {
      localStorage.removeItem(tokenKey(code)); // the teacher took this student out
      notice("The teacher took you out of the game. If you are meant to play, join again.");
    } else if (message.you && code) remember(code);
    // the game starts: the first decision is at the top (a student may have scrolled down the seats)
    const started = state && state.phase === "lobby" && message.phase === "playing";
    state = message;
    render();
    if (started) window.scrollTo(0, 0);
  }
}

function render() {
  const s = state;
  $("title").textContent = s.title;
  const where = { lobby: "Waiting for the teacher to start", debrief: "The game is over" };
  const paused = s.phase === "playing" && s.paused ? " · paused by the teacher" : "";
  $("where").textContent = (where[s.phase] || `Round ${s.round} of ${s.rounds} · ${s.unit} ${s.week}`) + paused;
  setTimer(s.phase === "playing" && !s.applying ? s.seconds_left : null, s.paused);
  const you = s.you;
  $("join").hidden = Boolean(you);
  // once the game is over nobody picks an organization: one who joined late sees the debrief
  const picking = you && s.phase !== "debrief" && (!you.seat || (choosing && s.phase === "lobby"));
  $("seats").hidden = !picking;
  for (const id of ["status", "decide", "briefing", "debrief"]) $(id).hidden = !you || picking || (!you.seat && id !== "debrief");
  if (!you) return;
  if (picking) return renderSeats(s);
  if (!you.seat) {
    $("debrief").hidden = !s.debrief;
    if (s.debrief) renderDebrief(s.debrief, s.unit, s.units);
    return;
  }
  renderStatus(s);
  renderDecision(s);
  const mine = s.seats.find((x) => x.id === s.you.seat);
  renderBriefing(s.briefing, s.units, s.unit, s.week, mine ? mine.gone : "");
  $("debrief").hidden = !s.debrief;
  if (s.debrief) renderDebrief(s.debrief, s.unit, s.units);
}

function renderSeats(s) {
  const inPlay = s.seats.filter((seat) => !seat.gone);
  const fewest = Math.min(...inPlay.map((seat) => seat.players - (seat.id === s.you.seat ? 1 : 0)));
  fill(
    $("seats"),
    h("h2", {}, "Hello ", h("bdi", {}, s.you.nickname), ". Which organization do you play?"),
    inPlay.length
      ? h("p.hint", {}, "Each student plays one; once every organization has a player, you can join one as a team.")
      : h("p.hint", {}, "Every organization has left the game: there is nobody left to play. Watch the projector."),
    h(
      "ul.seat-list",
      {},
      s.seats.map((seat) => {
        const others = seat.players - (seat.id === s.you.seat ? 1 : 0);
        const taken = seat.gone || others > fewest;
        return h(
          "li",
          {},
          h(
            "button.seat",
            {
              type: "button",
              disabled: taken,
              dataset: { seat: seat.id, kind: seat.kind },
              onclick: () => {
                choosing = false;
                sent(link.send({ type: "pick", seat: seat.id }));
              },
            },
            h("strong", {}, seat.name),
            h("span.sector", {}, SEAT_WORDS[seat.kind] || seat.sector),
            h("span.taken", {}, seat.gone || (others ? `${others} playing` : "free")),
          ),
        );
      }),
    ),
  );
}

function renderStatus(s) {
  const seat = s.seats.find((x) => x.id === s.you.seat);
  const lines = [h("p.you", {}, h("bdi", {}, s.you.nickname), ", you play ", h("strong", {}, seat.name), ".")];
  if (s.phase === "lobby") {
    lines.push(h("p", {}, "Read your briefing below while the others join."));
    lines.push(h("button.link", { type: "button", onclick: () => ((choosing = true), render()) }, "Choose another organization"));
  }
  if (s.paused) lines.push(h("p.paused", {}, "The teacher paused the game."));
  const played = s.you.model_played || [];
  // the model played the seat last round (nobody sent a decision in time, or the teacher let it): say so,
  // unless the seat went out that round (the decision box says it, with its round)
  if (s.phase === "playing" && played.includes(s.round - 1) && !(seat.gone && s.you.gone_in === s.round - 1))
    lines.push(h("p.notice#model-played", {}, `Round ${s.round - 1}: no decision came from you, so the model decided for ${seat.name}.`));
  if (s.you.away && s.phase === "playing" && s.questions.length) lines.push(h("p.hint", {}, "The model decides for you until you send a decision."));
  if (s.phase === "playing") {
    const progress = s.nobody_deciding
      ? "Nobody has a decision to take this round: it is played when the teacher says so."
      : `${s.decided} decided this round, ${s.waiting} still deciding.`;
    lines.push(h("p.progress", {}, progress));
  }
  fill($("status"), lines);
}

function renderDecision(s) {
  const box = $("decide");
  if (s.phase !== "playing") {
    box.hidden = true;
    formKey = null;
    return;
  }
  if (s.applying) return fill(box, h("p.big", {}, "Playing the round…"));
  if (s.answered && changing !== s.round) {
    formKey = null;
    draft = {};
    const change = () => {
      changing = s.round;
      render();
    };
    return fill(
      box,
      h("h2", {}, `Your decision for round ${s.round} is in`),
      h("ul.answered", {}, s.answered.map((line) => h("li", {}, line))),
      h(
        "p.hint",
        {},
        s.paused ? "The teacher paused the game: the round is played when they go on." : "The round is played when everyone has decided.",
      ),
      h("button.link#change", { type: "button", onclick: change }, "Change my decision"),
    );
  }
  if (!s.questions.length) {
    formKey = null;
    const seat = s.seats.find((x) => x.id === s.you.seat);
    // an organization that went out in a round the model played for it: the model's decision, not the student's
    const when = s.you.gone_in ? ` in round ${s.you.gone_in}` : "";
    const byModel = seat && seat.gone ? when + ((s.you.model_played || []).includes(s.you.gone_in) ? ", when the model decided for it" : "") : "";
    const why = seat && seat.gone ? `Your organization ${seat.gone}${byModel}: it has nothing more to decide in this game.` : "Your organization has nothing to decide this round.";
    return fill(box, h("p", {}, `${why} Watch what the others do.`));
  }
  const key = `${s.round}|${s.you.seat}|${s.questions.map((q) => q.field).join(",")}`;
  if (key === formKey) return updateSend();
  formKey = key;
  draft = {};
  fill(
    box,
    h("h2", {}, `Round ${s.round}: your decision`),
    h("p.hint", {}, `It holds for the next ${s.weeks_per_round} ${s.units}.`),
    h(
      "form#decision",
      { onsubmit: send, onchange: collect },
      s.questions.map(question),
      h("button.primary#send", { type: "submit", "aria-describedby": "send-hint" }, "Send my decision"),
      h("p.hint#send-hint", {}, "Answer every question (you may skip the optional ones) to send."),
    ),
  );
  if (s.sent) prefill(s.sent); // changing a decision: it starts from what was sent
  else {
    // ticked but not yet sent before a reload: the page keeps it for this round
    const kept = sessionStorage.getItem(draftKey());
    if (kept) prefill(JSON.parse(kept));
  }
  updateSend();
}

const draftKey = () => `coalition-draft|${code}|${formKey}`;

function prefill(sent) {
  for (const [field, value] of Object.entries(sent)) {
    for (const input of document.querySelectorAll(`input[name="${field}"]`)) {
      input.checked = Array.isArray(value) ? value.map(String).includes(input.value) : String(value) === input.value;
    }
  }
  collect();
}

function question(q) {
  const items = q.options.length
    ? q.options.map(([node, label]) => h("label.option", {}, h("input", { type: "checkbox", name: q.field, value: node }), label))
    : q.answers.map(([value, words]) => h("label.answer", {}, h("input", { type: "radio", name: q.field, value: String(value) }), words));
  const note = q.required ? null : h("span.optional", {}, " (optional: if you skip it, your organization does what it usually does)");
  const why = q.note ? h("p.hint", {}, q.note) : null;
  return h("fieldset.question", { dataset: { field: q.field } }, h("legend", {}, q.ask, note), h("div.choices", {}, items), why);
}

function collect() {
  draft = {};
  for (const q of state.questions) {
    if (q.options.length) {
      draft[q.field] = [...document.querySelectorAll(`input[name="${q.field}"]:checked`)].map((i) => Number(i.value));
    } else {
      const picked = document.querySelector(`input[name="${q.field}"]:checked`);
      if (picked) draft[q.field] = picked.value === "true";
    }
  }
  if (formKey) sessionStorage.setItem(draftKey(), JSON.stringify(draft));
  warnLeaving();
  updateSend();
}

// leaving and committing (or sharing) in one round is allowed, but rarely meant: say what happens
function warnLeaving() {
  const box = document.querySelector('fieldset[data-field="leave"]');
  if (!box) return;
  const also = ["commit", "share", "keep_pledges"].filter((field) => draft[field] === true);
  let warning = box.querySelector(".warning");
  if (draft.leave === true && also.length) {
    if (!warning) box.append((warning = h("p.warning#leave-warning", { role: "status" })));
    warning.textContent = "You chose to leave as well: your organization does what you ticked above, then leaves the coalition this round.";
  } else if (warning) warning.remove();
}

function updateSend() {
  const ready = state.questions.every((q) => !q.required || q.field in draft || q.options.length);
  const button = $("send");
  if (button) button.disabled = !ready;
  if ($("send-hint")) $("send-hint").hidden = ready;
}

function send(event) {
  event.preventDefault();
  collect();
  $("send").disabled = true;
  notice("");
  changing = null;
  sent(link.send({ type: "decide", round: state.round, answers: draft }));
}

function meter(value, label) {
  return h("meter", { min: 0, max: 1, value, "aria-label": label }, value);
}

// a trust as the pages write it, always two decimals (0.40 beside 0.47, not 0.4)
const two = (v) => Number(v).toFixed(2);

function renderBriefing(b, units = "weeks", unit = "week", week = 0, gone = "") {
  if (!b) return;
  const parts = [h("h2", {}, b.name), h("p.sector", {}, SEAT_WORDS[b.kind] || b.sector)];
  parts.push(h("p", {}, h("strong", {}, "Your mission: "), b.mission));
  parts.push(h("p", {}, h("strong", {}, "Now: "), `you are ${b.state}.`));
  if (b.kind === "leader") {
    parts.push(h("p", {}, h("strong", {}, "The table: "), `trust between its organizations, on their ties, ${two(b.trust)} on average; ${b.rate}; ${b.cause}.`));
    if (b.missing.length) parts.push(h("p", {}, h("strong", {}, "Roles still missing at the table: "), b.missing.join("; ")));
    parts.push(
      h("table.members", {}, h("tr", {}, h("th", {}, "member"), h("th", {}, "state"), h("th", {}, "trust in the coalition")),
        b.members.map((m) => h("tr", {}, h("td", {}, m.who), h("td", {}, m.state + (m.sharing ? ", shares records" : "")), h("td", {}, meter(m.trust, m.who), ` ${two(m.trust)}`)))),
    );
  } else {
    parts.push(h("p", {}, h("strong", {}, "Money: "), [b.budget, b.pledge, b.given].filter(Boolean).join("; "), "."));
    if (b.sharing) parts.push(h("p", {}, "You share your records with the coalition."));
    parts.push(
      h("p", {}, h("strong", {}, "Your trust in the coalition: "), meter(b.trust, "trust in the coalition"), ` ${b.trust_shown || two(b.trust)} `, h("span.hint", {}, `(${b.trust_scale})`)),
    );
    if (b.ties.length) {
      parts.push(
        h("table.ties", {}, h("tr", {}, h("th", {}, "tied to"), h("th", {}, "your trust in them"), h("th", {}, "their trust in you")),
          b.ties.map((t) => h("tr", {}, h("td", {}, t.who), h("td", {}, meter(t.yours, `your trust in ${t.who}`), ` ${two(t.yours)}`), h("td", {}, meter(t.theirs, `${t.who}'s trust in you`), ` ${two(t.theirs)}`)))),
      );
    } else parts.push(h("p.hint", {}, "You have no ties to anyone at the table yet."));
    const m = b.metric;
    const pct = (v) => `${(v * 100).toFixed(1)}%`;
    if (m.now !== null) {
      const before = m.before === null ? "" : ` (a round ago ${pct(m.before)})`;
      parts.push(h("p", {}, h("strong", {}, "What you watch: "), `${m.name}: ${pct(m.now)}${before}.`));
    }
    if (b.shared.length) parts.push(h("p", {}, h("strong", {}, "The coalition's shared measures, which you now watch: "), b.shared.join("; "), "."));
  }
  const waited = `${b.waited} ${b.waited === 1 ? unit : units}`;
  // an organization out of the game waits for nothing: its patience is spent or beside the point
  // progress is a new low of the smoothed measure, not any fall (34.2% to 33.3% can be none)
  const seen = b.progress_margin === undefined ? "" : ` (you see progress when what you watch, averaged over recent ${units}, gets ${Math.round(b.progress_margin * 100)}% lower than its lowest so far)`;
  const board = `your board waits ${b.patience} ${b.patience === 1 ? unit : units}`;
  if (!gone) parts.push(h("p", {}, h("strong", {}, "Patience: "), `${waited} without progress you could see${seen}; ${board}.`));
  const quiet = week > 0 ? "Nothing of note happened last round." : "Nothing yet.";
  parts.push(h("h3", {}, "Last round"), b.news.length ? h("ul.news", {}, b.news.map((n) => h("li", {}, n))) : h("p.hint", {}, quiet));
  fill($("briefing"), parts);
}

function renderDebrief(d, unit = "week", units = "weeks") {
  const mine = d.choices;
  const parts = [h("h2", {}, "Debrief"), h("p", {}, `After ${d.week} ${units}: your class's run beside the same city and luck played by the model alone.`)];
  if (d.week === 0) parts.push(h("p.notice", {}, "The game ended before any round was played: there is nothing to compare yet."));
  parts.push(picture(d.chart, "Expected rate in each run"), runsTable(d.runs, unit));
  if (d.seat) {
    parts.push(h("h3", {}, d.seat.name), h("ul", {}, Object.entries(d.seat.runs).map(([run, words]) => h("li", {}, h("strong", {}, `${run}: `), words))));
  }
  if (!mine) {
    parts.push(h("p.hint", {}, "You joined after the game: this is how the class's run went."));
    return fill($("debrief"), parts);
  }
  parts.push(h("h3", {}, "Your choices"));
  if (mine.total) parts.push(h("p", {}, `${mine.agreed} of ${mine.total} were what your organization would have done on its own.`));
  const played = (state.you && state.you.model_played) || [];
  if (played.length) {
    const rounds = played.length === 1 ? `round ${played[0]}` : `rounds ${played.slice(0, -1).join(", ")} and ${played[played.length - 1]}`;
    parts.push(h("p.hint#model-rounds", {}, `The model decided for your organization in ${rounds} (no decision came from you); those rounds are not among your choices.`));
  }
  parts.push(
    h("ol.choices", {}, mine.lines.map((c) =>
      h(
        `li.${c.agrees ? "agrees" : "differs"}`,
        {},
        h("strong", {}, `Round ${c.round}: `),
        h("span.verdict", {}, c.agrees ? "same. " : "different. "),
        `${c.ask} You: ${c.answer}. On its own: ${c.model} (${c.reason}).`,
      ))),
  );
  fill($("debrief"), parts);
}
