/* officewell · facilities live page.
 *
 * Plain ES2020, no build step and no libraries: it logs in against /api/v1/auth/token, keeps the
 * bearer token in sessionStorage, polls /api/v1/latest (every 3 s, or ?refresh=SECONDS), draws
 * 24-hour SVG charts for the selected zone, lists the gateway's dead letters and the sensors' health
 * (every 30 s, or ten times ?refresh). Times are shown in the site's time zone (/api/v1/site).
 * All data is inserted with textContent / setAttribute, never as HTML.
 */
(() => {
  "use strict";

  window.__loadedAt = Date.now();

  const shared = window.officewellSession; // session.js: login, API, DOM helpers
  const { $, el, svg, AuthError, round1: r, niceStep } = shared;
  const STALE_AFTER_S = 5 * 60;
  const CHART_REFRESH_MS = 60 * 1000;
  const CHART_WINDOW = "5m";
  const CHART_HOURS = 24;
  const DEAD_LETTER_LIMIT = 10;
  const CHART_QUANTITIES = ["co2_ppm", "temperature_c", "humidity_pct", "sound_dba", "illuminance_lux"];
  const BAND_INFO = {
    good: { symbol: "✓", label: "Good", text: "Good" },
    acceptable: { symbol: "!", label: "Acceptable", text: "Acceptable" },
    act: { symbol: "▲", label: "Act", text: "Act: outside the acceptable range" },
    none: { symbol: "–", label: "No reference", text: "No comfort reference for this quantity" },
    unoccupied: {
      symbol: "○", label: "Unoccupied",
      text: "Outside working hours: the comfort bands apply to occupied hours only, so this is no fault",
    },
  };
  const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  const HEALTH_STATUS = {
    fault: { label: "Fault", symbol: "▲", order: 0 },
    attention: { label: "Attention", symbol: "!", order: 1 },
    ok: { label: "OK", symbol: "✓", order: 2 },
    // Heard from but not in the site file: its readings were dead letters (the gateway keeps the latest 100).
    unregistered: { label: "Not in site file", symbol: "?", order: 3 },
  };

  const refreshMs = (() => {
    const raw = Number.parseFloat(new URLSearchParams(window.location.search).get("refresh") || "");
    return Number.isFinite(raw) && raw > 0 ? Math.min(Math.max(raw, 0.5), 3600) * 1000 : 3000;
  })();
  const healthMs = refreshMs * 10; // 30 s at the default refresh

  // ---------------------------------------------------------------- state

  const state = {
    token: null,
    username: null,
    role: null,
    generation: 0, // bumped at every login/logout so old loops stop
    quantities: new Map(),
    zones: [],
    latest: new Map(), // zone id -> values object from the API
    selectedZone: null,
    chartData: new Map(), // quantity -> {windows, start, stop, windowS}
    lastOk: null,
    failing: false,
    deadLetterIds: null, // ids of the listed dead letters, null before the first answer
    deadLettersAllowed: true,
    site: null, // /api/v1/site
    timeZone: undefined, // IANA name the page's times are shown in: the site's, else the browser's
    health: [], // /api/v1/sensors/health rows, faults first
    healthStatus: new Map(), // device -> status at the previous refresh
    healthAllowed: true,
    timers: new Set(),
    chartTimer: null,
  };

  // ---------------------------------------------------------------- time zone

  const fmt = {}; // date formatters in state.timeZone, rebuilt by setTimeZone
  let partsOf = null; // calendar fields of a moment in state.timeZone (session.js timeIn)

  /** Show times in `zone` (an IANA name such as Europe/Stockholm); unknown or empty: the browser's. */
  function setTimeZone(zone) {
    const here = shared.timeIn(zone);
    state.timeZone = here.timeZone;
    partsOf = here.partsOf;
    fmt.time = here.format({ hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    fmt.hour = here.format({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    fmt.day = here.format({ weekday: "short", day: "numeric", month: "short" });
    fmt.weekday = here.format({ weekday: "short" });
  }

  function dayKey(date) {
    const p = partsOf(date);
    return `${p.year}-${p.month}-${p.day}`;
  }

  function renderTimeZone() {
    $("#chart-tz").textContent = shared.renderSiteTz(
      state.timeZone, "Times", "Times on this page are the site's local time");
  }

  setTimeZone(null);

  const numberFormats = new Map();

  function formatNumber(value, key) {
    const digits = state.quantities.get(key)?.decimals ?? 1;  // the quantity table's display precision
    if (!numberFormats.has(digits)) {
      numberFormats.set(digits, new Intl.NumberFormat("en-GB", {
        minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false,
      }));
    }
    return numberFormats.get(digits).format(value);
  }

  function formatAge(seconds) {
    if (seconds < 5) return "just now";
    if (seconds < 60) return `${Math.floor(seconds)} s ago`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
    if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
    return `${Math.floor(seconds / 86400)} d ago`;
  }

  function formatWhen(date) {
    const sameDay = dayKey(date) === dayKey(new Date());
    return sameDay ? fmt.time.format(date) : `${fmt.day.format(date)} ${fmt.hour.format(date)}`;
  }

  function quantityLabel(key) {
    return state.quantities.get(key)?.label || key;
  }

  function quantityUnit(key, fallback = "") {
    return state.quantities.get(key)?.unit || fallback;
  }

  function bandKey(band) {
    return band && BAND_INFO[band] ? band : "none";
  }

  /** How a value (or window) is shown: by its band in occupied hours, as unoccupied outside them (the API says which). */
  function shownBand(entry) {
    return entry.occupied === false ? "unoccupied" : bandKey(entry.band);
  }

  /** "Mon–Fri 08:00–17:00": the site's working hours as the API sends them. */
  function describeHours(hours) {
    if (!hours) return "the site's working hours";
    const days = [...hours.days].sort((a, b) => a - b);
    const consecutive = days.every((d, i) => i === 0 || d === days[i - 1] + 1);
    const names = days.map((d) => WEEKDAY_NAMES[d - 1]);
    const dayText = consecutive && days.length > 2 ? `${names[0]}–${names[names.length - 1]}` : names.join(", ");
    return `${dayText} ${hours.start}–${hours.end}`;
  }

  /** "Good: ≤ 800 ppm · Acceptable: ≤ 1000 ppm": the band rows the API says are in force this month. */
  function describeBands(quantity) {
    const rows = quantity?.current_bands || [];
    if (!rows.length) return "";
    return rows.map((b) => {
      const u = quantity.unit;
      let range;
      if (b.low == null) range = `≤ ${b.high} ${u}`;
      else if (b.high == null) range = `≥ ${b.low} ${u}`;
      else range = `${b.low}–${b.high} ${u}`;
      return `${BAND_INFO[b.band]?.label || b.band}: ${range}`;
    }).join(" · ");
  }

  function later(fn, ms) {
    const id = window.setTimeout(() => {
      state.timers.delete(id);
      fn();
    }, ms);
    state.timers.add(id);
    return id;
  }

  function clearTimers() {
    for (const id of state.timers) {
      window.clearTimeout(id);
      window.clearInterval(id);
    }
    state.timers.clear();
  }

  // ---------------------------------------------------------------- API and login (session.js)

  const session = shared.create({
    state,
    views: ["#app-view", "#footer"],
    onStart: startSession,
    onEnd: clearTimers,
  });
  const { api } = session;

  // ---------------------------------------------------------------- dashboard start

  async function startSession(login) {
    const { token, username, role, areas } = login;
    session.stopWork();
    state.token = token;
    state.username = username;
    state.role = role;
    state.latest = new Map();
    state.chartData = new Map();
    state.deadLetterIds = null;
    state.deadLettersAllowed = areas.includes("gateway"); // the API answers 403 to the others
    state.healthAllowed = state.deadLettersAllowed;
    state.health = [];
    state.healthStatus = new Map();
    state.failing = false;
    const generation = state.generation;

    $("#login-view").hidden = true;
    $("#app-view").hidden = false;
    $("#footer").hidden = false;
    $("#refresh-s").textContent = String(refreshMs / 1000);
    $("#health-s").textContent = String(healthMs / 1000);
    $("#health-refresh").hidden = !state.healthAllowed;
    session.showUser(username, role);
    $("#dead-letters").hidden = true;
    $("#sensor-health").hidden = true;
    setLive("connecting");

    try {
      // Without the site (an older server) the page still works, in the browser's time zone.
      const siteOrNull = api("/site").catch((err) => {
        if (err instanceof AuthError) throw err;
        return null;
      });
      const [quantities, zones, site] = await Promise.all([api("/quantities"), api("/zones"), siteOrNull]);
      if (generation !== state.generation) return;
      state.quantities = new Map(quantities.map((q) => [q.key, q]));
      state.zones = zones;
      applySite(site);
    } catch (err) {
      if (err instanceof AuthError || generation !== state.generation) return;
      setLive("error", err.message);
      $("#zones").replaceChildren(el("p", { class: "placeholder", text: `Could not load the zones: ${err.message}` }));
      later(() => startSession(login), Math.max(refreshMs, 5000));
      return;
    }
    buildCards();
    buildZoneSelect();
    buildCharts();
    selectZone(state.zones[0]?.id || null, { focus: false });
    pollLatest(generation);
    if (state.deadLettersAllowed) pollDeadLetters(generation);
    if (state.healthAllowed) pollHealth(generation);
    state.timers.add(window.setInterval(updateAges, 1000));
  }

  function applySite(site) {
    state.site = site;
    setTimeZone(site?.timezone);
    shared.showSite(site, "Facilities");
    renderTimeZone();
  }

  function setLive(mode, message) {
    const box = $("#live-status");
    box.dataset.state = mode;
    const text = $("#live-text");
    const banner = $("#connection-banner");
    if (mode === "ok") {
      text.textContent = `Live · updated ${fmt.time.format(state.lastOk)}`;
      banner.hidden = true;
    } else if (mode === "error") {
      text.textContent = "Connection problem";
      banner.hidden = false;
      const since = state.lastOk ? ` Values shown are from ${fmt.time.format(state.lastOk)}.` : "";
      banner.textContent = `Cannot update: ${message || "no answer from the server"}. Retrying…${since}`;
    } else {
      text.textContent = "Connecting…";
    }
  }

  // ---------------------------------------------------------------- zone cards

  function cardQuantities(zoneId) {
    const present = Object.keys(state.latest.get(zoneId) || {});
    const extras = present.filter((k) => !CHART_QUANTITIES.includes(k) && state.quantities.has(k));
    return [...CHART_QUANTITIES, ...extras];
  }

  function buildCards() {
    const grid = $("#zones");
    grid.replaceChildren();
    for (const zone of state.zones) {
      const kind = (zone.kind || "").replace(/_/g, " ");
      const name = (zone.name || zone.id).toLowerCase();
      const meta = [zone.id, name.includes(kind) ? "" : kind, ...(zone.teams || [])].filter(Boolean).join(" · ");
      const nameButton = el("button", {
        type: "button", class: "zone-select", "aria-pressed": "false",
        "aria-describedby": `age-${zone.id}`, title: "Show this zone's last 24 hours",
      }, zone.name || zone.id);
      const card = el("article", { class: "zone-card no-data", "data-zone": zone.id },
        el("header", { class: "card-head" },
          el("div", { class: "card-line" },
            el("h3", { class: "card-name" }, nameButton),
            el("span", { class: "age", id: `age-${zone.id}`, text: "No data" })),
          el("div", { class: "card-line" },
            el("span", { class: "zone-meta", text: meta, title: meta }),
            el("span", { class: "card-badges" },
              el("span", { class: "stale-badge", text: "Stale", hidden: true }),
              el("button", { type: "button", class: "fault-badge", hidden: true },
                el("span", { class: "sym", "aria-hidden": "true", text: "▲" }), " Sensor fault")))),
        el("dl", { class: "metrics" }));
      card.addEventListener("click", (event) => {
        if (event.target.closest("button") && event.target.closest("button") !== nameButton) return;
        selectZone(zone.id, { focus: false });
      });
      $(".fault-badge", card).addEventListener("click", () => showFaultyDevice(zone.id));
      grid.append(card);
      renderCardValues(zone.id, false);
    }
  }

  function metricRow(zoneId, key) {
    const unit = el("span", { class: "unit" });
    const sym = el("span", { class: "sym", "aria-hidden": "true" });
    const sr = el("span", { class: "sr-only" });
    const value = el("span", { class: "value", "data-quantity": key, "data-band": "none", text: "–" });
    return el("div", { class: "metric band-none", "data-metric": key },
      el("dt", { text: quantityLabel(key) }),
      el("dd", {}, el("span", { class: "reading" }, value, unit), el("span", { class: "band-tag" }, sym, sr)));
  }

  function renderCardValues(zoneId, animate) {
    const card = $(`.zone-card[data-zone="${CSS.escape(zoneId)}"]`);
    if (!card) return;
    const list = $(".metrics", card);
    const values = state.latest.get(zoneId) || {};
    for (const key of cardQuantities(zoneId)) {
      let row = $(`.metric[data-metric="${CSS.escape(key)}"]`, list);
      if (!row) {
        row = metricRow(zoneId, key);
        list.append(row);
      }
      const entry = values[key];
      const valueEl = $(".value", row);
      const quantity = state.quantities.get(key);
      const band = entry ? bandKey(entry.band) : "none";
      const shown = entry ? shownBand(entry) : "none";
      const text = entry ? formatNumber(entry.value, key) : "–";
      const changed = animate && valueEl.textContent !== text && valueEl.textContent !== "–";
      valueEl.textContent = text;
      valueEl.dataset.band = band; // the value's band by the table; whether it applies: data-occupied
      valueEl.dataset.occupied = entry ? String(entry.occupied !== false) : "";
      row.className = `metric band-${shown}${entry ? "" : " missing"}`;
      $(".unit", row).textContent = entry ? entry.unit || quantityUnit(key) : "";
      $(".sym", row).textContent = entry ? BAND_INFO[shown].symbol : "";
      $(".sr-only", row).textContent = entry ? `(${BAND_INFO[shown].label})` : "(no reading)";
      const lines = [];
      if (entry) {
        const ts = new Date(entry.ts);
        lines.push(`${quantityLabel(key)}: ${text} ${entry.unit} · ${BAND_INFO[shown].text}`);
        if (shown === "unoccupied" && band !== "none") lines.push(`In working hours this would be: ${BAND_INFO[band].label}`);
        lines.push(`Measured ${formatWhen(ts)} by ${entry.device}`);
      } else {
        lines.push(`${quantityLabel(key)}: no reading yet`);
      }
      const ranges = describeBands(quantity);
      if (ranges) lines.push(ranges);
      if (quantity?.reference) lines.push(`Reference: ${quantity.reference}`);
      row.title = lines.join("\n");
      if (changed) flash(row);
    }
  }

  function flash(node) {
    node.classList.remove("flash");
    void node.offsetWidth; // restart the animation
    node.classList.add("flash");
    window.setTimeout(() => node.classList.remove("flash"), 1800);
  }

  function newestTs(zoneId) {
    let newest = null;
    for (const entry of Object.values(state.latest.get(zoneId) || {})) {
      const t = Date.parse(entry.ts);
      if (Number.isFinite(t) && (newest === null || t > newest)) newest = t;
    }
    return newest;
  }

  function updateAges() {
    const now = Date.now();
    let act = 0;
    let acceptable = 0;
    let stale = 0;
    let noData = 0;
    let unoccupied = 0;
    for (const zone of state.zones) {
      const card = $(`.zone-card[data-zone="${CSS.escape(zone.id)}"]`);
      if (!card) continue;
      const newest = newestTs(zone.id);
      const ageEl = $(".age", card);
      const badge = $(".stale-badge", card);
      let isStale = false;
      if (newest === null) {
        ageEl.textContent = "No data";
        ageEl.removeAttribute("title");
        noData += 1;
      } else {
        const age = Math.max(0, (now - newest) / 1000);
        isStale = age > STALE_AFTER_S;
        ageEl.textContent = formatAge(age);
        ageEl.title = `Newest value: ${formatWhen(new Date(newest))}`;
        if (isStale) stale += 1;
      }
      card.classList.toggle("is-stale", isStale);
      card.classList.toggle("no-data", newest === null);
      badge.hidden = !isStale;
      if (newest !== null && !isStale) {
        // Only values taken in occupied hours count: outside them the bands do not apply (the API says which).
        const values = Object.values(state.latest.get(zone.id) || {});
        const bands = values.filter((v) => v.occupied !== false).map((v) => v.band);
        if (!bands.length && values.length) {
          unoccupied += 1;
          card.dataset.worst = "unoccupied";
        } else {
          if (bands.includes("act")) act += 1;
          else if (bands.includes("acceptable")) acceptable += 1;
          card.dataset.worst = bands.includes("act") ? "act" : bands.includes("acceptable") ? "acceptable" : "good";
        }
      } else {
        card.dataset.worst = "none";
      }
    }
    renderSummary({ act, acceptable, stale, noData, unoccupied });
    for (const t of document.querySelectorAll("#health-rows time[datetime]")) {
      t.textContent = formatAge(Math.max(0, (now - Date.parse(t.dateTime)) / 1000));
    }
    if (state.lastOk && !state.failing) setLive("ok");
  }

  function renderSummary({ act, acceptable, stale, noData, unoccupied }) {
    const total = state.zones.length;
    const parts = [el("span", { text: `${total} zones` })];
    const add = (n, cls, text) => {
      if (n) parts.push(el("span", { class: `sum sum-${cls}`, text }));
    };
    add(act, "act", `${act} ${act === 1 ? "needs" : "need"} action`);
    add(acceptable, "acceptable", `${acceptable} acceptable`);
    add(unoccupied, "unoccupied", `${unoccupied} outside working hours`);
    add(stale, "stale", `${stale} stale`);
    add(noData, "none", `${noData} without data`);
    if (!act && !acceptable && !stale && !noData && !unoccupied && total) {
      parts.push(el("span", { class: "sum sum-good", text: "all good" }));
    }
    $("#summary").replaceChildren(...parts);
    const note = $("#occupancy-note");
    note.hidden = !unoccupied;
    note.textContent = unoccupied
      ? `Outside working hours (${describeHours(state.site?.working_hours)}, not on public holidays): `
        + "the comfort bands apply to occupied hours only, so values are shown in grey as unoccupied, not as faults."
      : "";
  }

  function selectZone(zoneId, { focus } = {}) {
    if (!zoneId) return;
    const changed = zoneId !== state.selectedZone;
    state.selectedZone = zoneId;
    for (const card of document.querySelectorAll(".zone-card")) {
      const selected = card.dataset.zone === zoneId;
      card.classList.toggle("selected", selected);
      $(".zone-select", card).setAttribute("aria-pressed", String(selected));
    }
    const zone = state.zones.find((z) => z.id === zoneId);
    $("#chart-zone-name").textContent = zone ? zone.name || zone.id : zoneId;
    $("#chart-zone").value = zoneId;
    renderChartInfo();
    if (focus) $(".charts-panel").scrollIntoView({ behavior: "smooth", block: "start" });
    if (changed) {
      state.chartData = new Map();
      for (const key of CHART_QUANTITIES) drawChart(key);
      loadCharts(state.generation);
    }
    renderChartHeads();
  }

  // ---------------------------------------------------------------- polling

  async function pollLatest(generation) {
    if (generation !== state.generation) return;
    try {
      const rows = await api("/latest");
      if (generation !== state.generation) return;
      const first = state.lastOk === null;
      for (const row of rows) state.latest.set(row.zone, row.values || {});
      state.lastOk = new Date();
      state.failing = false;
      for (const zone of state.zones) renderCardValues(zone.id, !first);
      updateAges();
      renderChartHeads();
      setLive("ok");
    } catch (err) {
      if (err instanceof AuthError || generation !== state.generation) return;
      state.failing = true;
      setLive("error", err.message);
    }
    later(() => pollLatest(generation), refreshMs);
  }

  async function pollDeadLetters(generation) {
    if (generation !== state.generation || !state.deadLettersAllowed) return;
    try {
      const body = await api(`/dead-letters?limit=${DEAD_LETTER_LIMIT}`);
      if (generation !== state.generation) return;
      renderDeadLetters(body);
    } catch (err) {
      if (err instanceof AuthError || generation !== state.generation) return;
      if (err.status === 403) {
        state.deadLettersAllowed = false;
        $("#dead-letters").hidden = true;
        return;
      }
    }
    later(() => pollDeadLetters(generation), Math.max(refreshMs, 1000));
  }

  async function pollHealth(generation) {
    if (generation !== state.generation || !state.healthAllowed) return;
    try {
      const rows = await api("/sensors/health");
      if (generation !== state.generation) return;
      renderHealth(rows);
    } catch (err) {
      if (err instanceof AuthError || generation !== state.generation) return;
      if (err.status === 403) {
        state.healthAllowed = false;
        state.health = [];
        $("#sensor-health").hidden = true;
        $("#health-refresh").hidden = true;
        renderFaultBadges();
        return;
      }
      $("#health-updated").textContent = `Could not refresh: ${err.message}`;
    }
    later(() => pollHealth(generation), healthMs);
  }

  // ---------------------------------------------------------------- sensor health

  function healthKey(status) {
    return HEALTH_STATUS[status] ? status : "attention";
  }

  function formatRate(value) {
    return value >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1);
  }

  function renderHealth(rows) {
    const previous = state.healthStatus;
    state.health = rows
      .map((row, index) => ({ ...row, status: healthKey(row.status), index }))
      .sort((a, b) => HEALTH_STATUS[a.status].order - HEALTH_STATUS[b.status].order || a.index - b.index);
    state.healthStatus = new Map(state.health.map((row) => [row.device, row.status]));

    const counts = { fault: 0, attention: 0, ok: 0, unregistered: 0 };
    for (const row of state.health) counts[row.status] += 1;
    const parts = [el("span", { text: `${state.health.length} ${state.health.length === 1 ? "sensor" : "sensors"}` })];
    if (counts.fault) parts.push(el("span", { class: "sum sum-act", text: `${counts.fault} ${counts.fault === 1 ? "fault" : "faults"}` }));
    if (counts.attention) parts.push(el("span", { class: "sum sum-acceptable", text: `${counts.attention} ${counts.attention === 1 ? "needs" : "need"} attention` }));
    if (counts.ok) parts.push(el("span", { class: "sum sum-good", text: `${counts.ok} OK` }));
    if (counts.unregistered) parts.push(el("span", { class: "sum sum-acceptable", text: `${counts.unregistered} not in the site file` }));
    $("#health-summary").replaceChildren(...parts);

    const body = $("#health-rows");
    if (!state.health.length) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 7, class: "placeholder", text: "No sensors are registered for this site." })));
    } else {
      body.replaceChildren(...state.health.map((row) => {
        const tr = healthRow(row);
        if (previous.size && previous.get(row.device) !== row.status) flash(tr);
        return tr;
      }));
    }
    $("#health-updated").textContent = `Checked ${fmt.time.format(new Date())}`;
    $("#sensor-health").hidden = false;
    renderFaultBadges();
  }

  function healthRow(row) {
    const info = HEALTH_STATUS[row.status];
    const zone = state.zones.find((z) => z.id === row.zone);
    const seen = row.last_seen ? new Date(row.last_seen) : null;
    const lastSeen = seen
      ? el("time", { datetime: row.last_seen, title: formatWhen(seen) },
        formatAge(Math.max(0, (Date.now() - seen.getTime()) / 1000)))
      : el("span", { class: "never", text: "never" });
    const details = [`Format: ${row.format}`];
    if (row.co2_baseline_ppm != null) details.push(`CO₂ baseline (7 days): ${Math.round(row.co2_baseline_ppm)} ppm`);
    const battery = row.battery_pct == null
      ? el("span", { class: "muted", text: "–", title: "No battery level reported" })
      : el("span", { class: row.battery_low ? "battery-low" : "", text: `${Math.round(row.battery_pct)} %` });
    const problems = row.problems?.length
      ? el("ul", { class: "problems" }, ...row.problems.map((text) => el("li", { text })))
      : el("span", { class: "no-problems", text: "No problems" });
    return el("tr", { class: `device-row status-${row.status}`, "data-device": row.device, "data-status": row.status },
      el("td", {}, el("span", { class: `status status-${row.status}` },
        el("span", { class: "status-dot", "aria-hidden": "true", text: info.symbol }), info.label)),
      el("td", { title: details.join("\n") },
        el("span", { class: "device-id", text: row.device }), el("span", { class: "device-format", text: row.format })),
      el("td", { class: "zone-cell", title: row.zone, text: zone?.name || row.zone }),
      el("td", { class: "seen", "data-label": "Last seen" }, lastSeen),
      el("td", { class: "num rate", title: rateTitle(row), "data-label": "Messages / h" },
        el("span", { text: seen && row.messages_per_hour > 0 ? formatRate(row.messages_per_hour) : "–" }),
        el("span", { class: "muted", text: ` / ${formatRate(row.expected_per_hour)}` })),
      el("td", { class: "num", "data-label": "Battery" }, battery),
      el("td", {}, problems));
  }

  function rateTitle(row) {
    const expected = `${formatRate(row.expected_per_hour)} expected`;
    if (!row.last_seen) return `No messages yet; ${expected} per hour`;
    // The API measures a rate between the first and the last message: a single message has none.
    if (row.messages_per_hour <= 0) return `Only one message so far: no rate yet; ${expected} per hour`;
    return `${formatRate(row.messages_per_hour)} messages per hour received, ${expected}`;
  }

  /** Mark zone cards with a device in fault. */
  function renderFaultBadges() {
    const faults = new Map();
    for (const row of state.health) {
      if (row.status !== "fault") continue;
      if (!faults.has(row.zone)) faults.set(row.zone, []);
      faults.get(row.zone).push(row);
    }
    for (const card of document.querySelectorAll(".zone-card")) {
      const badge = $(".fault-badge", card);
      const rows = faults.get(card.dataset.zone) || [];
      badge.hidden = !rows.length;
      const text = rows.map((r) => `${r.device}: ${r.problems?.join("; ") || "fault"}`).join("\n");
      badge.title = rows.length ? `${text}\nSelect to see it under Sensor health.` : "";
      badge.setAttribute("aria-label", rows.length ? `Sensor fault: ${text}` : "Sensor fault");
    }
  }

  function showFaultyDevice(zoneId) {
    const row = state.health.find((r) => r.zone === zoneId && r.status === "fault");
    const tr = row && $(`.device-row[data-device="${CSS.escape(row.device)}"]`);
    if (!tr) return;
    tr.scrollIntoView({ behavior: "smooth", block: "center" });
    flash(tr);
  }

  // ---------------------------------------------------------------- dead letters

  function renderDeadLetters(body) {
    const panel = $("#dead-letters");
    panel.hidden = false;
    const count = $("#dead-count");
    count.textContent = String(body.total);
    count.dataset.zero = String(body.total === 0);
    const ids = body.items.map((d) => d.id).join(",");
    if (ids === state.deadLetterIds) {
      for (const t of panel.querySelectorAll("time[datetime]")) t.textContent = formatWhen(new Date(t.dateTime));
      return;
    }
    const previous = new Set((state.deadLetterIds || "").split(",").filter(Boolean));
    const firstRender = state.deadLetterIds === null;
    state.deadLetterIds = ids;
    const list = $("#dead-list");
    if (!body.items.length) {
      list.replaceChildren(el("p", { class: "empty-ok" },
        el("span", { class: "sym", "aria-hidden": "true", text: "✓" }), " No rejected messages."));
      return;
    }
    const items = body.items.map((d) => {
      const at = new Date(d.received_at);
      const payload = d.payload.length > 400 ? `${d.payload.slice(0, 400)}…` : d.payload;
      const li = el("li", { class: "dl-item", "data-id": d.id },
        el("div", { class: "dl-top" },
          el("time", { datetime: d.received_at, text: formatWhen(at) }),
          el("code", { class: "dl-topic", text: d.topic }),
          d.partial ? el("span", { class: "dl-partial", text: "partly stored", title: "Some values of the message were stored" }) : null),
        el("p", { class: "dl-reason", text: d.reason }),
        el("details", { class: "dl-payload" },
          el("summary", { text: `Payload (${d.payload_size} bytes)` }),
          el("pre", { text: payload })));
      if (!firstRender && !previous.has(String(d.id))) flash(li);
      return li;
    });
    const more = body.total > body.items.length
      ? el("p", { class: "hint", text: `Showing the ${body.items.length} newest of ${body.total}.` }) : null;
    list.replaceChildren(el("ol", { class: "dl-items" }, ...items), ...(more ? [more] : []));
  }

  // ---------------------------------------------------------------- charts

  function buildZoneSelect() {
    const select = $("#chart-zone");
    select.replaceChildren(...state.zones.map((z) => el("option", { value: z.id, text: z.name || z.id })));
  }

  function buildCharts() {
    const box = $("#charts");
    box.replaceChildren();
    for (const key of CHART_QUANTITIES) {
      const q = state.quantities.get(key);
      const titleId = `chart-title-${key}`;
      const figure = el("figure", { class: "chart", "data-chart": key },
        el("figcaption", { class: "chart-head" },
          el("span", { class: "chart-title", id: titleId },
            el("span", { text: q?.label || key }), el("span", { class: "chart-unit", text: q ? ` ${q.unit}` : "" })),
          el("span", { class: "chart-now" })),
        el("div", { class: "chart-body" },
          svgRoot(key, titleId),
          el("div", { class: "chart-tip", hidden: true })));
      box.append(figure);
    }
    box.append(el("aside", { class: "chart chart-info", "aria-label": "About these charts" },
      el("h3", { id: "chart-info-name" }),
      el("dl", { class: "info-list", id: "chart-info-list" }),
      el("ul", { class: "chart-key" },
        el("li", {}, el("span", { class: "key key-line", "aria-hidden": "true" }), "5-minute mean"),
        el("li", {}, el("span", { class: "key key-envelope", "aria-hidden": "true" }), "Min–max in each 5 minutes"),
        el("li", {}, el("span", { class: "key key-limit", "aria-hidden": "true" }), "Band limit"),
        el("li", {}, el("span", { class: "key key-good", "aria-hidden": "true" }), "Good"),
        el("li", {}, el("span", { class: "key key-acceptable", "aria-hidden": "true" }), "Acceptable"),
        el("li", {}, el("span", { class: "key key-act", "aria-hidden": "true" }), "Act"),
        el("li", {}, el("span", { class: "key key-unoccupied", "aria-hidden": "true" }), "Outside working hours")),
      el("p", { class: "hint", id: "chart-updated" })));
  }

  function renderChartInfo() {
    const zone = state.zones.find((z) => z.id === state.selectedZone);
    if (!zone) return;
    $("#chart-info-name").textContent = zone.name || zone.id;
    const rows = [
      ["Zone", zone.id],
      ["Kind", (zone.kind || "–").replace(/_/g, " ")],
      ["Teams", zone.teams?.length ? zone.teams.join(", ") : "–"],
      ["Sensors", zone.devices?.length ? zone.devices.join(", ") : "none registered"],
    ];
    $("#chart-info-list").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
  }

  function svgRoot(key, titleId) {
    return svg("svg", {
      "data-quantity": key, role: "img", "aria-labelledby": titleId, class: "chart-svg",
      width: 300, height: 170, viewBox: "0 0 300 170",
    });
  }

  function renderChartHeads() {
    const values = state.latest.get(state.selectedZone) || {};
    for (const key of CHART_QUANTITIES) {
      const head = $(`.chart[data-chart="${key}"] .chart-now`);
      if (!head) continue;
      const entry = values[key];
      if (!entry) {
        head.replaceChildren(el("span", { class: "muted", text: "no current value" }));
        continue;
      }
      const band = shownBand(entry);
      head.replaceChildren(el("span", { class: `chip band-${band}` },
        el("span", { class: "sym", "aria-hidden": "true", text: BAND_INFO[band].symbol }),
        ` ${formatNumber(entry.value, key)} ${entry.unit}`,
        el("span", { class: "sr-only", text: ` (${BAND_INFO[band].label})` })));
    }
  }

  async function loadCharts(generation) {
    const zoneId = state.selectedZone;
    if (!zoneId || generation !== state.generation) return;
    const stop = new Date();
    const start = new Date(stop.getTime() - CHART_HOURS * 3600 * 1000);
    const query = (key) => `/readings?${new URLSearchParams({
      quantity: key, zone: zoneId, start: start.toISOString(), stop: stop.toISOString(), window: CHART_WINDOW,
    })}`;
    await Promise.all(CHART_QUANTITIES.map(async (key) => {
      try {
        const body = await api(query(key));
        if (generation !== state.generation || zoneId !== state.selectedZone) return;
        state.chartData.set(key, {
          windows: body.windows || [], start: start.getTime(), stop: stop.getTime(),
          windowS: body.window_s || 300, limits: body.limits || [], bandRanges: body.band_ranges || [],
        });
      } catch (err) {
        if (err instanceof AuthError || generation !== state.generation || zoneId !== state.selectedZone) return;
        state.chartData.set(key, { error: err.message, start: start.getTime(), stop: stop.getTime() });
      }
      drawChart(key);
    }));
    if (generation !== state.generation || zoneId !== state.selectedZone) return;
    $("#chart-updated").textContent = `Charts updated ${fmt.hour.format(stop)}; they refresh every minute.`;
    renderTimeZone(); // the abbreviation changes with daylight saving time
    if (state.chartTimer) window.clearTimeout(state.chartTimer);
    state.chartTimer = later(() => loadCharts(generation), CHART_REFRESH_MS);
  }

  function drawChart(key) {
    const figure = $(`.chart[data-chart="${key}"]`);
    if (!figure) return;
    const root = $("svg", figure);
    const data = state.chartData.get(key);
    const quantity = state.quantities.get(key);
    const width = Math.max(240, Math.round($(".chart-body", figure).clientWidth || 300));
    const height = 170;
    const m = { top: 10, right: 30, bottom: 24, left: 40 };
    const w = width - m.left - m.right;
    const h = height - m.top - m.bottom;
    root.setAttribute("width", width);
    root.setAttribute("height", height);
    root.setAttribute("viewBox", `0 0 ${width} ${height}`);
    root.replaceChildren();
    $(".chart-tip", figure).hidden = true;

    const stopMs = data?.stop ?? Date.now();
    const startMs = data?.start ?? stopMs - CHART_HOURS * 3600 * 1000;
    const windows = (data?.windows || []).map((d) => ({ ...d, t: Date.parse(d.ts) })).filter((d) => Number.isFinite(d.t));
    // Band limits and areas in force in the chart's month (the site's), as the API sends them.
    const limits = data?.limits || [];
    const bandRanges = data?.bandRanges || [];

    // y domain: the data and the band thresholds, padded, on nice ticks.
    let lo = Infinity;
    let hi = -Infinity;
    for (const d of windows) {
      lo = Math.min(lo, d.min);
      hi = Math.max(hi, d.max);
    }
    for (const t of limits) {
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
    if (!Number.isFinite(lo)) {
      lo = quantity ? quantity.minimum : 0;
      hi = quantity ? Math.min(quantity.maximum, lo + 100) : 100;
    }
    if (hi - lo < 1e-9) {
      lo -= 1;
      hi += 1;
    }
    const pad = (hi - lo) * 0.08;
    const step = niceStep(hi - lo + 2 * pad, 4);
    lo = Math.floor((lo - pad) / step) * step;
    hi = Math.ceil((hi + pad) / step) * step;
    if (quantity && lo < quantity.minimum && quantity.minimum >= 0) lo = Math.max(lo, 0);

    const x = (t) => m.left + ((t - startMs) / (stopMs - startMs)) * w;
    const y = (v) => m.top + (1 - (v - lo) / (hi - lo)) * h;
    const clampY = (v) => Math.min(m.top + h, Math.max(m.top, y(v)));

    const defs = svg("defs");
    const clipId = `clip-${key}`;
    const clip = svg("clipPath", { id: clipId });
    clip.append(svg("rect", { x: m.left, y: m.top, width: w, height: h }));
    defs.append(clip);
    root.append(defs);

    // Comfort bands as faint areas between thresholds.
    const bandLayer = svg("g", { class: "bands", "clip-path": `url(#${clipId})` });
    for (const range of bandRanges) {
      const a = Math.max(lo, range.low ?? -Infinity);
      const b = Math.min(hi, range.high ?? Infinity);
      if (b <= a) continue;
      bandLayer.append(svg("rect", {
        class: `band-area area-${range.band}`, x: m.left, width: w, y: r(y(b)), height: r(y(a) - y(b)),
      }));
    }
    root.append(bandLayer);

    // Grid and y ticks.
    const grid = svg("g", { class: "grid" });
    for (let v = lo; v <= hi + step / 2; v += step) {
      const yy = r(y(v));
      grid.append(svg("line", { x1: m.left, x2: m.left + w, y1: yy, y2: yy }));
      const label = svg("text", { x: m.left - 6, y: yy + 3.5, class: "tick tick-y", "text-anchor": "end" });
      label.textContent = formatTick(v, step);
      grid.append(label);
    }
    // x ticks at whole hours of the site's time zone (offsets are multiples of 15 minutes).
    const hourStep = w < 420 ? 6 : 3;
    const quarter = 15 * 60 * 1000;
    for (let t = Math.ceil(startMs / quarter) * quarter; t <= stopMs; t += quarter) {
      const d = new Date(t);
      const p = partsOf(d);
      if (p.minute !== 0 || p.hour % hourStep !== 0) continue;
      const xx = r(x(t));
      if (xx < m.left + 12 || xx > m.left + w - 12) continue;
      grid.append(svg("line", { x1: xx, x2: xx, y1: m.top, y2: m.top + h, class: "vgrid" }));
      const label = svg("text", { x: xx, y: m.top + h + 16, class: "tick tick-x", "text-anchor": "middle" });
      label.textContent = p.hour !== 0 ? fmt.hour.format(d) : w < 300 ? fmt.weekday.format(d) : fmt.day.format(d);
      grid.append(label);
    }
    root.append(grid);

    // Threshold lines with their values.
    const lines = svg("g", { class: "thresholds" });
    for (const t of limits) {
      if (t <= lo || t >= hi) continue;
      const yy = r(y(t));
      lines.append(svg("line", { x1: m.left, x2: m.left + w, y1: yy, y2: yy, class: "threshold" }));
      const label = svg("text", { x: m.left + w + 4, y: yy + 3.5, class: "threshold-label", "text-anchor": "start" });
      label.textContent = formatTick(t, step / 10);
      lines.append(label);
    }
    root.append(lines);

    // Axis base line.
    root.append(svg("line", { x1: m.left, x2: m.left + w, y1: m.top + h, y2: m.top + h, class: "axis" }));

    if (data?.error || !windows.length) {
      const note = svg("text", { x: m.left + w / 2, y: m.top + h / 2, class: "chart-empty", "text-anchor": "middle" });
      note.textContent = data?.error ? `Could not load: ${data.error}`
        : data ? "No readings in the last 24 hours" : "Loading…";
      root.append(note);
      root.append(svg("path", { class: "series", d: "", "data-points": 0 }));
      return;
    }

    // Split into runs where a gap of more than 2.5 windows breaks the line.
    const gap = (data.windowS || 300) * 2500;
    const runs = [];
    let run = [];
    for (const d of windows) {
      if (run.length && d.t - run[run.length - 1].t > gap) {
        runs.push(run);
        run = [];
      }
      run.push(d);
    }
    if (run.length) runs.push(run);
    const half = ((data.windowS || 300) * 1000) / 2; // windows are labelled by their start: plot mid-window

    // Stretches outside occupied hours, shaded: there the bands do not apply.
    const idle = svg("g", { class: "unoccupied", "clip-path": `url(#${clipId})` });
    let idleFrom = null;
    windows.forEach((d, i) => {
      if (d.occupied === false && idleFrom === null) idleFrom = d.t;
      const next = windows[i + 1];
      if (idleFrom !== null && (!next || next.occupied !== false || next.t - d.t > gap)) {
        const a = x(idleFrom);
        const b = x(d.t + 2 * half);
        idle.append(svg("rect", { class: "unoccupied-area", x: r(a), y: m.top, width: r(Math.max(1, b - a)), height: h }));
        idleFrom = null;
      }
    });
    root.insertBefore(idle, bandLayer.nextSibling);

    const plot = svg("g", { "clip-path": `url(#${clipId})` });
    let envelope = "";
    let line = "";
    for (const seg of runs) {
      const top = seg.map((d) => `${r(x(d.t + half))},${r(clampY(d.max))}`);
      const bottom = seg.slice().reverse().map((d) => `${r(x(d.t + half))},${r(clampY(d.min))}`);
      envelope += `M${top.join("L")}L${bottom.join("L")}Z`;
      line += `M${seg.map((d) => `${r(x(d.t + half))},${r(y(d.mean))}`).join("L")}`;
    }
    plot.append(svg("path", { class: "envelope", d: envelope }));
    plot.append(svg("path", { class: "series", d: line, "data-points": windows.length }));
    const last = windows[windows.length - 1];
    const lastBand = shownBand(last);
    plot.append(svg("circle", { class: `last-dot dot-${lastBand}`, cx: r(x(last.t + half)), cy: r(y(last.mean)), r: 3.5 }));
    root.append(plot);

    // Hover read-out.
    const cursor = svg("g", { class: "cursor", visibility: "hidden" });
    const cursorLine = svg("line", { y1: m.top, y2: m.top + h });
    const cursorDot = svg("circle", { r: 4 });
    cursor.append(cursorLine, cursorDot);
    root.append(cursor);
    const hit = svg("rect", { x: m.left, y: m.top, width: w, height: h, class: "hit" });
    root.append(hit);
    const tip = $(".chart-tip", figure);
    shared.hoverReadout({
      root, hit, tip, cursor, width, height, margin: 70, above: 52,
      read(px) {
        const t = startMs + ((px - m.left) / w) * (stopMs - startMs) - half;
        let best = windows[0];
        for (const d of windows) if (Math.abs(d.t - t) < Math.abs(best.t - t)) best = d;
        const cx = x(best.t + half);
        const cy = y(best.mean);
        cursorLine.setAttribute("x1", r(cx));
        cursorLine.setAttribute("x2", r(cx));
        cursorDot.setAttribute("cx", r(cx));
        cursorDot.setAttribute("cy", r(cy));
        const unit = quantity?.unit || "";
        tip.replaceChildren(
          el("strong", { text: `${formatNumber(best.mean, key)} ${unit}` }),
          el("span", { text: ` ${fmt.hour.format(new Date(best.t))}–${fmt.hour.format(new Date(best.t + 2 * half))}` }),
          el("br"),
          el("span", { class: "muted", text: `min ${formatNumber(best.min, key)} · max ${formatNumber(best.max, key)}` }),
          best.occupied === false ? el("br") : null,
          best.occupied === false ? el("span", { class: "muted", text: "outside working hours" }) : null);
        return { x: cx, y: cy };
      },
    });
  }

  function formatTick(value, step) {
    const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
    return new Intl.NumberFormat("en-GB", { maximumFractionDigits: digits, useGrouping: false }).format(value);
  }

  // ---------------------------------------------------------------- wiring

  function init() {
    $("#chart-zone").addEventListener("change", (event) => selectZone(event.target.value, { focus: false }));
    // Redraw the charts when their width changes (window resize, dead-letter panel appearing).
    shared.onWidthChange($("#charts"), () => {
      if (state.token) for (const key of CHART_QUANTITIES) drawChart(key);
    });
    session.start();
  }

  shared.whenReady(init);
})();
