/* officewell · environment alerts: /alerts.
 *
 * Everyone reads them (GET /alerts: open ones, and the most recent cleared ones); roles whose areas hold
 * "alerts_ack" (facilities, admin) acknowledge one, with an optional note (POST /alerts/{id}/ack). Open
 * alerts nobody has acknowledged come first, as cards; then those someone is on and those that cleared by
 * themselves, as a table with who acknowledged when. Filters by zone (?zone=, sent to the API) and by state
 * (?state=, on the page). Refreshed every 30 s; while an acknowledgement is being written the refresh keeps
 * its figures and draws them once the form closes. The API's error texts are English: the page says what
 * happened in its own words.
 */
(() => {
  "use strict";

  const shared = window.officewellSession;
  const { $, el, t, fmt } = shared;

  const REFRESH_S = 30;
  const RECENT = 50; // cleared alerts shown
  const STATES = ["all", "waiting", "acknowledged", "cleared"];

  const state = {
    ctx: null,
    zones: null, // id -> zone
    quantities: null, // key -> GET /quantities row
    canAck: false,
    filters: { zone: "", state: "all" },
    data: null, // {open: AlertsPublic, cleared: AlertsPublic}
    formFor: null, // the id of the alert whose acknowledgement form is open
    note: "", // what is typed in that form: a redraw (a filter changed) puts it back
    stale: false, // figures came while the form was open: draw them when it closes
    wired: false,
    seq: 0,
  };

  // ---------------------------------------------------------------- small helpers

  const tz = () => state.ctx?.site?.timezone;
  const quantityName = (a) => {
    const text = t(`common.quantity.${a.quantity}`);
    return text === `common.quantity.${a.quantity}` ? a.label || a.quantity : text;
  };
  const decimalsOf = (key) => state.quantities?.get(key)?.decimals ?? 1;
  const withUnit = (value, a) => (a.unit ? `${fmt.number(value, decimalsOf(a.quantity))} ${a.unit}` : fmt.number(value, decimalsOf(a.quantity)));
  const zoneName = (a) => a.zone_name || state.zones?.get(a.zone)?.name || a.zone;
  const title = (a) => t("alerts.card.title", { quantity: quantityName(a), side: t(`alerts.side.${a.side}`), zone: zoneName(a) });

  /** A duration as "45 min", "2 tim 5 min", "3 dygn 4 tim". */
  function duration(ms) {
    const minutes = Math.max(0, Math.round(ms / 60000));
    if (minutes < 60) return t("alerts.duration.min", { m: minutes });
    if (minutes < 48 * 60) {
      const [h, m] = [Math.floor(minutes / 60), minutes % 60];
      return m ? t("alerts.duration.h_min", { h, m }) : t("alerts.duration.h", { h });
    }
    return t("alerts.duration.d_h", { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
  }

  const lasted = (a, now) => duration((a.cleared_at ? Date.parse(a.cleared_at) : now) - Date.parse(a.since));

  /** The rule as this alert shows it: beyond the threshold for as long as it took to be raised. */
  const ruleText = (a) => t(`alerts.rule.${a.side}`, {
    threshold: withUnit(a.threshold, a), delay: duration(Date.parse(a.raised_at) - Date.parse(a.since)),
  });

  function zoneLink(a) {
    return el("a", { href: `/zone?zone=${encodeURIComponent(a.zone)}` }, zoneName(a));
  }

  function say(text) {
    $("#alerts-status").textContent = text || "";
  }

  // ---------------------------------------------------------------- filters

  function readAddress() {
    const params = new URLSearchParams(window.location.search);
    const zone = params.get("zone") || "";
    const chosen = params.get("state") || "all";
    state.filters.state = STATES.includes(chosen) ? chosen : "all";
    if (zone && !state.zones.has(zone)) {
      say(t("alerts.zone_unknown", { zone }));
      state.filters.zone = "";
    } else {
      state.filters.zone = zone;
    }
    $("#filter-zone").value = state.filters.zone;
    $("#filter-state").value = state.filters.state;
  }

  /** Keep the filters in the address and in the language links. */
  function writeAddress() {
    const params = new URLSearchParams();
    if (state.filters.zone) params.set("zone", state.filters.zone);
    if (state.filters.state !== "all") params.set("state", state.filters.state);
    const query = params.toString();
    window.history.replaceState(null, "", `${window.location.pathname}${query ? `?${query}` : ""}`);
    for (const link of document.querySelectorAll("nav.langnav a[data-lang]")) {
      link.setAttribute("href", `?${query ? `${query}&` : ""}lang=${link.dataset.lang}`);
    }
  }

  function wire() {
    if (state.wired) return;
    state.wired = true;
    $("#alerts-filters").addEventListener("submit", (event) => event.preventDefault());
    $("#filter-zone").addEventListener("change", (event) => {
      state.filters.zone = event.target.value;
      writeAddress();
      state.formFor = null;
      say("");
      refresh();
    });
    $("#filter-state").addEventListener("change", (event) => {
      state.filters.state = event.target.value;
      writeAddress();
      render();
    });
  }

  // ---------------------------------------------------------------- loading

  async function load(ctx) {
    state.ctx = ctx;
    state.canAck = (ctx.login.areas || []).includes("alerts_ack");
    if (!state.zones) {
      const [zones, quantities] = await Promise.all([ctx.api("/zones"), ctx.api("/quantities")]);
      if (!ctx.current()) return;
      state.zones = new Map(zones.map((z) => [z.id, z]));
      state.quantities = new Map(quantities.map((q) => [q.key, q]));
      $("#filter-zone").append(...zones.map((z) => el("option", { value: z.id }, z.name || z.id)));
      readAddress();
      wire();
    }
    await fetchAlerts(ctx);
  }

  function refresh() {
    if (state.ctx?.current()) fetchAlerts(state.ctx);
  }

  async function fetchAlerts(ctx) {
    state.seq += 1;
    const seq = state.seq;
    const zone = state.filters.zone ? `&zone=${encodeURIComponent(state.filters.zone)}` : "";
    let open;
    let cleared;
    try {
      [open, cleared] = await Promise.all([
        ctx.api(`/alerts?state=open&limit=500${zone}`),
        ctx.api(`/alerts?state=cleared&limit=${RECENT}${zone}`),
      ]);
    } catch (err) {
      if (err instanceof shared.AuthError || !ctx.current() || seq !== state.seq) return;
      const text = err.status === 503 ? t("alerts.no_store") : t("alerts.failed", { detail: err.message });
      if (!state.data) {
        for (const id of ["#alerts-open-body", "#alerts-recent-body"]) {
          $(id).replaceChildren(el("p", { class: "placeholder" }, text));
        }
      }
      shared.banner(text);
      return;
    }
    if (!ctx.current() || seq !== state.seq) return;
    shared.banner(null);
    state.data = { open, cleared, at: Date.now() };
    $("#alerts-updated").textContent = t("alerts.updated", { time: fmt.dateTime(new Date(), tz()) });
    if (state.formFor != null) state.stale = true;
    else render();
  }

  // ---------------------------------------------------------------- drawing

  function render() {
    if (!state.data) return;
    state.stale = false;
    const now = Date.now();
    const open = state.data.open.items;
    const waiting = open.filter((a) => !a.acknowledged_by);
    const acknowledgedOpen = open.filter((a) => a.acknowledged_by);
    const recent = [...acknowledgedOpen, ...state.data.cleared.items];
    const chosen = state.filters.state;
    $("#alerts-open").hidden = !(chosen === "all" || chosen === "waiting");
    $("#alerts-recent").hidden = chosen === "waiting";
    renderOpen(waiting, now);
    const shown = recent.filter((a) => chosen !== "acknowledged" || a.acknowledged_by)
      .filter((a) => chosen !== "cleared" || !a.open);
    renderRecent(shown, now);
  }

  function renderOpen(alerts, now) {
    const count = $("#alerts-open-count");
    count.textContent = `(${fmt.number(alerts.length)})`;
    const body = $("#alerts-open-body");
    if (!alerts.length) {
      body.replaceChildren(el("p", { class: "empty-ok" }, el("span", { "aria-hidden": "true" }, "✓ "), t("alerts.open.empty")));
      return;
    }
    body.replaceChildren(el("ul", { class: "alert-cards" }, ...alerts.map((a) => el("li", {}, card(a, now)))));
  }

  function fact(label, value) {
    return el("div", { class: "alert-fact" }, el("dt", {}, label), el("dd", {}, value));
  }

  function card(a, now) {
    const id = `alert-${a.id}`;
    const node = el("article", { class: `alert-card side-${a.side}`, id, "aria-labelledby": `${id}-title`, "data-alert": a.id },
      el("div", { class: "alert-card-head" },
        el("h3", { id: `${id}-title` },
          el("span", { class: "alert-sym", "aria-hidden": "true" }, a.side === "low" ? "▼" : "▲"),
          `${quantityName(a)} ${t(`alerts.side.${a.side}`)}`),
        el("span", { class: "alert-zone" }, zoneLink(a))),
      el("dl", { class: "alert-facts" },
        fact(t("alerts.since"), el("time", { datetime: a.since }, fmt.dateTime(a.since, tz()))),
        fact(t("alerts.duration"), lasted(a, now)),
        fact(t("alerts.value"), withUnit(a.value, a)),
        fact(t("alerts.peak"), withUnit(a.peak, a)),
        fact(t("alerts.threshold"), withUnit(a.threshold, a)),
        fact(t("alerts.rule"), ruleText(a))));
    if (state.canAck) node.append(ackArea(a));
    return node;
  }

  function ackArea(a) {
    const id = `ack-${a.id}`;
    const open = state.formFor === a.id;
    const button = el("button", {
      type: "button", class: "btn btn-primary ack-button", "aria-expanded": open ? "true" : "false",
      "aria-controls": `${id}-form`, "aria-label": t("alerts.ack.button_label", { title: title(a) }),
    }, t("alerts.ack.button"));
    const note = el("textarea", { id: `${id}-note`, name: "note", maxlength: "1000", rows: "2", "aria-describedby": `${id}-hint` });
    const confirm = el("button", { type: "submit", class: "btn btn-primary" }, t("alerts.ack.confirm"));
    const cancel = el("button", { type: "button", class: "btn btn-outline" }, t("alerts.ack.cancel"));
    const form = el("form", { id: `${id}-form`, class: "ack-form", "aria-label": t("alerts.ack.form_label", { title: title(a) }) },
      el("div", { class: "field" },
        el("label", { for: `${id}-note` }, t("alerts.ack.note_label")),
        note,
        el("span", { class: "hint ack-hint", id: `${id}-hint` }, t("alerts.ack.note_hint"))),
      el("div", { class: "ack-actions" }, confirm, cancel));
    form.hidden = !open;
    button.hidden = open;
    if (open) note.value = state.note;
    note.addEventListener("input", () => {
      if (state.formFor === a.id) state.note = note.value;
    });
    button.addEventListener("click", () => {
      const other = state.formFor != null && state.formFor !== a.id;
      state.formFor = a.id;
      state.note = "";
      if (other) {
        render(); // one form open at a time: the other alert's closes, with what was typed in it
        document.getElementById(`${id}-note`)?.focus();
        return;
      }
      form.hidden = false;
      button.hidden = true;
      button.setAttribute("aria-expanded", "true");
      note.focus();
    });
    cancel.addEventListener("click", () => {
      closeForm();
      const again = document.querySelector(`#alert-${a.id} .ack-button`);
      if (again) again.focus();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      acknowledge(a, note.value.trim(), confirm, cancel);
    });
    return el("div", { class: "ack-area" }, button, form);
  }

  function closeForm() {
    state.formFor = null;
    state.note = "";
    render();
  }

  async function acknowledge(a, note, confirm, cancel) {
    const ctx = state.ctx;
    confirm.disabled = true;
    cancel.disabled = true;
    confirm.textContent = t("alerts.ack.busy");
    let done = false;
    try {
      await ctx.api(`/alerts/${a.id}/ack`, { method: "POST", body: note ? { note } : {} });
      say(t("alerts.ack.done", { title: title(a) }));
      done = true;
    } catch (err) {
      if (err instanceof shared.AuthError) return;
      if (err.status === 409) say(t("alerts.ack.already", { title: title(a) }));
      else if (err.status === 404) say(t("alerts.ack.gone", { title: title(a) }));
      else {
        say(t("alerts.ack.failed", { status: err.status || "–" }));
        confirm.disabled = false;
        cancel.disabled = false;
        confirm.textContent = t("alerts.ack.confirm");
        return;
      }
      done = true;
    }
    if (done) {
      state.formFor = null;
      state.note = "";
      await fetchAlerts(ctx);
      if (state.formFor == null) render();
      $("#alerts-open-title").focus();
    }
  }

  function renderRecent(alerts, now) {
    const body = $("#alerts-recent-body");
    const parts = [];
    if (!alerts.length) {
      parts.push(el("p", { class: "placeholder" }, t("alerts.recent.empty")));
    } else {
      const columns = [
        { key: "zone", label: t("alerts.col.zone"), format: (_, a) => zoneLink(a) },
        { key: "quantity", label: t("alerts.col.quantity"), format: (_, a) => `${quantityName(a)} ${t(`alerts.side.${a.side}`)}` },
        { key: "since", label: t("alerts.col.since"), format: (v) => el("time", { datetime: v }, fmt.dateTime(v, tz())) },
        { key: "duration", label: t("alerts.col.duration"), format: (_, a) => lasted(a, now) },
        {
          key: "value", label: t("alerts.col.value"),
          format: (_, a) => el("span", {}, t("alerts.value_vs", { value: withUnit(a.value, a), threshold: withUnit(a.threshold, a) }),
            el("span", { class: "cell-sub" }, t("alerts.peak_short", { peak: withUnit(a.peak, a) }))),
        },
        { key: "rule", label: t("alerts.col.rule"), format: (_, a) => ruleText(a) },
        {
          key: "state", label: t("alerts.col.state"),
          format: (_, a) => (a.open
            ? el("span", { class: "badge badge-act" }, t("alerts.state.open"))
            : el("span", {}, el("span", { class: "badge badge-none" }, t("alerts.state.cleared")),
              el("time", { class: "cell-sub", datetime: a.cleared_at }, fmt.dateTime(a.cleared_at, tz())))),
        },
        { key: "acknowledged_by", label: t("alerts.col.ack"), format: (_, a) => ackCell(a) },
      ];
      const table = shared.table(columns, alerts, { caption: t("alerts.recent.caption") });
      table.querySelector("table").classList.add("alerts-table");
      for (const [i, row] of [...table.querySelectorAll("tbody tr")].entries()) {
        row.dataset.alert = alerts[i].id;
        // Each cell names its column, for the narrow layout where a row is a block (alerts.css).
        for (const [n, cell] of [...row.children].entries()) cell.dataset.label = columns[n].label;
      }
      table.setAttribute("tabindex", "0"); // a scrolling box on narrow screens: a named region the keyboard reaches
      table.setAttribute("role", "region");
      table.setAttribute("aria-label", t("alerts.recent.caption"));
      parts.push(table);
    }
    const cleared = state.data.cleared;
    if (cleared.total > cleared.items.length && state.filters.state !== "acknowledged") {
      parts.push(el("p", { class: "hint" }, t("alerts.recent.more", { shown: fmt.number(cleared.items.length), total: fmt.number(cleared.total) })));
    }
    body.replaceChildren(...parts);
  }

  function ackCell(a) {
    if (!a.acknowledged_by) return el("span", { class: "muted" }, t("alerts.ack.none"));
    return el("span", { class: "ack-cell" },
      el("span", { class: "ack-who" }, t("alerts.ack.by", { user: a.acknowledged_by, time: fmt.dateTime(a.acknowledged_at, tz()) })),
      a.note ? el("span", { class: "cell-sub ack-note" }, t("alerts.ack.note", { note: a.note })) : null);
  }

  shared.whenReady(() => shared.startPage({ load, refreshS: REFRESH_S }));
})();
