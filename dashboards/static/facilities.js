/* officewell · the facilities page (/facilities): sound, light and air of every zone, live.
 *
 * Plain ES2020, no build step: the shared shell (session.js, startPage) logs in and shows the site; this page
 * polls /api/v1/latest (every 3 s, or ?refresh=SECONDS), draws the floor plan (pages/floorplan.js) coloured
 * by each zone's worst current band, the zone cards, 24-hour SVG charts of the selected zone, and for the
 * roles that may see the gateway its dead letters and the sensors' health (every 30 s, or ten times ?refresh).
 * Times are the site's (/api/v1/site). Every word comes from the catalogs (dashboards/i18n/*\/facilities.json,
 * common.json) through shared.t; numbers and dates are written in the page's locale. The API's English
 * sentences (sensor problems) are rebuilt from their fields; the gateway's technical reasons are marked English.
 * All data is inserted with textContent / setAttribute, never as HTML.
 */
(() => {
  "use strict";

  window.__loadedAt = Date.now();

  const shared = window.officewellSession; // session.js: login, API, DOM helpers, words
  const { $, el, svg, t, AuthError, round1: r, niceStep } = shared;
  const STALE_AFTER_S = 5 * 60;
  const CHART_REFRESH_MS = 60 * 1000;
  const CHART_WINDOW = "5m";
  const CHART_HOURS = 24;
  const DEAD_LETTER_LIMIT = 10;
  const CHART_QUANTITIES = ["co2_ppm", "temperature_c", "humidity_pct", "sound_dba", "illuminance_lux"];
  const BAND_SYMBOLS = { good: "✓", acceptable: "!", act: "▲", none: "–", unoccupied: "○", stale: "?" };
  const HEALTH_ORDER = { fault: 0, attention: 1, ok: 2, unregistered: 3 };
  const HEALTH_SYMBOLS = { fault: "▲", attention: "!", ok: "✓", unregistered: "?" };

  /** A band's short name ("Bra"). */
  function bandLabel(band) {
    if (band === "good") return t("common.bands.good");
    if (band === "acceptable") return t("common.bands.acceptable");
    if (band === "act") return t("common.bands.act");
    if (band === "unoccupied") return t("common.bands.unoccupied");
    if (band === "stale") return t("facilities.state.stale");
    return t("common.bands.none");
  }

  /** What a band means, in a sentence (a value's tooltip). */
  function bandText(band) {
    if (band === "good") return t("common.bands.good");
    if (band === "acceptable") return t("common.bands.acceptable");
    if (band === "act") return t("facilities.band_text.act");
    if (band === "unoccupied") return t("facilities.band_text.unoccupied");
    return t("facilities.band_text.none");
  }

  function healthLabel(status) {
    if (status === "fault") return t("facilities.health.status.fault");
    if (status === "attention") return t("facilities.health.status.attention");
    if (status === "ok") return t("facilities.health.status.ok");
    return t("facilities.health.status.unregistered");
  }

  function kindLabel(kind) {
    const words = {
      answer_group: t("facilities.kind.answer_group"), meeting_room: t("facilities.kind.meeting_room"),
      break_room: t("facilities.kind.break_room"), office: t("facilities.kind.office"), other: t("facilities.kind.other"),
    };
    return words[kind] || (kind || "").replace(/_/g, " ");
  }

  /** The comfort reference of a quantity in the page's language; the API's own sentence is English. */
  function referenceOf(key, quantity) {
    const words = {
      co2_ppm: t("facilities.reference.co2_ppm"), temperature_c: t("facilities.reference.temperature_c"),
      humidity_pct: t("facilities.reference.humidity_pct"), sound_dba: t("facilities.reference.sound_dba"),
      illuminance_lux: t("facilities.reference.illuminance_lux"), tvoc_ppb: t("facilities.reference.tvoc_ppb"),
      pm25_ugm3: t("facilities.reference.pm25_ugm3"),
    };
    if (words[key]) return words[key];
    return shared.LANG === "en" ? quantity?.reference || "" : "";
  }

  const refreshMs = (() => {
    const raw = Number.parseFloat(new URLSearchParams(window.location.search).get("refresh") || "");
    return Number.isFinite(raw) && raw > 0 ? Math.min(Math.max(raw, 0.5), 3600) * 1000 : 3000;
  })();
  const healthMs = refreshMs * 10; // 30 s at the default refresh

  // ---------------------------------------------------------------- state

  const state = {
    ctx: null, // the shell's context of the current session: api, login, site, current()
    quantities: new Map(),
    zones: [],
    latest: new Map(), // zone id -> values object from the API
    worst: new Map(), // zone id -> good | acceptable | act | unoccupied | stale
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
    plan: null, // the floor plan (pages/floorplan.js)
    timers: new Set(),
    chartTimer: null,
  };

  const current = () => Boolean(state.ctx && state.ctx.current());
  const api = (path, options) => state.ctx.api(path, options);

  // ---------------------------------------------------------------- time zone and numbers

  const fmt = {}; // date formatters in state.timeZone and the page's locale, rebuilt by setTimeZone
  let partsOf = null; // calendar fields of a moment in state.timeZone (session.js timeIn)

  /** Show times in `zone` (an IANA name such as Europe/Stockholm); unknown or empty: the browser's. */
  function setTimeZone(zone) {
    const here = shared.timeIn(zone);
    state.timeZone = here.timeZone;
    partsOf = here.partsOf;
    const at = (options) => here.format(options, shared.LOCALE);
    fmt.time = at({ hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    fmt.hour = at({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    fmt.day = at({ weekday: "short", day: "numeric", month: "short" });
    fmt.weekday = at({ weekday: "short" });
  }

  function dayKey(date) {
    const p = partsOf(date);
    return `${p.year}-${p.month}-${p.day}`;
  }

  /** The header's note on the time zone and the charts' hint: the site's zone when it is not the browser's. */
  function renderTimeZone() {
    const zone = state.timeZone;
    const differs = Boolean(zone) && zone !== shared.BROWSER_TZ;
    const note = $("#site-tz");
    note.hidden = !differs;
    note.textContent = differs ? t("facilities.tz.note", { zone: shared.zoneLabel(zone) }) : "";
    note.title = differs ? t("facilities.tz.title", { browser: shared.BROWSER_TZ || "–" }) : "";
    $("#charts-hint").textContent = differs
      ? t("facilities.charts.hint_site", { zone: shared.zoneLabel(zone) })
      : t("facilities.charts.hint_local");
  }

  setTimeZone(null);

  const numberFormats = new Map();

  /** A reading in its quantity's display precision, without grouping ("1234", "21,4" in Swedish). */
  function formatNumber(value, key) {
    const digits = state.quantities.get(key)?.decimals ?? 1; // the quantity table's display precision
    if (!numberFormats.has(digits)) {
      numberFormats.set(digits, new Intl.NumberFormat(shared.LOCALE, {
        minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false,
      }));
    }
    return numberFormats.get(digits).format(value);
  }

  function formatAge(seconds) {
    if (seconds < 5) return t("facilities.age.now");
    if (seconds < 60) return t("facilities.age.s", { n: Math.floor(seconds) });
    if (seconds < 3600) return t("facilities.age.min", { n: Math.floor(seconds / 60) });
    if (seconds < 86400) return t("facilities.age.h", { n: Math.floor(seconds / 3600) });
    return t("facilities.age.d", { n: Math.floor(seconds / 86400) });
  }

  /** A duration in words ("25 min", "3,5 h"), for sensor problems. */
  function formatDuration(seconds) {
    if (seconds < 120) return t("facilities.duration.s", { n: shared.fmt.number(seconds) });
    if (seconds < 7200) return t("facilities.duration.min", { n: shared.fmt.number(seconds / 60) });
    if (seconds < 172_800) return t("facilities.duration.h", { n: shared.fmt.number(seconds / 3600, 1) });
    return t("facilities.duration.d", { n: shared.fmt.number(seconds / 86400, 1) });
  }

  function formatWhen(date) {
    const sameDay = dayKey(date) === dayKey(new Date());
    return sameDay ? fmt.time.format(date) : `${fmt.day.format(date)} ${fmt.hour.format(date)}`;
  }

  function quantityLabel(key) {
    const word = t(`common.quantity.${key}`);
    return word === `common.quantity.${key}` ? state.quantities.get(key)?.label || key : word;
  }

  function quantityUnit(key, fallback = "") {
    return state.quantities.get(key)?.unit || fallback;
  }

  function bandKey(band) {
    return band === "good" || band === "acceptable" || band === "act" ? band : "none";
  }

  /** How a value (or window) is shown: by its band in occupied hours, as unoccupied outside them (the API says which). */
  function shownBand(entry) {
    return entry.occupied === false ? "unoccupied" : bandKey(entry.band);
  }

  /** "mån–fre 08:00–17:00": the site's working hours as the API sends them, in the page's language. */
  function describeHours(hours) {
    if (!hours) return t("facilities.hours.unknown");
    const days = [...hours.days].sort((a, b) => a - b);
    const consecutive = days.every((d, i) => i === 0 || d === days[i - 1] + 1);
    // 2024-01-01 was a Monday: ISO weekday d falls on 2024-01-0d.
    const weekday = new Intl.DateTimeFormat(shared.LOCALE, { weekday: "short", timeZone: "UTC" });
    const names = days.map((d) => weekday.format(new Date(Date.UTC(2024, 0, d, 12))));
    const dayText = consecutive && days.length > 2 ? `${names[0]}–${names[names.length - 1]}` : names.join(", ");
    return `${dayText} ${hours.start}–${hours.end}`;
  }

  /** "Bra: ≤ 800 ppm · Godtagbart: ≤ 1000 ppm": the band rows the API says are in force this month. */
  function describeBands(quantity) {
    const rows = quantity?.current_bands || [];
    if (!rows.length) return "";
    const n = (v) => shared.fmt.number(v, Number.isInteger(v) ? 0 : 1);
    return rows.map((b) => {
      const u = quantity.unit;
      let range;
      if (b.low == null) range = `≤ ${n(b.high)} ${u}`;
      else if (b.high == null) range = `≥ ${n(b.low)} ${u}`;
      else range = `${n(b.low)}–${n(b.high)} ${u}`;
      return `${bandLabel(b.band)}: ${range}`;
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

  // ---------------------------------------------------------------- start

  /** The shell calls this once a user who may see the environment has logged in (and at every new login). */
  async function load(ctx) {
    clearTimers();
    const { areas } = ctx.login;
    state.ctx = ctx;
    state.latest = new Map();
    state.worst = new Map();
    state.chartData = new Map();
    state.selectedZone = null;
    state.deadLetterIds = null;
    state.deadLettersAllowed = (areas || []).includes("gateway"); // the API answers 403 to the others
    state.healthAllowed = state.deadLettersAllowed;
    state.health = [];
    state.healthStatus = new Map();
    state.failing = false;
    state.lastOk = null;
    delete document.body.dataset.ready;

    const seconds = (ms) => shared.fmt.number(ms / 1000, Number.isInteger(ms / 1000) ? 0 : 1);
    $("#footer-text").textContent = state.healthAllowed
      ? t("facilities.footer.with_health", { s: seconds(refreshMs), h: seconds(healthMs) })
      : t("facilities.footer.text", { s: seconds(refreshMs) });
    $("#dead-letters").hidden = true;
    $("#sensor-health").hidden = true;
    setLive("connecting");
    applySite(ctx.site);

    try {
      const [quantities, zones] = await Promise.all([api("/quantities"), api("/zones")]);
      if (!ctx.current()) return;
      state.quantities = new Map(quantities.map((q) => [q.key, q]));
      state.zones = zones;
    } catch (err) {
      if (err instanceof AuthError || !ctx.current()) return;
      setLive("error", err.message);
      $("#zones").replaceChildren(el("p", { class: "placeholder" }, t("facilities.zones.load_failed", { detail: err.message })));
      later(() => load(ctx), Math.max(refreshMs, 5000));
      return;
    }
    state.plan = window.officewellFloorPlan.mount({
      api, canEdit: (areas || []).includes("admin"), stateOf: zoneState, current: ctx.current, timeZone: state.timeZone,
    });
    state.plan.load();
    buildCards();
    buildZoneSelect();
    buildCharts();
    selectZone(state.zones[0]?.id || null, { focus: false });
    pollLatest(ctx);
    if (state.deadLettersAllowed) pollDeadLetters(ctx);
    if (state.healthAllowed) pollHealth(ctx);
    state.timers.add(window.setInterval(updateAges, 1000));
  }

  function applySite(site) {
    state.site = site;
    setTimeZone(site?.timezone);
    renderTimeZone();
  }

  function setLive(mode, message) {
    const box = $("#live-status");
    box.dataset.state = mode;
    const text = $("#live-text");
    if (mode === "ok") {
      text.textContent = t("facilities.live.ok", { time: fmt.time.format(state.lastOk) });
      shared.banner(null);
    } else if (mode === "error") {
      text.textContent = t("facilities.live.error");
      const detail = message || t("facilities.live.no_answer");
      shared.banner(state.lastOk
        ? t("facilities.live.banner_since", { detail, time: fmt.time.format(state.lastOk) })
        : t("facilities.live.banner", { detail }));
    } else {
      text.textContent = t("facilities.live.connecting");
    }
  }

  // ---------------------------------------------------------------- a zone's state (plan and cards)

  /** The state a zone is drawn in: its worst band now, unoccupied, or stale (nothing for 5 minutes, or no data). */
  function zoneState(zoneId) {
    const key = state.worst.get(zoneId) || "stale";
    const empty = key === "stale" && !Object.keys(state.latest.get(zoneId) || {}).length;
    if (empty) return { key, symbol: BAND_SYMBOLS[key], label: t("facilities.state.no_data"), short: t("facilities.card.no_data") };
    if (key === "stale") return { key, symbol: BAND_SYMBOLS[key], label: t("facilities.state.stale"), short: t("facilities.card.stale") };
    return { key, symbol: BAND_SYMBOLS[key], label: bandLabel(key), short: bandLabel(key) };
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
      const kind = kindLabel(zone.kind);
      const name = (zone.name || zone.id).toLowerCase();
      const meta = [zone.id, name.includes(kind.toLowerCase()) ? "" : kind, ...(zone.teams || [])].filter(Boolean).join(" · ");
      const nameButton = el("button", {
        type: "button", class: "zone-select", "aria-pressed": "false",
        "aria-describedby": `age-${zone.id}`, title: t("facilities.card.select"),
      }, zone.name || zone.id);
      const card = el("article", { class: "zone-card no-data", "data-zone": zone.id },
        el("header", { class: "card-head" },
          el("div", { class: "card-line" },
            el("h3", { class: "card-name" }, nameButton),
            el("span", { class: "age", id: `age-${zone.id}`, text: t("facilities.card.no_data") })),
          el("div", { class: "card-line" },
            el("span", { class: "zone-meta", text: meta, title: meta }),
            el("span", { class: "card-badges" },
              el("span", { class: "stale-badge", text: t("facilities.card.stale"), hidden: true }),
              el("button", { type: "button", class: "fault-badge", hidden: true },
                el("span", { class: "sym", "aria-hidden": "true", text: "▲" }), ` ${t("facilities.card.fault")}`)))),
        el("dl", { class: "metrics" }),
        el("p", { class: "card-foot" },
          el("a", { class: "zone-link", href: `/zone?zone=${encodeURIComponent(zone.id)}` },
            t("facilities.card.open"), el("span", { class: "sr-only" }, `: ${zone.name || zone.id}`))));
      card.addEventListener("click", (event) => {
        const target = event.target.closest("button, a");
        if (target && target !== nameButton) return;
        selectZone(zone.id, { focus: false });
      });
      $(".fault-badge", card).addEventListener("click", () => showFaultyDevice(zone.id));
      grid.append(card);
      renderCardValues(zone.id, false);
    }
  }

  function metricRow(key) {
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
        row = metricRow(key);
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
      $(".sym", row).textContent = entry ? BAND_SYMBOLS[shown] : "";
      $(".sr-only", row).textContent = entry ? `(${bandLabel(shown)})` : t("facilities.card.no_reading");
      const lines = [];
      if (entry) {
        const ts = new Date(entry.ts);
        lines.push(t("facilities.value.line", {
          quantity: quantityLabel(key), value: text, unit: entry.unit, band: bandText(shown),
        }));
        if (shown === "unoccupied" && band !== "none") lines.push(t("facilities.value.would_be", { band: bandLabel(band) }));
        lines.push(t("facilities.value.measured", { when: formatWhen(ts), device: entry.device }));
      } else {
        lines.push(t("facilities.value.none", { quantity: quantityLabel(key) }));
      }
      const ranges = describeBands(quantity);
      if (ranges) lines.push(ranges);
      const reference = referenceOf(key, quantity);
      if (reference) lines.push(t("facilities.value.reference", { reference }));
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
      const ts = Date.parse(entry.ts);
      if (Number.isFinite(ts) && (newest === null || ts > newest)) newest = ts;
    }
    return newest;
  }

  function updateAges() {
    const now = Date.now();
    const counts = { act: 0, acceptable: 0, stale: 0, noData: 0, unoccupied: 0 };
    for (const zone of state.zones) {
      const card = $(`.zone-card[data-zone="${CSS.escape(zone.id)}"]`);
      if (!card) continue;
      const newest = newestTs(zone.id);
      const ageEl = $(".age", card);
      const badge = $(".stale-badge", card);
      let isStale = false;
      if (newest === null) {
        ageEl.textContent = t("facilities.card.no_data");
        ageEl.removeAttribute("title");
        counts.noData += 1;
      } else {
        const age = Math.max(0, (now - newest) / 1000);
        isStale = age > STALE_AFTER_S;
        ageEl.textContent = formatAge(age);
        ageEl.title = t("facilities.card.newest", { when: formatWhen(new Date(newest)) });
        if (isStale) counts.stale += 1;
      }
      card.classList.toggle("is-stale", isStale);
      card.classList.toggle("no-data", newest === null);
      badge.hidden = !isStale;
      let worst = "stale";
      if (newest !== null && !isStale) {
        // Only values taken in occupied hours count: outside them the bands do not apply (the API says which).
        const values = Object.values(state.latest.get(zone.id) || {});
        const bands = values.filter((v) => v.occupied !== false).map((v) => v.band);
        if (!bands.length && values.length) {
          counts.unoccupied += 1;
          worst = "unoccupied";
        } else {
          if (bands.includes("act")) counts.act += 1;
          else if (bands.includes("acceptable")) counts.acceptable += 1;
          worst = bands.includes("act") ? "act" : bands.includes("acceptable") ? "acceptable" : "good";
        }
      }
      state.worst.set(zone.id, worst);
      card.dataset.worst = worst === "stale" ? "none" : worst;
    }
    renderSummary(counts);
    for (const time of document.querySelectorAll("#health-rows time[datetime]")) {
      time.textContent = formatAge(Math.max(0, (now - Date.parse(time.dateTime)) / 1000));
    }
    if (state.lastOk && !state.failing) setLive("ok");
    state.plan?.paint();
  }

  function renderSummary({ act, acceptable, stale, noData, unoccupied }) {
    const total = state.zones.length;
    const parts = [el("span", { text: total === 1 ? t("facilities.summary.zones_one") : t("facilities.summary.zones", { n: total }) })];
    const add = (n, cls, text) => {
      if (n) parts.push(el("span", { class: `sum sum-${cls}`, text }));
    };
    add(act, "act", act === 1 ? t("facilities.summary.act_one") : t("facilities.summary.act", { n: act }));
    add(acceptable, "acceptable", acceptable === 1 ? t("facilities.summary.acceptable_one") : t("facilities.summary.acceptable", { n: acceptable }));
    add(unoccupied, "unoccupied", t("facilities.summary.unoccupied", { n: unoccupied }));
    add(stale, "stale", stale === 1 ? t("facilities.summary.stale_one") : t("facilities.summary.stale", { n: stale }));
    add(noData, "none", t("facilities.summary.no_data", { n: noData }));
    if (!act && !acceptable && !stale && !noData && !unoccupied && total) {
      parts.push(el("span", { class: "sum sum-good", text: t("facilities.summary.all_good") }));
    }
    const summary = $("#summary");
    // A live region: rewritten only when it says something new (this runs every second).
    if (summary.textContent !== parts.map((p) => p.textContent).join("")) summary.replaceChildren(...parts);
    const note = $("#occupancy-note");
    note.hidden = !unoccupied;
    note.textContent = unoccupied ? t("facilities.occupancy_note", { hours: describeHours(state.site?.working_hours) }) : "";
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
      loadCharts(state.ctx);
    }
    renderChartHeads();
  }

  // ---------------------------------------------------------------- polling

  async function pollLatest(ctx) {
    if (!ctx.current()) return;
    try {
      const rows = await api("/latest");
      if (!ctx.current()) return;
      const first = state.lastOk === null;
      for (const row of rows) state.latest.set(row.zone, row.values || {});
      state.lastOk = new Date();
      state.failing = false;
      for (const zone of state.zones) renderCardValues(zone.id, !first);
      updateAges();
      renderChartHeads();
      setLive("ok");
      document.body.dataset.ready = "true";
    } catch (err) {
      if (err instanceof AuthError || !ctx.current()) return;
      state.failing = true;
      setLive("error", err.message);
    }
    later(() => pollLatest(ctx), refreshMs);
  }

  async function pollDeadLetters(ctx) {
    if (!ctx.current() || !state.deadLettersAllowed) return;
    try {
      const body = await api(`/dead-letters?limit=${DEAD_LETTER_LIMIT}`);
      if (!ctx.current()) return;
      renderDeadLetters(body);
    } catch (err) {
      if (err instanceof AuthError || !ctx.current()) return;
      if (err.status === 403) {
        state.deadLettersAllowed = false;
        $("#dead-letters").hidden = true;
        return;
      }
    }
    later(() => pollDeadLetters(ctx), Math.max(refreshMs, 1000));
  }

  async function pollHealth(ctx) {
    if (!ctx.current() || !state.healthAllowed) return;
    try {
      const rows = await api("/sensors/health");
      if (!ctx.current()) return;
      renderHealth(rows);
    } catch (err) {
      if (err instanceof AuthError || !ctx.current()) return;
      if (err.status === 403) {
        state.healthAllowed = false;
        state.health = [];
        $("#sensor-health").hidden = true;
        $("#footer-text").textContent = t("facilities.footer.text", { s: shared.fmt.number(refreshMs / 1000) });
        renderFaultBadges();
        return;
      }
      $("#health-updated").textContent = t("facilities.health.refresh_failed", { detail: err.message });
    }
    later(() => pollHealth(ctx), healthMs);
  }

  // ---------------------------------------------------------------- sensor health

  function healthKey(status) {
    return status in HEALTH_ORDER ? status : "attention";
  }

  function formatRate(value) {
    return shared.fmt.number(value, value >= 10 || Number.isInteger(value) ? 0 : 1);
  }

  /**
   * A device's problems in the page's language. The API sends them as English sentences; each is written
   * again from the row's fields (and, where the row has no field for it, the figure in the sentence). A
   * problem the page does not know is shown as the API wrote it, marked as English.
   */
  function problemsOf(row) {
    const interval = row.expected_per_hour > 0 ? 3600 / row.expected_per_hour : null;
    const figure = (text) => Number.parseFloat((text.match(/\d+(?:\.\d+)?/) || [])[0]);
    return (row.problems || []).map((text) => {
      if (text.startsWith("never heard from")) return { text: t("facilities.problem.never") };
      if (text.startsWith("stale")) {
        const silent = row.last_seen ? (Date.now() - Date.parse(row.last_seen)) / 1000 : null;
        return { text: t("facilities.problem.stale", {
          duration: silent == null ? "–" : formatDuration(Math.max(0, silent)),
          interval: interval == null ? "–" : shared.fmt.number(interval),
        }) };
      }
      if (text.startsWith("reports ") && text.includes("lost")) {
        return { text: t("facilities.problem.rate_low", { rate: formatRate(row.messages_per_hour), expected: formatRate(row.expected_per_hour) }) };
      }
      if (text.startsWith("reports ")) {
        return { text: t("facilities.problem.rate_high", {
          rate: formatRate(row.messages_per_hour), expected: formatRate(row.expected_per_hour),
          interval: interval == null ? "–" : shared.fmt.number(interval),
        }) };
      }
      if (text.startsWith("flat-lined")) {
        return { text: t("facilities.problem.flat", { quantities: (row.flatlined || []).map(quantityLabel).join(", ") }) };
      }
      if (text.startsWith("CO2 baseline")) {
        return { text: t("facilities.problem.co2_low", { ppm: shared.fmt.number(row.co2_baseline_ppm ?? figure(text)) }) };
      }
      if (text.startsWith("CO2 stuck")) return { text: t("facilities.problem.co2_stuck", { ppm: shared.fmt.number(figure(text)) }) };
      if (text.startsWith("battery")) {
        return { text: t("facilities.problem.battery", { pct: shared.fmt.number(row.battery_pct ?? figure(text)) }) };
      }
      if (text.startsWith("not in the site file")) {
        const silent = row.last_seen ? (Date.now() - Date.parse(row.last_seen)) / 1000 : 0;
        return { text: t("facilities.problem.unregistered", { n: shared.fmt.number(figure(text)), ago: formatDuration(Math.max(0, silent)) }) };
      }
      return { text, lang: "en" };
    });
  }

  function renderHealth(rows) {
    const previous = state.healthStatus;
    state.health = rows
      .map((row, index) => ({ ...row, status: healthKey(row.status), index }))
      .sort((a, b) => HEALTH_ORDER[a.status] - HEALTH_ORDER[b.status] || a.index - b.index);
    state.healthStatus = new Map(state.health.map((row) => [row.device, row.status]));

    const counts = { fault: 0, attention: 0, ok: 0, unregistered: 0 };
    for (const row of state.health) counts[row.status] += 1;
    const n = state.health.length;
    const parts = [el("span", { text: n === 1 ? t("facilities.health.sensors_one") : t("facilities.health.sensors", { n }) })];
    const add = (count, cls, text) => {
      if (count) parts.push(el("span", { class: `sum sum-${cls}`, text }));
    };
    add(counts.fault, "act", counts.fault === 1 ? t("facilities.health.faults_one") : t("facilities.health.faults", { n: counts.fault }));
    add(counts.attention, "acceptable", counts.attention === 1
      ? t("facilities.health.attention_one") : t("facilities.health.attention", { n: counts.attention }));
    add(counts.ok, "good", t("facilities.health.ok", { n: counts.ok }));
    add(counts.unregistered, "acceptable", t("facilities.health.unregistered", { n: counts.unregistered }));
    const summary = $("#health-summary");
    if (summary.textContent !== parts.map((p) => p.textContent).join("")) summary.replaceChildren(...parts);

    const body = $("#health-rows");
    if (!state.health.length) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 7, class: "placeholder", text: t("facilities.health.empty") })));
    } else {
      body.replaceChildren(...state.health.map((row) => {
        const tr = healthRow(row);
        if (previous.size && previous.get(row.device) !== row.status) flash(tr);
        return tr;
      }));
    }
    $("#health-updated").textContent = t("facilities.health.checked", { time: fmt.time.format(new Date()) });
    $("#sensor-health").hidden = false;
    renderFaultBadges();
  }

  function healthRow(row) {
    const zone = state.zones.find((z) => z.id === row.zone);
    const seen = row.last_seen ? new Date(row.last_seen) : null;
    const lastSeen = seen
      ? el("time", { datetime: row.last_seen, title: formatWhen(seen) },
        formatAge(Math.max(0, (Date.now() - seen.getTime()) / 1000)))
      : el("span", { class: "never", text: t("facilities.health.never") });
    const details = [t("facilities.health.format", { format: row.format })];
    if (row.co2_baseline_ppm != null) {
      details.push(t("facilities.health.baseline", { ppm: shared.fmt.number(row.co2_baseline_ppm) }));
    }
    const battery = row.battery_pct == null
      ? el("span", { class: "muted", text: "–", title: t("facilities.health.no_battery") })
      : el("span", { class: row.battery_low ? "battery-low" : "", text: t("facilities.health.battery", { pct: shared.fmt.number(row.battery_pct) }) });
    const problems = problemsOf(row);
    const problemList = problems.length
      ? el("ul", { class: "problems" }, ...problems.map((p) => el("li", { lang: p.lang || null, text: p.text })))
      : el("span", { class: "no-problems", text: t("facilities.health.no_problems") });
    return el("tr", { class: `device-row status-${row.status}`, "data-device": row.device, "data-status": row.status },
      el("td", {}, el("span", { class: `status status-${row.status}` },
        el("span", { class: "status-dot", "aria-hidden": "true", text: HEALTH_SYMBOLS[row.status] }), healthLabel(row.status))),
      el("td", { title: details.join("\n") },
        el("span", { class: "device-id", text: row.device }), el("span", { class: "device-format", text: row.format })),
      el("td", { class: "zone-cell", title: row.zone, text: zone?.name || row.zone }),
      el("td", { class: "seen", "data-label": t("facilities.health.col.seen") }, lastSeen),
      el("td", { class: "num rate", title: rateTitle(row), "data-label": t("facilities.health.col.rate") },
        el("span", { text: seen && row.messages_per_hour > 0 ? formatRate(row.messages_per_hour) : "–" }),
        el("span", { class: "muted", text: ` / ${formatRate(row.expected_per_hour)}` })),
      el("td", { class: "num", "data-label": t("facilities.health.col.battery") }, battery),
      el("td", {}, problemList));
  }

  function rateTitle(row) {
    const expected = formatRate(row.expected_per_hour);
    if (!row.last_seen) return t("facilities.health.rate_none", { expected });
    // The API measures a rate between the first and the last message: a single message has none.
    if (row.messages_per_hour <= 0) return t("facilities.health.rate_one", { expected });
    return t("facilities.health.rate", { rate: formatRate(row.messages_per_hour), expected });
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
      const text = rows.map((row) => `${row.device}: ${problemsOf(row).map((p) => p.text).join("; ") || healthLabel("fault")}`).join("\n");
      badge.title = rows.length ? `${text}\n${t("facilities.card.fault_hint")}` : "";
      badge.setAttribute("aria-label", rows.length ? t("facilities.card.fault_label", { text }) : t("facilities.card.fault"));
    }
  }

  function showFaultyDevice(zoneId) {
    const row = state.health.find((h) => h.zone === zoneId && h.status === "fault");
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
    count.textContent = shared.fmt.number(body.total);
    count.dataset.zero = String(body.total === 0);
    const ids = body.items.map((d) => d.id).join(",");
    if (ids === state.deadLetterIds) {
      for (const time of panel.querySelectorAll("time[datetime]")) time.textContent = formatWhen(new Date(time.dateTime));
      return;
    }
    const previous = new Set((state.deadLetterIds || "").split(",").filter(Boolean));
    const firstRender = state.deadLetterIds === null;
    state.deadLetterIds = ids;
    const list = $("#dead-list");
    if (!body.items.length) {
      list.replaceChildren(el("p", { class: "empty-ok" },
        el("span", { class: "sym", "aria-hidden": "true", text: "✓" }), ` ${t("facilities.dead.none")}`));
      return;
    }
    const items = body.items.map((d) => {
      const at = new Date(d.received_at);
      const payload = d.payload.length > 400 ? `${d.payload.slice(0, 400)}…` : d.payload;
      const li = el("li", { class: "dl-item", "data-id": d.id },
        el("div", { class: "dl-top" },
          el("time", { datetime: d.received_at, text: formatWhen(at) }),
          el("code", { class: "dl-topic", text: d.topic }),
          d.partial ? el("span", { class: "dl-partial", text: t("facilities.dead.partial"), title: t("facilities.dead.partial_title") }) : null),
        // The gateway's reason is a technical English sentence (the panel's hint says so).
        el("p", { class: "dl-reason", lang: "en", text: d.reason }),
        el("details", { class: "dl-payload" },
          el("summary", { text: t("facilities.dead.payload", { n: shared.fmt.number(d.payload_size) }) }),
          el("pre", { text: payload })));
      if (!firstRender && !previous.has(String(d.id))) flash(li);
      return li;
    });
    const more = body.total > body.items.length
      ? el("p", { class: "hint", text: t("facilities.dead.more", { n: body.items.length, total: shared.fmt.number(body.total) }) }) : null;
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
            el("span", { text: quantityLabel(key) }), el("span", { class: "chart-unit", text: q ? ` ${q.unit}` : "" })),
          el("span", { class: "chart-now" })),
        el("div", { class: "chart-body" },
          svgRoot(key, titleId),
          el("div", { class: "chart-tip", hidden: true })),
        el("details", { class: "chart-data" },
          el("summary", {}, t("common.chart.as_table")), el("div", { class: "chart-table" })));
      box.append(figure);
    }
    box.append(el("aside", { class: "chart chart-info", "aria-label": t("facilities.charts.about") },
      el("h3", { id: "chart-info-name" }),
      el("dl", { class: "info-list", id: "chart-info-list" }),
      el("ul", { class: "chart-key" },
        el("li", {}, el("span", { class: "key key-line", "aria-hidden": "true" }), t("facilities.charts.key.mean")),
        el("li", {}, el("span", { class: "key key-envelope", "aria-hidden": "true" }), t("facilities.charts.key.envelope")),
        el("li", {}, el("span", { class: "key key-limit", "aria-hidden": "true" }), t("facilities.charts.key.limit")),
        el("li", {}, el("span", { class: "key key-good", "aria-hidden": "true" }), t("common.bands.good")),
        el("li", {}, el("span", { class: "key key-acceptable", "aria-hidden": "true" }), t("common.bands.acceptable")),
        el("li", {}, el("span", { class: "key key-act", "aria-hidden": "true" }), t("common.bands.act")),
        el("li", {}, el("span", { class: "key key-unoccupied", "aria-hidden": "true" }), t("facilities.charts.key.unoccupied"))),
      el("p", { class: "hint", id: "chart-updated" })));
  }

  function renderChartInfo() {
    const zone = state.zones.find((z) => z.id === state.selectedZone);
    if (!zone) return;
    $("#chart-info-name").textContent = zone.name || zone.id;
    const rows = [
      [t("facilities.info.zone"), zone.id],
      [t("facilities.info.kind"), zone.kind ? kindLabel(zone.kind) : "–"],
      [t("facilities.info.teams"), zone.teams?.length ? zone.teams.join(", ") : "–"],
      [t("facilities.info.sensors"), zone.devices?.length ? zone.devices.join(", ") : t("facilities.info.no_sensors")],
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
        head.replaceChildren(el("span", { class: "muted", text: t("facilities.charts.no_current") }));
        continue;
      }
      const band = shownBand(entry);
      head.replaceChildren(el("span", { class: `chip band-${band}` },
        el("span", { class: "sym", "aria-hidden": "true", text: BAND_SYMBOLS[band] }),
        ` ${formatNumber(entry.value, key)} ${entry.unit}`,
        el("span", { class: "sr-only", text: ` (${bandLabel(band)})` })));
    }
  }

  async function loadCharts(ctx) {
    const zoneId = state.selectedZone;
    if (!zoneId || !ctx || !ctx.current()) return;
    const stop = new Date();
    const start = new Date(stop.getTime() - CHART_HOURS * 3600 * 1000);
    const query = (key) => `/readings?${new URLSearchParams({
      quantity: key, zone: zoneId, start: start.toISOString(), stop: stop.toISOString(), window: CHART_WINDOW,
    })}`;
    await Promise.all(CHART_QUANTITIES.map(async (key) => {
      try {
        const body = await api(query(key));
        if (!ctx.current() || zoneId !== state.selectedZone) return;
        state.chartData.set(key, {
          windows: body.windows || [], start: start.getTime(), stop: stop.getTime(),
          windowS: body.window_s || 300, limits: body.limits || [], bandRanges: body.band_ranges || [],
        });
      } catch (err) {
        if (err instanceof AuthError || !ctx.current() || zoneId !== state.selectedZone) return;
        state.chartData.set(key, { error: err.message, start: start.getTime(), stop: stop.getTime() });
      }
      drawChart(key);
    }));
    if (!ctx.current() || zoneId !== state.selectedZone) return;
    $("#chart-updated").textContent = t("facilities.charts.updated", { time: fmt.hour.format(stop) });
    renderTimeZone(); // the abbreviation changes with daylight saving time
    if (state.chartTimer) window.clearTimeout(state.chartTimer);
    state.chartTimer = later(() => loadCharts(ctx), CHART_REFRESH_MS);
  }

  /** The chart's figures by hour (the mean of its 5-minute means, weighted by readings; the lowest and highest). */
  function fillChartTable(key, windows) {
    const holder = $(`.chart[data-chart="${key}"] .chart-table`);
    if (!holder) return;
    if (!windows.length) {
      holder.replaceChildren(el("p", { class: "muted" }, t("facilities.charts.empty")));
      return;
    }
    const hours = new Map();
    for (const d of windows) {
      const hour = Math.floor(d.t / 3_600_000) * 3_600_000;
      const row = hours.get(hour) || { hour, sum: 0, count: 0, min: Infinity, max: -Infinity };
      const weight = d.count || 1;
      row.sum += d.mean * weight;
      row.count += weight;
      row.min = Math.min(row.min, d.min);
      row.max = Math.max(row.max, d.max);
      hours.set(hour, row);
    }
    const unit = quantityUnit(key);
    const rows = [...hours.values()].sort((a, b) => a.hour - b.hour)
      .map((h) => ({ hour: h.hour, mean: h.sum / h.count, min: h.min, max: h.max }));
    const caption = t("facilities.charts.table_caption", { quantity: quantityLabel(key) });
    const table = shared.table([
      { key: "hour", label: t("facilities.charts.col.hour"), format: (v) => `${fmt.day.format(new Date(v))} ${fmt.hour.format(new Date(v))}` },
      { key: "mean", label: t("facilities.charts.col.mean", { unit }), num: true, format: (v) => formatNumber(v, key) },
      { key: "min", label: t("facilities.charts.col.min", { unit }), num: true, format: (v) => formatNumber(v, key) },
      { key: "max", label: t("facilities.charts.col.max", { unit }), num: true, format: (v) => formatNumber(v, key) },
    ], rows, { caption });
    // It scrolls (24 rows in a small box): reachable by keyboard, named as its chart.
    shared.setAttrs(table, { tabindex: 0, role: "region", "aria-label": caption });
    holder.replaceChildren(table);
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
    if (data && !data.error) fillChartTable(key, windows);
    else $(".chart-table", figure).replaceChildren();
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
    for (const limit of limits) {
      lo = Math.min(lo, limit);
      hi = Math.max(hi, limit);
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

    const x = (ms) => m.left + ((ms - startMs) / (stopMs - startMs)) * w;
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
      grid.append(svg("text", { x: m.left - 6, y: yy + 3.5, class: "tick tick-y", "text-anchor": "end" }, formatTick(v, step)));
    }
    // x ticks at whole hours of the site's time zone (offsets are multiples of 15 minutes).
    const hourStep = w < 420 ? 6 : 3;
    const quarter = 15 * 60 * 1000;
    for (let ms = Math.ceil(startMs / quarter) * quarter; ms <= stopMs; ms += quarter) {
      const d = new Date(ms);
      const p = partsOf(d);
      if (p.minute !== 0 || p.hour % hourStep !== 0) continue;
      const xx = r(x(ms));
      if (xx < m.left + 12 || xx > m.left + w - 12) continue;
      grid.append(svg("line", { x1: xx, x2: xx, y1: m.top, y2: m.top + h, class: "vgrid" }));
      const text = p.hour !== 0 ? fmt.hour.format(d) : w < 300 ? fmt.weekday.format(d) : fmt.day.format(d);
      grid.append(svg("text", { x: xx, y: m.top + h + 16, class: "tick tick-x", "text-anchor": "middle" }, text));
    }
    root.append(grid);

    // Threshold lines with their values.
    const lines = svg("g", { class: "thresholds" });
    for (const limit of limits) {
      if (limit <= lo || limit >= hi) continue;
      const yy = r(y(limit));
      lines.append(svg("line", { x1: m.left, x2: m.left + w, y1: yy, y2: yy, class: "threshold" }));
      lines.append(svg("text", { x: m.left + w + 4, y: yy + 3.5, class: "threshold-label", "text-anchor": "start" },
        formatTick(limit, step / 10)));
    }
    root.append(lines);

    // Axis base line.
    root.append(svg("line", { x1: m.left, x2: m.left + w, y1: m.top + h, y2: m.top + h, class: "axis" }));

    if (data?.error || !windows.length) {
      const note = data?.error ? t("facilities.charts.failed", { detail: data.error })
        : data ? t("facilities.charts.empty") : t("common.loading");
      root.append(svg("text", { x: m.left + w / 2, y: m.top + h / 2, class: "chart-empty", "text-anchor": "middle" }, note));
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
        const at = startMs + ((px - m.left) / w) * (stopMs - startMs) - half;
        let best = windows[0];
        for (const d of windows) if (Math.abs(d.t - at) < Math.abs(best.t - at)) best = d;
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
          el("span", { class: "muted", text: t("facilities.charts.tip_range", { min: formatNumber(best.min, key), max: formatNumber(best.max, key) }) }),
          best.occupied === false ? el("br") : null,
          best.occupied === false ? el("span", { class: "muted", text: t("facilities.charts.tip_unoccupied") }) : null);
        return { x: cx, y: cy };
      },
    });
  }

  function formatTick(value, step) {
    const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
    return new Intl.NumberFormat(shared.LOCALE, { maximumFractionDigits: digits, useGrouping: false }).format(value);
  }

  // ---------------------------------------------------------------- wiring

  shared.whenReady(() => {
    $("#chart-zone").addEventListener("change", (event) => selectZone(event.target.value, { focus: false }));
    // Redraw the charts when their width changes (window resize, dead-letter panel appearing).
    shared.onWidthChange($("#charts"), () => {
      if (current()) for (const key of CHART_QUANTITIES) drawChart(key);
    });
    shared.startPage({
      load,
      onEnd: () => {
        clearTimers();
        state.ctx = null;
      },
    });
  });
})();
