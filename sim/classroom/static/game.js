// The page's side of the game: one WebSocket that comes back by itself, and small DOM helpers.
// Every message from the server is JSON; a "state" message is the page's whole state.

// queue: keep what is sent while the link is down (one of each type, the latest) and send it after
// the hello; without it, send() returns false and the page says so
export function connect({ hello, onMessage, onStatus, queue = false }) {
  let socket = null;
  let tries = 0;
  let waiting = [];
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
  const open = () => {
    onStatus("connecting");
    socket = new WebSocket(url);
    socket.onopen = () => {
      onStatus("online");
      const first = hello();
      if (first) socket.send(JSON.stringify(first));
      for (const message of waiting) socket.send(JSON.stringify(message));
      waiting = [];
    };
    socket.onmessage = (event) => {
      tries = 0; // the game answered: a later drop starts its back-off afresh (an open alone is no answer)
      onMessage(JSON.parse(event.data));
    };
    socket.onclose = (event) => {
      if (event.code === 1008) {
        // closed by the game for going past a limit (sim/classroom/guard.py): coming back at once would only repeat it
        onStatus("closed", event.reason);
        return;
      }
      onStatus("offline");
      tries += 1;
      // back off up to 5 s, a little at random so that thirty phones do not come back at once
      setTimeout(open, Math.min(5000, 300 * 2 ** Math.min(tries, 5)) * (0.75 + Math.random() / 2));
    };
  };
  open();
  return {
    // true: sent now; false: not sent (with queue, it goes as soon as the link is back)
    send(message) {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify(message));
        return true;
      }
      if (queue) waiting = waiting.filter((m) => m.type !== message.type).concat([message]);
      return false;
    },
    reopen() {
      if (socket) socket.close();
    },
  };
}

// h("p.note#id", {title: "x"}, "text", child): an element with classes, attributes and children.
// Text is always set as text (never as HTML): nicknames come from students.
export function h(tag, attrs = {}, ...children) {
  const [head, id] = tag.split("#");
  const [name, ...classes] = head.split(".");
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(" ");
  if (id) el.id = id;
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

// A countdown that follows the server's "seconds_left" between two states; it stands still while paused.
export function countdown(el) {
  let end = null;
  const show = (left) => {
    el.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  };
  setInterval(() => {
    if (end !== null) show(Math.max(0, Math.round((end - Date.now()) / 1000)));
  }, 250);
  return (seconds, paused = false) => {
    const none = seconds === null || seconds === undefined;
    end = none || paused ? null : Date.now() + seconds * 1000;
    el.hidden = none;
    if (none) el.textContent = "";
    else if (paused) show(Math.max(0, Math.round(seconds)));
  };
}

export function runsTable(runs, unit = "week") {
  const rows = [
    ["", ...runs.map((r) => r.name)],
    [`rate in the last ${unit}`, ...runs.map((r) => `${r.rate} (expected ${r.expected})`)],
    ["members committed", ...runs.map((r) => r.committed)],
    ["sharing records", ...runs.map((r) => r.sharing)],
    ["members who left", ...runs.map((r) => r.left)],
    ["money spent", ...runs.map((r) => r.money)],
    ["mean trust (all who have not left)", ...runs.map((r) => r.trust)],
    ["goal", ...runs.map((r) => r.goal)],
  ];
  return h(
    "table.runs",
    {},
    h("thead", {}, h("tr", {}, rows[0].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.slice(1).map((row) => h("tr", {}, h("th", { scope: "row" }, row[0]), row.slice(1).map((c) => h("td", {}, c))))),
  );
}

// An SVG picture made by the server (our own pictures, never a student's text).
export function picture(svg, label) {
  const box = h("figure.picture", { "aria-label": label });
  box.innerHTML = svg;
  return box;
}
