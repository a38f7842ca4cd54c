/* officewell · one zone in detail: /zone?zone=<id> (reached from the floor plan on /facilities).
 *
 * The zone's name, kind, teams and sensors (GET /zones); its newest value per quantity with the band
 * (GET /zones/{id}/latest); weekly compliance over occupied hours per quantity with bands — a stacked bar
 * per whole ISO week of the share of measured occupied hours good / acceptable / act, weeks with too little
 * data greyed (GET /evidence/exposure?zone=); the zone's open and recent alerts (GET /alerts?zone=); and,
 * for the roles that may see the gateway (facilities, admin), its sensors' health (GET /sensors/health) —
 * the other roles do not get that panel at all. The zone select switches zones and keeps ?zone= in the
 * address (back and forward work). The API's English sentences (health problems) are never shown: the
 * page writes its own from the structured fields.
 */
(() => {
  "use strict";

  const shared = window.officewellSession;
  const { $, el, t, fmt } = shared;

  const WEEKS = 12; // whole weeks drawn per quantity
  const REFRESH_S = 60; // newest values, alerts and health; the weekly analysis only when the zone changes
  const BANDS = ["good", "acceptable", "act"];
  const SYMBOLS = { good: "✓", acceptable: "!", act: "▲", none: "–", unoccupied: "○" };
  // The bands' colours of style.css (--good, --acceptable, --act): each at least 3:1 against white.
  const COLOURS = { good: "#2e7d32", acceptable: "#c77c02", act: "#d32f2f" };
  const MISSING_COLOUR = "#6b7580";

  const state = {
    zones: null, // GET /zones
    quantities: null, // key -> GET /quantities row
    zoneId: null,
    seq: 0, // bumped on each zone switch: a late answer for another zone is dropped
    exposure: new Map(), // zone -> Promise of GET /evidence/exposure?zone=
    ctx: null,
    wired: false,
  };
  let healthPanel = null; // the sensor health panel, kept while out of the page for roles without the gateway

  // ---------------------------------------------------------------- small helpers

  const quantityName = (key, fallback) => {
    const text = t(`common.quantity.${key}`);
    return text === `common.quantity.${key}` ? fallback || key : text;
  };
  const decimalsOf = (key) => state.quantities?.get(key)?.decimals ?? 1;
  const unitOf = (key, fallback = "") => state.quantities?.get(key)?.unit ?? fallback;
  const withUnit = (value, key, unit) => {
    const u = unit ?? unitOf(key);
    return u ? `${fmt.number(value, decimalsOf(key))} ${u}` : fmt.number(value, decimalsOf(key));
  };
  const tz = () => state.ctx?.site?.timezone;
  const plural = (base, n, params = {}) => t(n === 1 ? `${base}_one` : `${base}_other`, { n, ...params });

  function bandChip(band) {
    const known = band in SYMBOLS ? band : "none";
    return el("span", { class: `chip band-${known}` },
      el("span", { class: "sym", "aria-hidden": "true" }, SYMBOLS[known]), ` ${t(`common.bands.${known}`)}`);
  }

  /** The ISO week {week, year} of a date (the Monday an exposure week starts on). */
  function isoWeek(day) {
    const date = new Date(`${day}T12:00:00Z`);
    const weekday = date.getUTCDay() || 7;
    date.setUTCDate(date.getUTCDate() + 4 - weekday);
    const year = date.getUTCFullYear();
    const week = Math.ceil(((date - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
    return { week, year };
  }

  /** A duration in minutes as "45 min", "2 tim 5 min", "3 dygn 4 tim". */
  function duration(ms) {
    const minutes = Math.max(0, Math.round(ms / 60000));
    if (minutes < 60) return t("alerts.duration.min", { m: minutes });
    if (minutes < 48 * 60) {
      const [h, m] = [Math.floor(minutes / 60), minutes % 60];
      return m ? t("alerts.duration.h_min", { h, m }) : t("alerts.duration.h", { h });
    }
    return t("alerts.duration.d_h", { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
  }

  /** A table's scrolling box as a named region the keyboard can reach, for when it is wider than the screen. */
  function scrollable(wrap, name) {
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", name);
    return wrap;
  }

  function message(text) {
    const box = $("#zone-message");
    box.hidden = !text;
    box.textContent = text || "";
  }

  // ---------------------------------------------------------------- the zone and its select

  function zoneInAddress() {
    return new URLSearchParams(window.location.search).get("zone");
  }

  /** Keep ?zone= in the address and in the language links (which the server wrote for the first zone). */
  function writeAddress(zoneId, push) {
    const params = new URLSearchParams(window.location.search);
    params.set("zone", zoneId);
    params.delete("lang");
    const url = `${window.location.pathname}?${params}`;
    if (push) window.history.pushState({ zone: zoneId }, "", url);
    else window.history.replaceState({ zone: zoneId }, "", url);
    for (const link of document.querySelectorAll("nav.langnav a[data-lang]")) {
      link.setAttribute("href", `?${params}&lang=${link.dataset.lang}`);
    }
  }

  function fillSelect() {
    const select = $("#zone-select");
    select.replaceChildren(...state.zones.map((z) => el("option", { value: z.id }, z.name || z.id)));
  }

  function wire() {
    if (state.wired) return;
    state.wired = true;
    $("#zone-select").addEventListener("change", (event) => {
      const zoneId = event.target.value;
      if (!zoneId || zoneId === state.zoneId) return;
      writeAddress(zoneId, true);
      showZone(zoneId, { full: true });
    });
    window.addEventListener("popstate", () => {
      const zoneId = zoneInAddress();
      if (state.ctx && zoneId && zoneId !== state.zoneId) showZone(zoneId, { full: true });
    });
  }

  // ---------------------------------------------------------------- loading

  async function load(ctx) {
    state.ctx = ctx;
    if (!state.zones) {
      const [zones, quantities] = await Promise.all([ctx.api("/zones"), ctx.api("/quantities")]);
      if (!ctx.current()) return;
      state.zones = zones;
      state.quantities = new Map(quantities.map((q) => [q.key, q]));
      fillSelect();
      wire();
    }
    placeHealthPanel(ctx.login.areas || []);
    const asked = zoneInAddress();
    if (state.zoneId == null || asked !== state.zoneId) {
      let zoneId = asked;
      if (!zoneId && state.zones.length) {
        zoneId = state.zones[0].id;
        writeAddress(zoneId, false);
      }
      await showZone(zoneId, { full: true });
    } else {
      await showZone(state.zoneId, { full: false });
    }
  }

  /** The sensor health panel only for roles that may see the gateway; for the others it is not in the page. */
  function placeHealthPanel(areas) {
    const slot = $("#zone-health-slot");
    if (!healthPanel) healthPanel = $("#zone-health");
    const allowed = areas.includes("gateway");
    if (allowed && !healthPanel.isConnected) slot.append(healthPanel);
    if (!allowed && healthPanel.isConnected) healthPanel.remove();
    slot.hidden = !allowed;
  }

  /** Show `zoneId`: everything on a switch (`full`), else the parts that change by the minute. */
  async function showZone(zoneId, { full }) {
    const ctx = state.ctx;
    const zone = state.zones.find((z) => z.id === zoneId);
    const select = $("#zone-select");
    if (full) state.seq += 1;
    const seq = state.seq;
    state.zoneId = zoneId;
    if (!zone) {
      showUnknown(zoneId);
      return;
    }
    if (select.querySelector("option[data-prompt]")) select.querySelector("option[data-prompt]").remove();
    select.value = zone.id;
    message(null);
    showFacts(zone);
    $("#zone-panels").hidden = false;
    $("#zone-alerts-link").setAttribute("href", `/alerts?zone=${encodeURIComponent(zone.id)}`);
    const fresh = () => ctx.current() && seq === state.seq;
    const jobs = [loadNow(ctx, zone, fresh), loadAlerts(ctx, zone, fresh)];
    if (healthPanel?.isConnected) jobs.push(loadHealth(ctx, zone, fresh));
    if (full) jobs.push(loadCompliance(ctx, zone, fresh));
    await Promise.all(jobs);
  }

  function showUnknown(zoneId) {
    const select = $("#zone-select");
    if (!select.querySelector("option[data-prompt]")) {
      select.prepend(el("option", { value: "", "data-prompt": "true" }, t("zone.select_prompt")));
    }
    select.value = "";
    $("#zone-title").textContent = t("common.page.zone");
    $("#zone-facts").hidden = true;
    $("#zone-panels").hidden = true;
    message(state.zones.length ? t("zone.unknown", { zone: zoneId || "" }) : t("zone.no_zones"));
  }

  function showFacts(zone) {
    $("#zone-title").textContent = zone.name || zone.id;
    const page = document.title.split(" · ");
    page[0] = zone.name || zone.id;
    document.title = page.join(" · ");
    const kind = t(`zone.kind.${zone.kind}`);
    $("#zone-kind").textContent = kind.startsWith("zone.kind.") ? zone.kind : kind;
    $("#zone-teams").textContent = zone.teams.length ? zone.teams.join(", ") : t("zone.meta.none");
    $("#zone-devices").textContent = zone.devices.length ? zone.devices.join(", ") : t("zone.meta.none");
    $("#zone-facts").hidden = false;
  }

  // ---------------------------------------------------------------- right now

  async function loadNow(ctx, zone, fresh) {
    const body = $("#zone-now-body");
    let latest;
    try {
      latest = await ctx.api(`/zones/${encodeURIComponent(zone.id)}/latest`);
    } catch (err) {
      if (err instanceof shared.AuthError || !fresh()) return;
      body.replaceChildren(el("p", { class: "placeholder" }, t("zone.now.failed", { detail: err.message })));
      return;
    }
    if (!fresh()) return;
    const order = [...state.quantities.keys()];
    const keys = Object.keys(latest.values).sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (!keys.length) {
      body.replaceChildren(el("p", { class: "placeholder" }, t("zone.now.empty")));
      return;
    }
    const tiles = keys.map((key) => {
      const v = latest.values[key];
      const band = !v.occupied ? "unoccupied" : v.band || "none";
      return el("li", { class: `now-tile band-${band}`, "data-quantity": key },
        el("span", { class: "now-name" }, quantityName(key)),
        el("span", { class: "now-value" }, el("span", { class: "value" }, fmt.number(v.value, decimalsOf(key))),
          el("span", { class: "unit" }, v.unit)),
        bandChip(band),
        el("span", { class: "now-when" },
          el("time", { datetime: v.ts }, t("zone.now.measured", { time: fmt.dateTime(v.ts, tz()) }))));
    });
    body.replaceChildren(el("ul", { class: "now-tiles" }, ...tiles));
  }

  // ---------------------------------------------------------------- weekly compliance

  function exposureOf(ctx, zoneId) {
    if (!state.exposure.has(zoneId)) {
      const request = ctx.api(`/evidence/exposure?zone=${encodeURIComponent(zoneId)}`);
      request.catch(() => state.exposure.delete(zoneId)); // tried again on the next visit
      state.exposure.set(zoneId, request);
    }
    return state.exposure.get(zoneId);
  }

  async function loadCompliance(ctx, zone, fresh) {
    const status = $("#zone-compliance-status");
    const items = [...document.querySelectorAll(".compliance-item")];
    status.hidden = false;
    status.textContent = t("common.loading");
    for (const item of items) item.hidden = true;
    $("#zone-compliance-note").hidden = true;
    let answer;
    try {
      answer = await exposureOf(ctx, zone.id);
    } catch (err) {
      if (err instanceof shared.AuthError || !fresh()) return;
      status.textContent = err.status === 503 ? t("zone.compliance.unavailable")
        : t("zone.compliance.failed", { detail: err.message });
      return;
    }
    if (!fresh()) return;
    const byQuantity = new Map();
    for (const week of answer.weeks) {
      if (week.zone !== zone.id) continue;
      if (!byQuantity.has(week.quantity)) byQuantity.set(week.quantity, []);
      byQuantity.get(week.quantity).push(week);
    }
    const shown = [];
    const unmeasured = [];
    for (const item of items) {
      const key = item.dataset.quantity;
      const weeks = (byQuantity.get(key) || [])
        .sort((a, b) => a.week_start.localeCompare(b.week_start)).slice(-WEEKS);
      if (!weeks.some((w) => w.hours_with_data > 0)) {
        if (weeks.length) unmeasured.push(quantityName(key));
        continue;
      }
      item.hidden = false;
      drawCompliance(key, weeks);
      shown.push(key);
    }
    status.hidden = shown.length > 0;
    status.textContent = shown.length ? "" : t("zone.compliance.empty");
    const notes = [];
    if (unmeasured.length) notes.push(t("zone.compliance.not_measured", { list: unmeasured.join(", ") }));
    if (shown.length) {
      notes.push(t("zone.compliance.period", {
        start: fmt.date(answer.period.start), end: fmt.date(answer.period.end), time: fmt.dateTime(answer.computed_at, tz()),
      }));
    }
    $("#zone-compliance-note").textContent = notes.join(" ");
    $("#zone-compliance-note").hidden = !notes.length;
  }

  /** The share of a week's judged (measured) occupied hours in each band; null for a week not judged. */
  function sharesOf(week) {
    if (week.status !== "ok") return null;
    const hours = BANDS.map((b) => week[`hours_${b}`] ?? 0);
    const judged = hours.reduce((a, b) => a + b, 0);
    if (!judged) return null;
    return Object.fromEntries(BANDS.map((b, i) => [b, hours[i] / judged]));
  }

  let missingPattern = null;
  /** Grey diagonal stripes: a week with too little data, told apart from the bands by more than colour. */
  function stripes() {
    if (missingPattern) return missingPattern;
    const tile = document.createElement("canvas");
    tile.width = 8;
    tile.height = 8;
    const g = tile.getContext("2d");
    g.fillStyle = "#e3e7eb";
    g.fillRect(0, 0, 8, 8);
    g.strokeStyle = MISSING_COLOUR;
    g.lineWidth = 1.6;
    g.beginPath();
    g.moveTo(-2, 10);
    g.lineTo(10, -2);
    g.moveTo(-2, 2);
    g.lineTo(2, -2);
    g.moveTo(6, 10);
    g.lineTo(10, 6);
    g.stroke();
    missingPattern = g.createPattern(tile, "repeat");
    return missingPattern;
  }

  function drawCompliance(key, weeks) {
    const rows = weeks.map((w) => {
      const { week, year } = isoWeek(w.week_start);
      return { ...w, label: fmt.week(week), longLabel: fmt.week(week, year), shares: sharesOf(w) };
    });
    const judged = rows.filter((r) => r.shares);
    const missing = rows.length - judged.length;
    const sum = (band) => judged.reduce((a, r) => a + (r[`hours_${band}`] ?? 0), 0);
    const total = BANDS.reduce((a, b) => a + sum(b), 0);
    const weeksText = plural("zone.compliance.weeks", rows.length);
    const summary = total
      ? t("zone.compliance.summary", { weeks: weeksText, good: fmt.percent(sum("good") / total, 0), act: fmt.percent(sum("act") / total, 0) })
      : t("zone.compliance.summary_none", { weeks: weeksText });
    $(`#compliance-${key}-summary`).textContent = missing ? `${summary} ${plural("zone.compliance.missing", missing)}` : summary;
    $(`#compliance-${key}-limits`).textContent = limitsText(key);

    const datasets = BANDS.map((band) => ({
      label: t(`common.bands.${band}`),
      data: rows.map((r) => (r.shares ? r.shares[band] : null)),
      backgroundColor: COLOURS[band],
      borderColor: "#ffffff",
      borderWidth: { top: 1, bottom: 0, left: 0, right: 0 },
      stack: "week",
      maxBarThickness: 44,
    }));
    datasets.push({
      label: t("common.bands.missing"),
      data: rows.map((r) => (r.shares ? null : 1)),
      backgroundColor: stripes(),
      borderColor: MISSING_COLOUR,
      borderWidth: 1,
      stack: "week",
      maxBarThickness: 44,
    });
    const config = {
      type: "bar",
      data: { labels: rows.map((r) => r.label), datasets },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { color: "#4b5563", maxRotation: 0, autoSkip: true } },
          y: {
            stacked: true, min: 0, max: 1, grid: { color: "#e6eaee" },
            ticks: { color: "#4b5563", stepSize: 0.25, callback: (v) => fmt.percent(v, 0) },
          },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            filter: (item) => item.raw != null,
            callbacks: {
              title: (items) => rows[items[0].dataIndex].longLabel,
              label: (item) => {
                const row = rows[item.dataIndex];
                if (!row.shares) return t("zone.compliance.tip_missing", { share: fmt.percent(row.completeness, 0) });
                return `${item.dataset.label}: ${fmt.percent(item.raw, 0)}`;
              },
              footer: (items) => {
                const row = rows[items[0].dataIndex];
                return row.shares ? t("zone.compliance.tip_completeness", { share: fmt.percent(row.completeness, 0) }) : "";
              },
            },
          },
        },
      },
    };
    const columns = [
      { key: "longLabel", label: t("zone.compliance.col.week") },
      ...BANDS.map((band) => ({
        key: band, label: t(`common.bands.${band}`), num: true,
        format: (_, row) => (row.shares ? fmt.percent(row.shares[band], 0) : "–"),
      })),
      {
        key: "hours_with_data", label: t("zone.compliance.col.measured"), num: true,
        format: (_, row) => t("zone.compliance.hours_of", { hours: fmt.number(row.hours_with_data, 0), expected: fmt.number(row.expected_hours, 0) }),
      },
      { key: "completeness", label: t("zone.compliance.col.completeness"), num: true, format: (v) => fmt.percent(v, 0) },
      {
        key: "status", label: t("zone.compliance.col.status"),
        format: (_, row) => (row.shares ? t("zone.compliance.status.ok") : t("common.bands.missing")),
      },
    ];
    shared.chart(`compliance-${key}`, config, { columns, rows });
  }

  /** "Good ≤ 800 ppm, acceptable ≤ 1 000 ppm": the bands in force this month. */
  function limitsText(key) {
    const quantity = state.quantities.get(key);
    if (!quantity?.current_bands?.length) return "";
    const edge = (v) => fmt.number(v, decimalsOf(key));
    const parts = quantity.current_bands.filter((b) => b.band !== "act").map((b) => {
      let range;
      if (b.low != null && b.high != null) range = `${edge(b.low)}–${edge(b.high)}`;
      else if (b.high != null) range = `≤ ${edge(b.high)}`;
      else if (b.low != null) range = `≥ ${edge(b.low)}`;
      else return null;
      return `${t(`common.bands.${b.band}`).toLowerCase()} ${range} ${quantity.unit}`;
    }).filter(Boolean);
    return parts.length ? t("zone.compliance.limits", { limits: parts.join(", ") }) : "";
  }

  // ---------------------------------------------------------------- the zone's alerts

  async function loadAlerts(ctx, zone, fresh) {
    const body = $("#zone-alerts-body");
    let answer;
    try {
      answer = await ctx.api(`/alerts?state=all&limit=10&zone=${encodeURIComponent(zone.id)}`);
    } catch (err) {
      if (err instanceof shared.AuthError || !fresh()) return;
      body.replaceChildren(el("p", { class: "placeholder" }, t("zone.alerts.failed", { detail: err.message })));
      return;
    }
    if (!fresh()) return;
    if (!answer.items.length) {
      body.replaceChildren(el("p", { class: "empty-ok" }, t("zone.alerts.empty")));
      return;
    }
    const now = Date.now();
    const items = [...answer.items].sort((a, b) => Number(b.open) - Number(a.open)); // open first, then newest
    const columns = [
      {
        key: "quantity", label: t("alerts.col.quantity"),
        format: (_, a) => `${quantityName(a.quantity, a.label)} ${t(`alerts.side.${a.side}`)}`,
      },
      { key: "since", label: t("alerts.col.since"), format: (v) => fmt.dateTime(v, tz()) },
      {
        key: "duration", label: t("alerts.col.duration"),
        format: (_, a) => duration((a.cleared_at ? Date.parse(a.cleared_at) : now) - Date.parse(a.since)),
      },
      {
        key: "value", label: t("alerts.col.value"),
        format: (_, a) => el("span", {},
          t("alerts.value_vs", { value: withUnit(a.value, a.quantity, a.unit), threshold: withUnit(a.threshold, a.quantity, a.unit) }),
          el("span", { class: "cell-sub" }, t("alerts.peak_short", { peak: withUnit(a.peak, a.quantity, a.unit) }))),
      },
      {
        key: "state", label: t("alerts.col.state"),
        format: (_, a) => (a.open
          ? el("span", { class: "badge badge-act" }, t("alerts.state.open"))
          : el("span", {}, el("span", { class: "badge badge-none" }, t("alerts.state.cleared")),
              el("time", { class: "cell-sub", datetime: a.cleared_at }, fmt.dateTime(a.cleared_at, tz())))),
      },
      {
        key: "acknowledged_by", label: t("alerts.col.ack"),
        format: (_, a) => (a.acknowledged_by
          ? t("alerts.ack.by", { user: a.acknowledged_by, time: fmt.dateTime(a.acknowledged_at, tz()) })
          : t("alerts.ack.none")),
      },
    ];
    body.replaceChildren(scrollable(shared.table(columns, items, { caption: t("zone.alerts.caption") }), t("zone.alerts.caption")));
  }

  // ---------------------------------------------------------------- sensor health

  async function loadHealth(ctx, zone, fresh) {
    const body = $("#zone-health-body");
    let rows;
    try {
      rows = await ctx.api("/sensors/health");
    } catch (err) {
      if (err instanceof shared.AuthError || !fresh()) return;
      body.replaceChildren(el("p", { class: "placeholder" }, t("zone.health.failed", { detail: err.message })));
      return;
    }
    if (!fresh()) return;
    const order = { fault: 0, unregistered: 1, attention: 2, ok: 3 };
    const mine = rows.filter((r) => r.zone === zone.id).sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9));
    if (!mine.length) {
      body.replaceChildren(el("p", { class: "placeholder" }, t("zone.health.empty")));
      return;
    }
    const columns = [
      { key: "status", label: t("zone.health.col.status"), format: (v) => statusBadge(v) },
      { key: "device", label: t("zone.health.col.sensor"), format: (v) => el("span", { class: "device-id" }, v) },
      {
        key: "last_seen", label: t("zone.health.col.last_seen"),
        format: (v) => (v ? el("time", { datetime: v }, fmt.dateTime(v, tz())) : t("zone.health.never")),
      },
      {
        key: "messages_per_hour", label: t("zone.health.col.rate"), num: true,
        format: (v, r) => (r.status === "unregistered" || r.last_seen == null ? "–"
          : t("zone.health.rate", { rate: fmt.number(v, v < 10 ? 1 : 0), expected: fmt.number(r.expected_per_hour, 0) })),
      },
      {
        key: "battery_pct", label: t("zone.health.col.battery"), num: true,
        format: (v, r) => (v == null ? "–" : el("span", { class: r.battery_low ? "battery-low" : null }, fmt.percent(v / 100, 0))),
      },
      { key: "problems", label: t("zone.health.col.problems"), format: (_, r) => problemList(r) },
    ];
    const table = shared.table(columns, mine, { caption: t("zone.health.caption") });
    table.querySelector("table").classList.add("zone-health-table");
    body.replaceChildren(scrollable(table, t("zone.health.caption")));
  }

  function statusBadge(status) {
    const badge = { ok: "good", attention: "acceptable", fault: "act" }[status] || "none";
    const key = `zone.health.status.${status}`;
    const text = t(key);
    return el("span", { class: `badge badge-${badge}` }, text === key ? status : text);
  }

  /** The device's problems in the page's words, from the structured fields (never the API's English). */
  function problemList(r) {
    const items = [];
    if (r.status === "unregistered") {
      items.push(t("zone.health.problem.unregistered"));
    } else {
      if (r.last_seen == null) items.push(t("zone.health.problem.never"));
      else if (r.stale) items.push(t("zone.health.problem.stale", { time: fmt.dateTime(r.last_seen, tz()) }));
      if (r.flatlined?.length) {
        items.push(t("zone.health.problem.flat", { list: r.flatlined.map((q) => quantityName(q)).join(", ") }));
      }
      if (r.co2_drift === "low") items.push(t("zone.health.problem.co2_low", { ppm: fmt.number(r.co2_baseline_ppm, 0) }));
      else if (r.co2_drift === "stuck") items.push(t("zone.health.problem.co2_stuck"));
      if (r.battery_low) items.push(t("zone.health.problem.battery", { pct: fmt.percent(r.battery_pct / 100, 0) }));
      // The one kind of problem without a field of its own: a message rate far from the site file's.
      if ((r.problems || []).length > items.length && r.last_seen != null && !r.stale) {
        items.push(t("zone.health.problem.rate", {
          rate: fmt.number(r.messages_per_hour, 0), expected: fmt.number(r.expected_per_hour, 0),
        }));
      }
    }
    if (!items.length) return el("span", { class: "no-problems" }, t("zone.health.none"));
    return el("ul", { class: "problems" }, ...items.map((text) => el("li", {}, text)));
  }

  shared.whenReady(() => shared.startPage({ load, refreshS: REFRESH_S }));
})();
