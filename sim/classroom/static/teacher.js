// The teacher's projector page: the join code, the controls, who has decided, the pictures, the debrief.
import { connect, countdown, fill, h, picture, runsTable } from "./game.js";

const $ = (id) => document.getElementById(id);
const key = new URLSearchParams(location.search).get("key") || "";
const setTimer = countdown($("timer"));
let state = null;

const link = connect({
  hello: () => ({ type: "teacher", key }),
  onMessage: receive,
  onStatus(status, reason = "") {
    $("link").dataset.status = status;
    const words = { online: "", offline: "reconnecting…", closed: `closed by the game (${reason}): reload the page to try again` };
    $("link").textContent = status in words ? words[status] : "connecting…";
  },
});

// a control is never queued: "Play the round now" pressed while offline must not play a later round
const command = (name, extra = {}) => {
  if (!link.send({ type: "command", command: name, ...extra })) notice("Not connected: press it again once the page is back online.");
};
$("start").addEventListener("click", () => command("start"));
$("pause").addEventListener("click", () => command(state && state.paused ? "resume" : "pause"));
$("advance").addEventListener("click", () => command("advance"));
// ending cannot be undone: one stray click next to the timer must not end the lesson
$("end").addEventListener("click", () => {
  if (window.confirm("End the game now and show the debrief? The game cannot go on after this.")) command("end");
});
$("timer-select").addEventListener("change", (e) => command("timer", { seconds: Number(e.target.value) }));

function notice(text) {
  $("notice").textContent = text || "";
  $("notice").hidden = !text;
}

function receive(message) {
  if (message.type === "refused") notice(message.reason);
  else if (message.type === "pictures") renderPictures(message);
  else if (message.type === "state") {
    state = message;
    render();
  }
}

function render() {
  const s = state;
  $("title").textContent = s.title;
  const where = { lobby: "Waiting to start: students join now", debrief: "Debrief" };
  let words = where[s.phase] || `Round ${s.round} of ${s.rounds} · ${s.unit} ${s.week}`;
  const paused = s.paused && s.phase === "playing"; // a game that is over is not paused
  if (paused) words += " · paused";
  if (s.applying) words += " · playing the round…";
  $("where").textContent = words;
  document.body.dataset.phase = s.phase;
  $("projector").hidden = false; // the server took the key
  if (!$("qr").getAttribute("src")) $("qr").src = `/qr.svg?key=${encodeURIComponent(key)}`; // the teacher's alone
  $("code").textContent = s.code;
  $("student-url").textContent = s.student_url.split("?")[0];
  setTimer(s.phase === "playing" && !s.applying ? s.seconds_left : null, s.paused);
  $("start").hidden = s.phase !== "lobby";
  $("pause").hidden = $("advance").hidden = $("end").hidden = s.phase !== "playing";
  $("pause").textContent = s.paused ? "Go on" : "Pause";
  // a paused game plays no round: the button waits for "Go on" rather than doing nothing
  $("advance").disabled = s.paused;
  $("advance").title = s.paused ? "Paused: press Go on first" : "";
  $("timer-select").value = String(s.timer || 0);
  document.querySelector(".controls").hidden = s.phase === "debrief";
  // a round with nobody to wait for plays only when the teacher (or the timer) says so: say it
  const decided =
    s.phase !== "playing"
      ? ""
      : s.nobody_deciding
        ? ` · nobody has a decision to take this round: press ${s.paused ? "Go on, then " : ""}Play the round now`
        : ` · ${s.decided} decided, ${s.waiting} deciding`;
  $("advance").classList.toggle("ready", Boolean(s.nobody_deciding) && !s.paused);
  $("decided-heading").textContent = `Players (${s.players.length})${decided}`;
  fill($("players"), s.players.map((p) => player(p, s.phase)));
  const n = s.numbers;
  fill(
    $("numbers"),
    [
      [s.unit, `${s.week}`],
      [s.outcome || "rate", `${n.rate} (target ${n.target})`],
      ["at the table", n.at_table],
      ["committed", n.committed],
      ["sharing data", n.sharing],
      ["money spent", n.money],
    ].map(([label, value]) => h("div.number", {}, h("span.label", {}, label), h("span.value", {}, value))),
  );
  const quiet = s.week > 0 ? "Nothing of note happened last round." : "Nothing yet.";
  fill($("narration"), s.narration.length ? s.narration.map((line) => h("li", {}, line)) : h("li.hint", {}, quiet));
  // seen from the back of the room: a pause as large as the numbers, not a word in the header
  $("paused-banner").hidden = !paused;
  $("debrief").hidden = !s.debrief;
  if (s.debrief) renderDebrief(s.debrief, s.unit, s.units);
  fitNetwork();
}

// The network as tall as the screen leaves once the players are listed under it (read from the
// back of the room), never less than 45% of the height: a long list of players scrolls the page.
function fitNetwork() {
  const network = $("network");
  const players = document.querySelector(".players-card");
  if (network.hidden || !network.offsetParent) return;
  const top = network.getBoundingClientRect().top + window.scrollY;
  const room = window.innerHeight - top - players.offsetHeight - 24; // the gap under the network and a margin
  network.style.setProperty("--network-height", `${Math.max(room, 0.45 * window.innerHeight)}px`);
}
window.addEventListener("resize", fitNetwork);

function player(p, phase) {
  const status = phase === "debrief" // the game is over: nobody is choosing, deciding or played for
    ? ""
    : !p.seat
    ? "choosing"
    : p.decided
      ? "decided"
      : p.idle // before "the model decides": an organization that left has nothing left to decide
        ? "nothing to decide"
        : p.away
          ? "the model decides"
          : p.waiting
            ? "deciding"
            : "";
  return h(
    `li.player.${p.decided ? "done" : p.waiting ? "waiting" : "idle"}`,
    { dataset: { player: p.id } },
    h("span.who", {}, h("span.nick", {}, p.nickname), h("span.seat", {}, p.seat || "no organization yet")),
    h(
      "span.doing",
      {},
      h("span.state", {}, status, p.online ? "" : " · offline"),
      p.waiting ? h("button.small", { type: "button", onclick: () => command("away", { player: p.id }) }, "model decides") : null,
    ),
    phase === "debrief" && p.seat
      ? null // the game is over: nobody who played is taken out of its record (a late joiner can be)
      : h(
          "button.small.remove",
          {
            type: "button",
            "aria-label": `remove ${p.nickname} from the game`,
            title: "remove from the game",
            onclick: () => window.confirm(`Remove ${p.nickname} from the game?`) && command("remove", { player: p.id }),
          },
          "×",
        ),
  );
}

// One chart at a time, large enough to read from the back of the room; the buttons choose which.
const CHARTS = { rate: "Chronic absence", trust: "Trust and diagnosis", members: "Members", money: "Money spent" };
let chartShown = "rate";
for (const button of document.querySelectorAll(".chart-tabs button")) {
  button.addEventListener("click", () => {
    chartShown = button.dataset.chart;
    showChart();
  });
}

function showChart() {
  for (const button of document.querySelectorAll(".chart-tabs button")) {
    button.setAttribute("aria-pressed", String(button.dataset.chart === chartShown));
  }
  for (const figure of $("charts").children) figure.hidden = figure.dataset.chart !== chartShown;
}

function renderPictures(message) {
  const svgs = message.svgs;
  fill($("network"), picture(svgs.network, "The network"));
  fill(
    $("charts"),
    Object.entries(CHARTS).map(([name, label]) => {
      const figure = picture(svgs[name], label);
      figure.dataset.chart = name;
      return figure;
    }),
  );
  showChart();
}

function renderDebrief(d, unit = "week", units = "weeks") {
  const seats = h(
    "table.milestones",
    {},
    h("tr", {}, h("th", {}, "member"), Object.keys(d.seats[0] ? d.seats[0].runs : {}).map((run) => h("th", {}, run))),
    d.seats.map((seat) => h("tr", {}, h("th", {}, seat.name), Object.values(seat.runs).map((w) => h("td", {}, w)))),
  );
  const students = h(
    "table.students",
    {},
    h("tr", {}, h("th", {}, "student"), h("th", {}, "played"), h("th", {}, "choices as the organization would have made them"), h("th", {}, "rounds the model decided")),
    d.students.map((st) =>
      h("tr", {}, h("td.nick", {}, st.nickname), h("td", {}, st.seat), h("td", {}, `${st.agreed} of ${st.total}`), h("td", {}, st.model_rounds ? String(st.model_rounds) : "")),
    ),
  );
  fill(
    $("debrief"),
    h("h2", {}, `Debrief after ${d.week} ${units}`),
    d.week === 0 ? h("p.notice", {}, "The game ended before any round was played: the runs have not begun, so there is nothing to compare yet.") : null,
    h("div.debrief-top", {}, picture(d.chart, "Expected rate in each run"), runsTable(d.runs, unit)),
    h("h3", {}, "When each member came, committed, shared and left, by round"),
    seats,
    h("h3", {}, "Students"),
    students,
  );
}
