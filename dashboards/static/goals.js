/* officewell · goal follow-up page (/goals), for managers, HR and administrators.
 *
 * Plain ES2020, no build step and no chart library: the shared shell (templates/base.html, session.js) does
 * the login, the header, the navigation and the role message; this script reads /api/v1/goals/* once per
 * visit (the figures are imported daily) and draws:
 *   - the centre's weekly answer rate (svarsfrekvens) over 13/26/52 weeks against its target, as SVG, with
 *     the same figures as a table,
 *   - a heat-map table of the answer groups' last 13 weeks,
 *   - NKI per question area for the centre's latest period against its targets, with a sparkline,
 *   - the tertial report (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec) for a chosen year.
 * Weeks are ISO weeks of the site's local time; "today", the current ISO week and the targets are the
 * API's (/api/v1/site, /goals/*): the page computes no week, target or verdict itself.
 * Every word comes from the catalog (dashboards/i18n/sv/goals.json, en/goals.json) through shared.t, every number and date
 * is written in the page's locale (94,1 %, v. 48 in Swedish). Data go in with textContent, never as HTML.
 */
(() => {
  "use strict";

  const shared = window.officewellSession; // session.js: login, API, DOM helpers, words and formats
  const { $, el, svg, setAttrs, t, fmt, AuthError, HttpError, LOCALE, round1: r1, niceStep } = shared;
  const SPANS = [13, 26, 52];
  const DEFAULT_SPAN = 52;
  const HEAT_WEEKS = 13;
  const MAX_SPARK_PERIODS = 36;
  const TOTAL = "total";
  const DIMENSIONS = [
    { key: "treatment", label: t("goals.dimension.treatment"), gloss: t("goals.gloss.treatment") },
    { key: "knowledge", label: t("goals.dimension.knowledge"), gloss: t("goals.gloss.knowledge") },
    { key: "accessibility", label: t("goals.dimension.accessibility"), gloss: t("goals.gloss.accessibility") },
    { key: "overall", label: t("goals.dimension.overall"), gloss: t("goals.gloss.overall") },
  ];

  const state = {
    ctx: null, // the load's context (session.js startPage): api, login, site, current()
    timeZone: undefined,
    today: null, // the site's date (API), "2026-11-23"
    currentWeek: null, // the site's ISO week (API): {week: "2026-W48", start, end}
    target: null, // the answer-rate target (API), a share
    nkiTargets: {}, // NKI targets by dimension (API)
    span: DEFAULT_SPAN,
    teamNames: new Map(), // team id -> answer group name from /zones
    weekly: null, // { windowWeeks: [{key, start, end, total, partial}], rows: Map(team -> Map(week -> row)), teams, latest, behind, error }
    nki: null, // rows of /goals/nki, or { error }
    tertials: new Map(), // year -> report (or { error })
    year: null,
    years: [],
    forbidden: false, // the API refused the goals to this login (a role changed since it logged in)
  };

  // ---------------------------------------------------------------- words

  /** The catalog's `key` as a list of text and nodes: each {name} of `params` replaced by its value (a Node or text). */
  function phrase(key, params) {
    const text = shared.MESSAGES[key] ?? key;
    return text.split(/\{(\w+)\}/).map((part, i) => (i % 2 === 0 ? part : params[part] ?? `{${part}}`));
  }

  /** "12 responses" / "12 svar": the `one` or `other` form of a count. */
  function plural(one, other, n) {
    return t(n === 1 ? one : other, { n: fmt.number(n) });
  }

  /** A failed request in the page's words: the API's own sentences are English, so only their status is shown. */
  function problem(err) {
    if (err instanceof HttpError && err.status > 0) return t("goals.error.http", { status: err.status });
    if (err instanceof HttpError || err instanceof AuthError) return err.message; // session.js's words
    return t("goals.error.other");
  }

  /** Whether the API refused the goals to this login (403): the role message is shown instead. */
  function refused(err) {
    if (err instanceof HttpError && err.status === 403) state.forbidden = true;
    return state.forbidden;
  }

  // ---------------------------------------------------------------- numbers

  /** "94,1 %" / "94.1%": a value in percent (0–100) with `digits` decimals. */
  function percentText(value, digits = 1) {
    if (value == null || !Number.isFinite(value)) return "–";
    return t("goals.percent", { value: fmt.number(value, digits) });
  }

  /** A share (0–1) as a percentage with one decimal. */
  function pct(share) {
    return share == null || !Number.isFinite(share) ? "–" : percentText(share * 100, 1);
  }

  // A figure against its target is never rounded across it: 31 099 of 32 737 answered is 94,996 %, not a
  // red "95,0 %" with "+0,0 p.e.". The API's verdict (`met`) says which side of the target the figure lies
  // on; the page shows as many more decimals as it takes to agree (at most EXTRA_DIGITS), and the gap
  // with that sign and at least one significant digit.
  const EXTRA_DIGITS = 4;

  /** Decimals for `value` (on its target's scale), from `digits` up, so that the shown figure sides with `met`. */
  function digitsFor(value, target, met, digits) {
    if (met == null || !Number.isFinite(value) || !Number.isFinite(target)) return digits;
    for (let d = digits; d < digits + EXTRA_DIGITS; d += 1) {
      if ((Number(value.toFixed(d)) >= target) === met) return d;
    }
    return digits + EXTRA_DIGITS;
  }

  /** "−0,004", "+1,4": a gap with its true sign (`met` decides where given) and a digit that is not zero. */
  function signedGap(gap, met, digits) {
    if (gap == null || !Number.isFinite(gap)) return "";
    const below = met == null ? gap < 0 : !met;
    let d = digits;
    while (below && Number(Math.abs(gap).toFixed(d)) === 0 && d < digits + EXTRA_DIGITS) d += 1;
    return `${below ? "−" : "+"}${fmt.number(Math.abs(gap), d)}`;
  }

  /** A row's answer rate against the target: "94,996 %", at the precision its verdict needs. */
  function rateOf(row) {
    const share = row?.answer_rate;
    if (share == null || !Number.isFinite(share)) return "–";
    return percentText(share * 100, rateDigits(row));
  }

  /** The same without the unit, for the heat map's cells. */
  function rateShortOf(row) {
    const share = row?.answer_rate;
    return share == null || !Number.isFinite(share) ? "–" : fmt.number(share * 100, rateDigits(row));
  }

  /** A row's gap to the answer-rate target: "−0,004 p.e." / "+1.4 pp". */
  function rateGapOf(row) {
    const gap = signedGap(row?.gap_pp, metOf(row), rateDigits(row));
    return gap && t("goals.pp", { gap });
  }

  function rateDigits(row) {
    return digitsFor((row?.answer_rate ?? NaN) * 100, (state.target ?? NaN) * 100, metOf(row), 1);
  }

  /** An NKI row's score against its target: "4,296" rather than a red "4,30". */
  function scoreOf(row) {
    return row?.score == null || !Number.isFinite(row.score) ? "–" : fmt.number(row.score, scoreDigits(row));
  }

  function scoreGapOf(row) {
    return signedGap(row?.gap, metOf(row), scoreDigits(row));
  }

  function scoreDigits(row) {
    return digitsFor(row?.score ?? NaN, row?.target ?? NaN, metOf(row), 2);
  }

  /** An NKI target: "4,3". */
  function targetText(value, digits = 1) {
    return Number.isFinite(value) ? fmt.number(value, digits) : "–";
  }

  /** "95 %" / "92,5 %": a target share as the page shows it; "–" before the API said. */
  function targetPct(share) {
    if (share == null || !Number.isFinite(share)) return "–";
    const value = share * 100;
    return percentText(value, Number.isInteger(Math.round(value * 10) / 10) ? 0 : 1);
  }

  /** Whether a row met its target, as the API judged it; null without calls (or without a row). */
  function metOf(row) {
    return row?.met ?? null;
  }

  function verdictOf(met) {
    return met ? t("goals.verdict.met") : t("goals.verdict.miss");
  }

  // ---------------------------------------------------------------- dates, weeks and time zone

  // Calendar dates (week starts, periods) are kept as UTC midnights and formatted in UTC, in the page's locale.
  const cal = {
    day: new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", day: "numeric", month: "short" }),
    dayYear: new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }),
    month: new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", month: "short" }),
    monthYear: new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", month: "short", year: "numeric" }),
  };
  let clock = null; // hours and minutes in the site's zone

  function setTimeZone(zone) {
    state.timeZone = shared.resolveTimeZone(zone);
    clock = new Intl.DateTimeFormat(LOCALE, { timeZone: state.timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  /** An ISO date of the API ("2026-11-23") → that calendar day as a UTC midnight, for formatting. */
  function parseDay(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  }

  /** A UTC-midnight date (as parseDay makes) as the ISO date the API takes. */
  function isoDay(day) {
    return day.toISOString().slice(0, 10);
  }

  /** "2026-W48" → { year: 2026, week: 48 }. */
  function weekParts(key) {
    return { year: Number(key.slice(0, 4)), week: Number(key.slice(-2)) };
  }

  /** "v. 48" / "W48": a week's number where space is short (axis, heat-map head). */
  function weekShort(key) {
    return t("goals.week_short", { week: weekParts(key).week });
  }

  /** "v. 48 2026" / "week 48 2026". */
  function weekFull(key) {
    const { year, week } = weekParts(key);
    return fmt.week(week, year);
  }

  /** "16–22 mars 2026" style: a week's days. */
  function weekDates(wk, withYear = true) {
    return `${cal.day.format(wk.start)}–${(withYear ? cal.dayYear : cal.day).format(wk.end)}`;
  }

  /** Say in the header, and answer for the hint, which zone the weeks are counted in. */
  function renderTimeZone() {
    const differs = Boolean(state.timeZone) && state.timeZone !== shared.BROWSER_TZ;
    const zone = shared.zoneLabel(state.timeZone);
    const note = $("#site-tz");
    note.hidden = !differs;
    note.textContent = differs ? t("goals.zone.note", { zone }) : "";
    note.title = differs ? t("goals.zone.note_title", { browser: shared.BROWSER_TZ || "–" }) : "";
    return differs ? t("goals.zone.site", { zone }) : t("goals.zone.local");
  }

  /** "okt. 2026" for a whole month, else "1 sep. – 31 okt. 2026". */
  function periodLabel(startText, endText) {
    const start = parseDay(startText);
    const end = parseDay(endText);
    if (!start) return "–";
    if (!end) return cal.dayYear.format(start);
    const monthEnd = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
    if (start.getUTCDate() === 1 && end.getTime() === monthEnd.getTime()) return cal.monthYear.format(start);
    return `${cal.day.format(start)} – ${cal.dayYear.format(end)}`;
  }

  function teamName(team) {
    if (team === TOTAL) return t("goals.team.total");
    return state.teamNames.get(team) || team;
  }

  /** "team-2" before "team-10". */
  function teamOrder(a, b) {
    return a.localeCompare(b, LOCALE, { numeric: true });
  }

  setTimeZone(null);

  // ---------------------------------------------------------------- the page's life (session.js startPage)

  /** The role message of the shell instead of the figures: the API refused them to this login. */
  function showRoleView() {
    $("#app-view").hidden = true;
    $("#footer").hidden = true;
    $("#role-view").hidden = false;
  }

  async function load(ctx) {
    Object.assign(state, {
      ctx, weekly: null, nki: null, tertials: new Map(), teamNames: new Map(), forbidden: false,
      target: null, nkiTargets: {},
    });
    delete document.body.dataset.ready;
    applySite(ctx.site);
    renderHints();
    renderWeeklyLoading();

    const zones = ctx.api("/zones").catch(() => []);
    const weekly = loadWeekly(ctx);
    const nki = loadNki(ctx);
    if (!state.today) await weekly; // a server without the site's calendar: the weekly answer says today
    if (!ctx.current()) return;
    state.year = Number((state.today || "").slice(0, 4)) || new Date().getFullYear();
    const tertial = loadTertial(ctx, state.year);
    const teamZones = await zones;
    if (!ctx.current()) return;
    for (const zone of teamZones || []) {
      if (zone.teams?.length === 1 && zone.kind === "answer_group") state.teamNames.set(zone.teams[0], zone.name || zone.id);
    }
    await Promise.all([weekly, nki]);
    if (!ctx.current()) return;
    if (state.forbidden) {
      showRoleView();
      return;
    }
    renderWeekly();
    renderNki();
    buildYears();
    await tertial;
    if (!ctx.current()) return;
    // Default: the current year, unless it has no data yet (early January): then the latest with data.
    const fallback = state.years.find((y) => y < state.year);
    if (!hasData(state.tertials.get(state.year)) && fallback) {
      await selectYear(fallback);
    } else {
      renderTertials();
    }
    if (!ctx.current()) return;
    if (state.forbidden) {
      showRoleView();
      return;
    }
    $("#goals-footer").textContent = t("goals.footer", { time: clock.format(new Date()) });
    document.body.dataset.ready = "true";
  }

  function applySite(site) {
    state.today = site?.today || null;
    state.currentWeek = site?.current_week || null;
    setTimeZone(site?.timezone);
  }

  /** The hints that name the zone and the targets; the targets' spans are refreshed by renderTargets. */
  function renderHints() {
    const zone = renderTimeZone();
    const span = (cls, attrs = {}) => el("strong", { class: cls, ...attrs }, "–");
    $("#weekly-hint").replaceChildren(...phrase("goals.weekly.hint", { zone, target: span("target-text") }));
    $("#heat-key-met").replaceChildren(...phrase("goals.heat.key_met", { target: el("span", { class: "target-text" }, "–") }));
    $("#nki-hint").replaceChildren(...phrase("goals.nki.hint", {
      treatment: span("nki-target-text", { "data-target-of": "treatment" }),
      knowledge: span("nki-target-text", { "data-target-of": "knowledge" }),
    }));
    renderTargets();
  }

  function renderTargets() {
    for (const node of document.querySelectorAll(".target-text")) node.textContent = targetPct(state.target);
    for (const node of document.querySelectorAll(".nki-target-text")) {
      node.textContent = targetText(state.nkiTargets[node.dataset.targetOf]);
    }
  }

  // ---------------------------------------------------------------- weekly answer rate

  async function loadWeekly(ctx) {
    // The centre's 53 weeks up to today (site time): the window may end at last week when this week has no
    // calls yet. Then the answer groups for the 13 weeks the heat map shows, up to the newest with calls:
    // the page asks for the rows it shows, not for every group's year.
    const query = new URLSearchParams({ weeks: DEFAULT_SPAN + 1, team: TOTAL });
    if (state.today) query.set("end", state.today);
    try {
      const body = await ctx.api(`/goals/answer-rate/weekly?${query}`);
      if (!ctx.current()) return;
      state.target = body.target;
      if (!state.today) {
        state.today = body.end;
        state.currentWeek = body.calendar[body.calendar.length - 1] || null;
      }
      const weekly = buildWeekly(body);
      const heat = weekly.windowWeeks.slice(-HEAT_WEEKS);
      if (heat.length) {
        const teams = await ctx.api(`/goals/answer-rate/weekly?${new URLSearchParams({
          start: isoDay(heat[0].start), end: isoDay(heat[heat.length - 1].end),
        })}`);
        if (!ctx.current()) return;
        addTeams(weekly, teams);
      }
      state.weekly = weekly;
    } catch (err) {
      if (err instanceof AuthError || !ctx.current() || refused(err)) return;
      state.weekly = { error: problem(err) };
    }
  }

  /** Add the answer groups' rows of a second answer to the weekly figures. */
  function addTeams(weekly, body) {
    for (const row of body.weeks || []) {
      if (row.team === TOTAL) continue;
      if (!weekly.rows.has(row.team)) weekly.rows.set(row.team, new Map());
      weekly.rows.get(row.team).set(row.week, row);
    }
    weekly.teams = [...weekly.rows.keys()].filter((team) => team !== TOTAL).sort(teamOrder);
  }

  /** The API's weeks by team, and the chart's window: the calendar's weeks up to the newest with calls. */
  function buildWeekly(body) {
    const byTeam = new Map();
    for (const row of body.weeks || []) {
      if (!byTeam.has(row.team)) byTeam.set(row.team, new Map());
      byTeam.get(row.team).set(row.week, row);
    }
    const totals = byTeam.get(TOTAL) || new Map();
    const current = state.currentWeek?.week;
    const calendar = (body.calendar || []).map((wk) => ({
      key: wk.week, start: parseDay(wk.start), end: parseDay(wk.end), total: totals.get(wk.week) || null,
      partial: wk.week === current,
    }));
    let latest = -1;
    calendar.forEach((wk, i) => {
      if (wk.total?.offered > 0) latest = i;
    });
    const teams = [...byTeam.keys()].filter((team) => team !== TOTAL).sort(teamOrder);
    if (latest < 0) return { windowWeeks: [], rows: byTeam, teams: [], latest: null, behind: 0, calendar };
    const now = calendar.findIndex((wk) => wk.partial);
    return {
      windowWeeks: calendar.slice(Math.max(0, latest - DEFAULT_SPAN + 1), latest + 1),
      rows: byTeam,
      teams,
      latest: calendar[latest],
      behind: (now < 0 ? calendar.length - 1 : now) - latest,
      calendar,
    };
  }

  function renderWeeklyLoading() {
    $("#weekly-summary").replaceChildren(el("span", { text: t("common.loading") }));
    $("#weekly-chart svg").replaceChildren();
    $("#weekly-chart-table").replaceChildren();
    $("#stale-banner").hidden = true;
  }

  function renderWeekly() {
    renderTargets();
    const data = state.weekly;
    const summary = $("#weekly-summary");
    const banner = $("#stale-banner");
    banner.hidden = true;
    if (!data || data.error) {
      const message = data?.error ? t("goals.weekly.error", { detail: data.error }) : t("goals.weekly.no_data");
      summary.replaceChildren(el("span", { class: "sum sum-act", text: message }));
      drawWeeklyChart();
      renderHeatTable();
      return;
    }
    if (!data.latest) {
      summary.replaceChildren(el("span", { text: t("goals.weekly.no_calls") }));
      drawWeeklyChart();
      renderHeatTable();
      return;
    }
    if (data.behind > 1) {
      banner.hidden = false;
      banner.textContent = t("goals.weekly.stale", { week: weekFull(data.latest.key), n: data.behind });
    }
    const shown = data.windowWeeks.slice(-state.span);
    const complete = shown.filter((w) => !w.partial && metOf(w.total) != null);
    const metCount = complete.filter((w) => metOf(w.total)).length;
    let offered = 0;
    let answered = 0;
    for (const w of shown) {
      offered += w.total?.offered || 0;
      answered += w.total?.answered || 0;
    }
    const parts = [];
    const lastFull = complete[complete.length - 1];
    if (lastFull) {
      const met = metOf(lastFull.total);
      parts.push(el("span", {
        class: `sum ${met ? "sum-good" : "sum-act"}`,
        text: t("goals.weekly.summary_week", {
          n: weekParts(lastFull.key).week, rate: rateOf(lastFull.total), verdict: verdictOf(met),
          gap: rateGapOf(lastFull.total),
        }),
      }));
    }
    parts.push(el("span", {
      class: "sum sum-plain", text: t("goals.weekly.summary_met", { met: metCount, n: complete.length }),
    }));
    if (offered > 0) {
      parts.push(el("span", {
        class: "sum sum-plain", text: t("goals.weekly.summary_together", { n: state.span, rate: pct(answered / offered) }),
      }));
    }
    const partial = shown.find((w) => w.partial && w.total);
    if (partial) {
      parts.push(el("span", { class: "sum sum-plain", text: t("goals.weekly.summary_partial", { rate: rateOf(partial.total) }) }));
    }
    summary.replaceChildren(...parts);
    drawWeeklyChart();
    renderHeatTable();
  }

  /** Decimals for the y axis's ticks of `step` percent: 0 for whole points, else as many as the step has. */
  function tickDigits(step) {
    return step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
  }

  function drawWeeklyChart() {
    const figure = $("#weekly-chart");
    const root = $("svg", figure);
    const tip = $(".chart-tip", figure);
    tip.hidden = true;
    const width = Math.max(300, Math.round($(".chart-body", figure).clientWidth || 800));
    const narrow = width < 560;
    const height = narrow ? 220 : 270;
    const m = { top: 14, right: narrow ? 14 : 72, bottom: 44, left: 50 };
    const w = width - m.left - m.right;
    const h = height - m.top - m.bottom;
    setAttrs(root, { width, height, viewBox: `0 0 ${width} ${height}` });
    root.replaceChildren();

    const data = state.weekly;
    const weeks = data?.windowWeeks?.slice(-state.span) || [];
    const target = state.target;
    const points = weeks.filter((wk) => metOf(wk.total) != null);
    const empty = data?.error ? t("goals.chart.error") : data ? t("goals.chart.empty") : t("common.loading");
    renderWeeklyTable(weeks, empty);

    // y domain in percent: the data and the target, padded, on whole-point ticks.
    const hasTarget = Number.isFinite(target); // unknown when the API could not be asked
    let lo = hasTarget ? target * 100 : 100;
    let hi = lo;
    for (const wk of points) {
      lo = Math.min(lo, wk.total.answer_rate * 100);
      hi = Math.max(hi, wk.total.answer_rate * 100);
    }
    const step = niceStep(Math.max(2, hi - lo + 1), 5);
    lo = Math.max(0, Math.floor((lo - step * 0.4) / step) * step);
    hi = Math.min(100, Math.ceil((hi + step * 0.4) / step) * step);
    if (hi - lo < step) hi = lo + step;

    const n = Math.max(1, weeks.length);
    const band = w / n;
    const x = (i) => m.left + (i + 0.5) * band;
    const y = (v) => m.top + (1 - (v - lo) / (hi - lo)) * h;
    const yTarget = r1(y(hasTarget ? target * 100 : lo));

    // Below-target zone, grid and y ticks.
    if (hasTarget) {
      root.append(svg("rect", { class: "below-zone", x: m.left, y: yTarget, width: w, height: r1(m.top + h - yTarget) }));
    }
    const grid = svg("g", { class: "grid" });
    const scaled = hasTarget || points.length > 0; // nothing to scale the axis to: no ticks
    for (let v = lo; scaled && v <= hi + step / 2; v += step) {
      const yy = r1(y(v));
      grid.append(svg("line", { x1: m.left, x2: m.left + w, y1: yy, y2: yy }));
      grid.append(svg("text", { x: m.left - 6, y: yy + 3.5, class: "tick tick-y", "text-anchor": "end" },
        percentText(Number(v.toFixed(2)), tickDigits(step))));
    }
    root.append(grid);

    // x labels: week numbers every few weeks, months underneath where a month starts.
    const every = n <= 13 ? 1 : n <= 26 ? 2 : 4;
    const ticks = svg("g", { class: "grid" });
    let lastMonth = null;
    let lastLabelEnd = -Infinity;
    weeks.forEach((wk, i) => {
      const xx = r1(x(i));
      const fromEnd = n - 1 - i;
      if (fromEnd % every === 0 && (!narrow || fromEnd % (every * 2) === 0)) {
        ticks.append(svg("line", { class: "xtick", x1: xx, x2: xx, y1: m.top + h, y2: m.top + h + 4 }));
        ticks.append(svg("text", { x: xx, y: m.top + h + 16, class: "tick tick-x", "text-anchor": "middle" },
          weekShort(wk.key)));
      }
      // The week that holds the 1st of a month (or the first week shown) names the month.
      const sunday = wk.end;
      const month = sunday.getUTCFullYear() * 12 + sunday.getUTCMonth();
      if (lastMonth === null || month !== lastMonth) {
        const newYear = lastMonth === null || sunday.getUTCMonth() === 0;
        if (lastMonth !== null || i < n - 2) {
          const label = newYear ? cal.monthYear.format(sunday) : cal.month.format(sunday);
          const half = label.length * 3.3; // about half the label's width at 10.5px
          if ((!narrow || newYear || sunday.getUTCMonth() % 3 === 0) && xx - half > lastLabelEnd + 6) {
            ticks.append(svg("text", { x: xx, y: m.top + h + 33, class: "tick tick-month", "text-anchor": "middle" }, label));
            lastLabelEnd = xx + half;
          }
        }
        lastMonth = month;
      }
    });
    root.append(ticks);
    root.append(svg("line", { class: "axis", x1: m.left, x2: m.left + w, y1: m.top + h, y2: m.top + h }));

    // The target line.
    if (hasTarget) root.append(svg("line", { class: "target-line", x1: m.left, x2: m.left + w, y1: yTarget, y2: yTarget }));
    if (hasTarget && !narrow) {
      root.append(svg("text", { class: "target-label", x: m.left + w + 6, y: yTarget - 2 }, t("goals.weekly.target_label")));
      root.append(svg("text", { class: "target-label strong", x: m.left + w + 6, y: yTarget + 11 }, targetPct(target)));
    }

    if (!points.length) {
      root.append(svg("text", { class: "chart-empty", x: m.left + w / 2, y: m.top + h / 2, "text-anchor": "middle" }, empty));
      root.setAttribute("data-points", "0");
      $("#weekly-chart-caption").textContent = `${t("goals.weekly.chart_label")}: ${empty}`;
      return;
    }

    // The line, broken where a week has no calls.
    let d = "";
    let open = false;
    weeks.forEach((wk, i) => {
      if (metOf(wk.total) == null) {
        open = false;
        return;
      }
      d += `${open ? "L" : "M"}${r1(x(i))},${r1(y(wk.total.answer_rate * 100))}`;
      open = true;
    });
    root.append(svg("path", { class: "rate-line", d }));

    // Points: a circle at or above target, a downward triangle below it; hollow while the week runs.
    const layer = svg("g", { class: "week-points" });
    const size = n > 40 ? 3.6 : 4.6;
    weeks.forEach((wk, i) => {
      const met = metOf(wk.total);
      if (met == null) return;
      const cx = r1(x(i));
      const cy = r1(y(wk.total.answer_rate * 100));
      const attrs = {
        class: `week-point ${met ? "met" : "miss"}${wk.partial ? " partial" : ""}`,
        "data-week": wk.key, "data-met": String(met), "data-rate": wk.total.answer_rate,
      };
      const shape = met
        ? svg("circle", { ...attrs, cx, cy, r: size })
        : svg("path", {
          ...attrs,
          d: `M${r1(cx - size * 1.15)},${r1(cy - size * 0.8)}L${r1(cx + size * 1.15)},${r1(cy - size * 0.8)}L${cx},${r1(cy + size * 1.2)}Z`,
        });
      layer.append(shape);
    });
    root.append(layer);
    root.setAttribute("data-points", String(points.length));

    const first = weeks[0];
    const last = weeks[weeks.length - 1];
    const metCount = points.filter((wk) => metOf(wk.total)).length;
    $("#weekly-chart-caption").textContent = t("goals.weekly.chart_caption", {
      first: weekFull(first.key), last: weekFull(last.key), met: metCount, n: points.length,
      target: targetPct(target), rate: rateOf(points[points.length - 1].total),
    });

    // Hover read-out.
    const cursor = svg("line", { class: "cursor-line", y1: m.top, y2: m.top + h, visibility: "hidden" });
    root.append(cursor);
    const hit = svg("rect", { class: "hit", x: m.left, y: m.top, width: w, height: h });
    root.append(hit);
    shared.hoverReadout({
      root, hit, tip, cursor, width, height, margin: 120, above: 72,
      read(px) {
        const i = Math.min(n - 1, Math.max(0, Math.floor((px - m.left) / band)));
        const wk = weeks[i];
        const xx = r1(x(i));
        cursor.setAttribute("x1", xx);
        cursor.setAttribute("x2", xx);
        const met = metOf(wk.total);
        const calls = met == null ? "" : t("goals.chart.tip_calls", {
          answered: fmt.number(wk.total.answered), offered: fmt.number(wk.total.offered),
        });
        tip.replaceChildren(
          el("strong", { text: weekFull(wk.key) }),
          el("span", { class: "muted", text: ` ${weekDates(wk)}` }),
          el("br"),
          met == null
            ? el("span", { text: t("goals.chart.no_calls") })
            : el("span", {},
              t("goals.chart.tip_rate", { rate: rateOf(wk.total), verdict: `${met ? "✓" : "▼"} ${verdictOf(met)}`, gap: rateGapOf(wk.total) }),
              el("br"),
              el("span", { class: "muted", text: wk.partial ? `${calls} · ${t("goals.chart.in_progress")}` : calls })));
        return { x: xx, y: met == null ? m.top + h / 2 : y(wk.total.answer_rate * 100) };
      },
    });
  }

  /** The chart's weeks as a table, for those who cannot see the chart or hover over it. */
  function renderWeeklyTable(weeks, empty) {
    const rows = weeks.map((wk) => {
      const met = metOf(wk.total);
      const verdict = met == null ? t("goals.chart.no_calls") : `${verdictOf(met)} (${rateGapOf(wk.total)})`;
      return {
        week: weekFull(wk.key),
        dates: weekDates(wk),
        rate: met == null ? "–" : rateOf(wk.total),
        verdict: wk.partial ? t("goals.table.in_progress", { verdict }) : verdict,
        answered: wk.total ? fmt.number(wk.total.answered) : "–",
        offered: wk.total ? fmt.number(wk.total.offered) : "–",
      };
    });
    const columns = [
      { key: "week", label: t("goals.table.week") },
      { key: "dates", label: t("goals.table.dates") },
      { key: "rate", label: t("goals.table.rate"), num: true },
      { key: "verdict", label: t("goals.table.verdict") },
      { key: "answered", label: t("goals.table.answered"), num: true },
      { key: "offered", label: t("goals.table.offered"), num: true },
    ];
    $("#weekly-chart-table").replaceChildren(rows.length
      ? shared.table(columns, rows, { caption: t("goals.weekly.chart_label") })
      : el("p", { class: "placeholder", text: empty }));
  }

  function heatCell(team, wk) {
    const row = state.weekly.rows.get(team)?.get(wk.key) || null;
    const met = metOf(row);
    const status = met == null ? "none" : met ? "met" : "miss";
    let reading = met == null ? t("goals.heat.no_calls") : t("goals.heat.reading", {
      rate: rateOf(row), verdict: verdictOf(met), gap: rateGapOf(row),
      answered: fmt.number(row.answered), offered: fmt.number(row.offered),
    });
    if (wk.partial) reading = t("goals.heat.reading_partial", { reading });
    return el("td", {
      class: `heat-cell heat-${status}${wk.partial ? " partial" : ""}`,
      "data-team": team, "data-week": wk.key, "data-met": met == null ? "" : String(met),
      title: t("goals.heat.cell_title", { team: teamName(team), week: weekFull(wk.key), dates: weekDates(wk, false), reading }),
    },
    el("span", { class: "heat-sym", "aria-hidden": "true", text: met == null ? "–" : met ? "✓" : "▼" }),
    met == null ? null : el("span", { class: "heat-value", "aria-hidden": "true", text: rateShortOf(row) }),
    el("span", {
      class: "sr-only",
      text: met == null ? t("goals.heat.no_calls") : t("goals.heat.sr_reading", { rate: rateOf(row), verdict: verdictOf(met) }),
    }));
  }

  function renderHeatTable() {
    const table = $("#weekly-table");
    const data = state.weekly;
    const head = $("thead tr", table);
    const body = $("tbody", table);
    if (!data || data.error || !data.latest) {
      head.replaceChildren(el("th", { scope: "col", text: t("goals.heat.corner") }));
      body.replaceChildren(el("tr", {}, el("td", {
        class: "placeholder", text: data?.error ? t("goals.heat.error", { detail: data.error }) : t("goals.heat.empty"),
      })));
      return;
    }
    const weeks = data.windowWeeks.slice(-HEAT_WEEKS);
    head.replaceChildren(
      el("th", { scope: "col", class: "heat-corner" }, `${t("goals.heat.corner")} `,
        el("span", { class: "muted", text: t("goals.heat.corner_week") })),
      ...weeks.map((wk) => el("th", {
        scope: "col", class: `heat-week${wk.partial ? " partial" : ""}`, "data-week": wk.key,
        title: t(wk.partial ? "goals.heat.week_title_partial" : "goals.heat.week_title", { week: weekFull(wk.key), dates: weekDates(wk) }),
      },
      el("span", { class: "wk", text: weekShort(wk.key) }),
      el("span", { class: "wk-date", text: wk.partial ? t("goals.heat.so_far") : cal.day.format(wk.start) }))),
      el("th", { scope: "col", class: "heat-count", title: t("goals.heat.weeks_met_title") }, t("goals.heat.weeks_met")));
    const rows = [TOTAL, ...data.teams].map((team) => {
      const full = weeks.filter((wk) => !wk.partial);
      const known = full.map((wk) => metOf(data.rows.get(team)?.get(wk.key))).filter((met) => met != null);
      const met = known.filter(Boolean).length;
      return el("tr", { class: team === TOTAL ? "heat-total" : "", "data-team": team },
        el("th", { scope: "row", title: team },
          el("span", { class: "team-name", text: teamName(team) }),
          team === TOTAL ? null : el("span", { class: "team-id", text: team })),
        ...weeks.map((wk) => heatCell(team, wk)),
        el("td", { class: "heat-count" }, el("strong", { text: String(met) }), el("span", { class: "muted", text: ` / ${known.length}` })));
    });
    body.replaceChildren(...rows);
  }

  // ---------------------------------------------------------------- NKI

  async function loadNki(ctx) {
    try {
      const body = await ctx.api(`/goals/nki?team=${TOTAL}`); // the page shows the centre's NKI only
      if (!ctx.current()) return;
      state.nki = body.results || [];
      state.nkiTargets = { ...body.targets };
    } catch (err) {
      if (err instanceof AuthError || !ctx.current() || refused(err)) return;
      state.nki = { error: problem(err) };
    }
  }

  function renderNki() {
    renderTargets();
    const box = $("#nki-cards");
    const summary = $("#nki-summary");
    if (!Array.isArray(state.nki)) {
      box.replaceChildren(el("p", { class: "placeholder", text: t("goals.nki.error", { detail: state.nki?.error || t("goals.error.other") }) }));
      summary.replaceChildren();
      return;
    }
    const centre = state.nki.filter((row) => row.team === TOTAL && row.score != null);
    if (!centre.length) {
      box.replaceChildren(el("p", { class: "placeholder", text: t("goals.nki.empty") }));
      summary.replaceChildren();
      return;
    }
    const known = new Set(DIMENSIONS.map((d) => d.key));
    const dims = [...DIMENSIONS, ...[...new Set(centre.map((r) => r.dimension))].filter((k) => !known.has(k))
      .map((k) => ({ key: k, label: k, gloss: "" }))]; // a question area the catalog does not know: its own name
    const cards = [];
    const verdicts = [];
    for (const dim of dims) {
      const rows = centre.filter((r) => r.dimension === dim.key).sort((a, b) => a.period_start.localeCompare(b.period_start));
      if (!rows.length) continue;
      const latest = rows[rows.length - 1];
      const target = latest.target;
      const hasTarget = Number.isFinite(target);
      const met = hasTarget ? metOf(latest) : null;
      if (hasTarget) verdicts.push({ dim, met });
      const status = met == null ? "none" : met ? "good" : "act";
      const titleId = `nki-title-${dim.key}`;
      const chip = hasTarget
        ? el("span", { class: `chip band-${status} nki-status` },
          el("span", { class: "sym", "aria-hidden": "true", text: met ? "✓" : "▼" }),
          ` ${met ? t("goals.nki.met") : t("goals.nki.miss")} `, el("span", { class: "gap", text: scoreGapOf(latest) }))
        : el("span", { class: "chip band-none nki-status", text: t("goals.nki.no_target") });
      cards.push(el("article", {
        class: `nki-card nki-${status}`, "data-dimension": dim.key, "data-met": met == null ? "" : String(met),
        "aria-labelledby": titleId,
      },
      el("header", { class: "nki-head" },
        el("h3", { id: titleId }, dim.label, dim.gloss ? el("span", { class: "title-sv", lang: "sv", text: `(${dim.gloss})` }) : null),
        chip),
      el("div", { class: "nki-figures" },
        el("span", { class: "nki-score", "data-score": latest.score, text: scoreOf(latest) }),
        el("span", { class: "nki-target", "data-target": hasTarget ? target : "" },
          hasTarget ? t("goals.nki.target", { target: targetText(target) }) : t("goals.nki.without_target"))),
      el("p", { class: "nki-period" }, `${periodLabel(latest.period_start, latest.period_end)} · `,
        plural("goals.nki.responses_one", "goals.nki.responses_other", latest.responses || 0)),
      sparkline(rows.slice(-MAX_SPARK_PERIODS), target, dim)));
    }
    box.replaceChildren(...cards);
    const parts = verdicts.map(({ dim, met }) => el("span", {
      class: `sum ${met ? "sum-good" : "sum-act"}`, text: t("goals.nki.summary_dim", { dimension: dim.label, verdict: verdictOf(met) }),
    }));
    const latestEnd = centre.map((r) => r.period_end || r.period_start).sort().pop();
    if (latestEnd) {
      parts.push(el("span", { class: "sum sum-plain", text: t("goals.nki.latest_end", { date: cal.dayYear.format(parseDay(latestEnd)) }) }));
    }
    summary.replaceChildren(...parts);
  }

  function sparkline(rows, target, dim) {
    const width = 260;
    const height = 56;
    const m = { top: 6, right: 6, bottom: 6, left: 6 };
    const first = rows[0];
    const last = rows[rows.length - 1];
    const root = svg("svg", {
      class: "spark", viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", role: "img",
      "data-periods": rows.length,
      "aria-label": t("goals.nki.spark_label", {
        dimension: dim.label, first: periodLabel(first.period_start, first.period_end),
        last: periodLabel(last.period_start, last.period_end), values: rows.map((r) => scoreOf(r)).join(t("goals.list_separator")),
      }),
    });
    const values = rows.map((r) => r.score);
    let lo = Math.min(...values, Number.isFinite(target) ? target : Infinity);
    let hi = Math.max(...values, Number.isFinite(target) ? target : -Infinity);
    const pad = Math.max(0.05, (hi - lo) * 0.15);
    lo -= pad;
    hi += pad;
    const n = rows.length;
    const x = (i) => m.left + (n === 1 ? 0.5 : i / (n - 1)) * (width - m.left - m.right);
    const y = (v) => m.top + (1 - (v - lo) / (hi - lo)) * (height - m.top - m.bottom);
    if (Number.isFinite(target)) {
      const yt = r1(y(target));
      root.append(svg("rect", { class: "spark-below", x: 0, y: yt, width, height: height - yt }));
      root.append(svg("line", { class: "spark-target", x1: 0, x2: width, y1: yt, y2: yt }));
    }
    root.append(svg("path", { class: "spark-line", d: `M${rows.map((r, i) => `${r1(x(i))},${r1(y(r.score))}`).join("L")}` }));
    rows.forEach((r, i) => {
      const miss = r.met === false;
      const dot = svg("circle", {
        class: `spark-dot${miss ? " miss" : ""}${i === n - 1 ? " last" : ""}`, cx: r1(x(i)), cy: r1(y(r.score)),
        r: i === n - 1 ? 3.2 : miss ? 2.4 : 1.6,
      });
      const words = {
        period: periodLabel(r.period_start, r.period_end), score: scoreOf(r),
        responses: plural("goals.nki.responses_one", "goals.nki.responses_other", r.responses || 0),
      };
      dot.append(svg("title", {}, Number.isFinite(target)
        ? t("goals.nki.dot_verdict", { ...words, verdict: verdictOf(!miss) })
        : t("goals.nki.dot", words)));
      root.append(dot);
    });
    return el("figure", { class: "spark-box" }, root,
      el("figcaption", { class: "spark-range", "aria-hidden": "true" },
        el("span", { text: cal.monthYear.format(parseDay(first.period_start)) }),
        el("span", { text: plural("goals.nki.periods_one", "goals.nki.periods_other", n) }),
        el("span", { text: cal.monthYear.format(parseDay(last.period_start)) })));
  }

  // ---------------------------------------------------------------- tertial report

  function buildYears() {
    const years = new Set();
    for (const wk of state.weekly?.calendar || []) {
      if (!(wk.total?.offered > 0)) continue;
      years.add(wk.start.getUTCFullYear());
      years.add(wk.end.getUTCFullYear()); // a week across New Year has calls in both
    }
    if (Array.isArray(state.nki)) for (const row of state.nki) years.add(Number(row.period_start.slice(0, 4)));
    state.years = [...years].filter(Number.isFinite).sort((a, b) => b - a);
    const options = [...new Set([state.year, ...state.years])].sort((a, b) => b - a);
    const select = $("#tertial-year");
    select.replaceChildren(...options.map((y) => el("option", { value: y, text: String(y) })));
    select.value = String(state.year);
  }

  async function loadTertial(ctx, year) {
    if (state.tertials.has(year)) return;
    try {
      const body = await ctx.api(`/goals/tertial/${year}?with_weeks=false`); // the page shows no week rows
      if (!ctx.current()) return;
      state.tertials.set(year, body);
    } catch (err) {
      if (err instanceof AuthError || !ctx.current() || refused(err)) return;
      state.tertials.set(year, { error: problem(err) });
    }
  }

  async function selectYear(year) {
    const ctx = state.ctx;
    if (!ctx || !ctx.current()) return;
    state.year = year;
    $("#tertial-year").value = String(year);
    if (!state.tertials.has(year)) {
      $("#tertial-rows").replaceChildren(el("tr", {}, el("td", { colspan: 6, class: "placeholder", text: t("common.loading") })));
      await loadTertial(ctx, year);
      if (!ctx.current() || state.year !== year) return;
      if (state.forbidden) {
        showRoleView();
        return;
      }
    }
    renderTertials();
  }

  function hasData(report) {
    return Boolean(report && !report.error
      && ((report.centre || []).some((row) => row.offered > 0) || (report.nki || []).length));
  }

  /** Where the site's today (API) lies against a tertial; ISO dates compare as text. */
  function tertialPhase(row) {
    if (!row.start || !row.end || !state.today) return "done";
    if (state.today < row.start) return "future";
    if (state.today <= row.end) return "current";
    return "done";
  }

  /** Where the site's today lies against a year: "done", "current" or "future" (ISO dates compare as text). */
  function yearPhase(year) {
    if (!state.today) return "done";
    if (state.today < `${year}-01-01`) return "future";
    return state.today <= `${year}-12-31` ? "current" : "done";
  }

  /** "2026-T1" → "T1 2026" in the catalog's words. */
  function tertialName(label) {
    return fmt.tertial(Number(label.slice(0, 4)), Number(label.slice(-1)));
  }

  function verdictChip(met, gapText) {
    if (met == null) return el("span", { class: "chip band-none", text: t("goals.tertial.no_data") });
    return el("span", { class: `chip band-${met ? "good" : "act"}` },
      el("span", { class: "sym", "aria-hidden": "true", text: met ? "✓" : "▼" }),
      ` ${met ? t("goals.tertial.met") : t("goals.tertial.miss")}`, gapText ? el("span", { class: "gap", text: ` ${gapText}` }) : null);
  }

  function nkiCell(nkiRows, tertial, dimension, label) {
    const row = nkiRows.find((r) => r.tertial === tertial && r.team === TOTAL && r.dimension === dimension);
    if (!row || row.score == null) {
      return el("td", { "data-col": dimension, "data-label": label, "data-met": "" },
        el("span", { class: "muted", text: t("goals.tertial.no_survey") }));
    }
    const met = metOf(row);
    return el("td", {
      "data-col": dimension, "data-label": label, "data-met": met == null ? "" : String(met),
      class: `verdict-cell ${met === false ? "is-miss" : ""}`,
    },
    el("span", { class: "value", text: scoreOf(row) }),
    verdictChip(met, scoreGapOf(row)),
    el("span", { class: "cell-note", text: plural("goals.nki.responses_one", "goals.nki.responses_other", row.responses || 0) }));
  }

  function renderTertials() {
    const report = state.tertials.get(state.year);
    const body = $("#tertial-rows");
    const summary = $("#tertial-summary");
    const notes = $("#tertial-notes");
    notes.hidden = true;
    if (!report || report.error) {
      body.replaceChildren(el("tr", {}, el("td", {
        colspan: 6, class: "placeholder", text: t("goals.tertial.error", { detail: report?.error || t("goals.error.other") }),
      })));
      summary.replaceChildren();
      $("#tertial-teams").replaceChildren();
      return;
    }
    state.target = report.target_answer_rate;
    state.nkiTargets = { ...report.nki_targets };
    renderTargets();
    $("#tertial-caption").textContent = t("goals.tertial.caption", { year: report.year });
    const nkiRows = report.nki || [];
    const today = parseDay(state.today);
    const rows = (report.centre || []).map((row) => {
      const phase = tertialPhase(row);
      const hasCalls = row.offered > 0 && row.answer_rate != null;
      const met = hasCalls ? metOf(row) : null;
      const start = parseDay(row.start);
      const end = parseDay(row.end);
      const phaseTag = phase === "current"
        ? el("span", {
          class: "phase phase-current", text: t("goals.tertial.current"),
          title: t("goals.tertial.current_title", { end: end ? cal.dayYear.format(end) : "–", today: today ? cal.dayYear.format(today) : "–" }),
        })
        : phase === "future" ? el("span", { class: "phase phase-future", text: t("goals.tertial.future") }) : null;
      const share = row.weeks > 0 ? row.weeks_met / row.weeks : null;
      return el("tr", { "data-tertial": row.tertial, "data-phase": phase, class: `tertial-row tertial-${phase}` },
        el("th", { scope: "row" },
          el("span", { class: "tertial-name", text: row.tertial.slice(-2) }),
          el("span", { class: "tertial-dates", text: start && end ? `${cal.day.format(start)} – ${cal.dayYear.format(end)}` : "" }),
          phaseTag),
        el("td", {
          "data-col": "answer-rate", "data-label": t("goals.tertial.col_rate"), "data-met": met == null ? "" : String(met),
          class: `verdict-cell ${met === false ? "is-miss" : ""}`,
        },
        hasCalls
          ? el("span", { class: "value", text: rateOf(row) })
          : el("span", { class: "muted", text: phase === "future" ? "–" : t("goals.tertial.no_calls") }),
        hasCalls ? verdictChip(met, rateGapOf(row)) : null),
        el("td", { "data-col": "weeks", "data-label": t("goals.tertial.col_weeks") },
          row.weeks > 0
            ? el("span", { class: "weeks-met" },
              el("span", { class: "value", text: t("goals.tertial.weeks_of", { met: row.weeks_met, n: row.weeks }) }),
              el("span", { class: "meter", "aria-hidden": "true" },
                el("span", { class: "meter-fill", style: `width: ${Math.round(share * 100)}%` })),
              el("span", { class: "cell-note", text: t("goals.tertial.weeks_share", { share: percentText(share * 100, 0) }) }))
            : el("span", { class: "muted", text: "–" })),
        el("td", { class: "num", "data-col": "calls", "data-label": t("goals.tertial.col_calls") },
          hasCalls ? `${fmt.number(row.answered)} / ${fmt.number(row.offered)}` : el("span", { class: "muted", text: "–" })),
        nkiCell(nkiRows, row.tertial, "treatment", t("goals.tertial.col_treatment")),
        nkiCell(nkiRows, row.tertial, "knowledge", t("goals.tertial.col_knowledge")));
    });
    body.replaceChildren(...(rows.length
      ? rows
      : [el("tr", {}, el("td", { colspan: 6, class: "placeholder", text: t("goals.tertial.empty") }))]));

    const withCalls = (report.centre || []).filter((row) => row.offered > 0 && row.answer_rate != null);
    const year = report.year_total;
    const parts = [];
    if (year?.offered > 0 && year.answer_rate != null) {
      const met = metOf(year);
      // A year that has ended is the whole year; only the current one is "so far" (the site's today, API).
      const key = yearPhase(report.year) === "current" ? "goals.tertial.year_so_far" : "goals.tertial.year_whole";
      parts.push(el("span", {
        class: `sum ${met ? "sum-good" : "sum-act"}`, text: t(key, { year: report.year, rate: rateOf(year), verdict: verdictOf(met) }),
      }));
      const tertialsMet = withCalls.filter((row) => row.met).length;
      parts.push(el("span", {
        class: "sum sum-plain",
        text: t("goals.tertial.tertials_met", { met: tertialsMet, n: withCalls.length, target: targetPct(state.target) }),
      }));
    } else {
      parts.push(el("span", { class: "sum sum-plain", text: t("goals.tertial.no_calls_year", { year: report.year }) }));
    }
    summary.replaceChildren(...parts);
    // The API's notes are English sentences: the page says the same from the figures, in its own words.
    // A tertial that has not begun needs no note: its row says "not started".
    const silent = (report.centre || []).filter((row) => !(row.offered > 0) && tertialPhase(row) !== "future");
    if (silent.length) {
      const names = silent.map((row) => tertialName(row.tertial)).join(t("goals.list_separator"));
      notes.replaceChildren(el("li", { text: t("goals.tertial.note_no_calls", { tertials: names }) }));
      notes.hidden = false;
    }
    renderTertialTeams(report);
  }

  function renderTertialTeams(report) {
    const table = $("#tertial-teams");
    const labels = (report.centre || []).map((row) => row.tertial);
    const teams = [...new Set((report.teams || []).map((row) => row.team))].sort(teamOrder);
    if (!teams.length) {
      table.replaceChildren(el("tbody", {}, el("tr", {}, el("td", { class: "placeholder", text: t("goals.tertial.teams_empty") }))));
      return;
    }
    const find = (team, tertial) => report.teams.find((row) => row.team === team && row.tertial === tertial);
    table.replaceChildren(
      el("caption", { class: "sr-only", text: t("goals.tertial.teams_caption", { year: report.year }) }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("goals.heat.corner") }),
        ...labels.map((label) => el("th", { scope: "col", text: t("goals.tertial.teams_col", { tertial: label.slice(-2) }) })))),
      el("tbody", {}, ...teams.map((team) => el("tr", { "data-team": team },
        el("th", { scope: "row" }, el("span", { class: "team-name", text: teamName(team) }), el("span", { class: "team-id", text: team })),
        ...labels.map((label) => {
          const row = find(team, label);
          if (!row || !(row.offered > 0) || row.answer_rate == null) return el("td", { class: "muted", text: "–" });
          const met = metOf(row);
          return el("td", { class: `team-rate ${met ? "is-met" : "is-miss"}`, "data-met": String(met) },
            el("span", { class: "sym", "aria-hidden": "true", text: met ? "✓" : "▼" }),
            ` ${rateOf(row)}`, el("span", { class: "sr-only", text: ` ${met ? t("goals.sr.met") : t("goals.sr.miss")}` }),
            el("span", { class: "muted", text: ` · ${t("goals.tertial.teams_weeks", { met: row.weeks_met, n: row.weeks })}` }));
        })))));
  }

  // ---------------------------------------------------------------- wiring

  function init() {
    for (const input of document.querySelectorAll('#weekly-span input[name="span"]')) {
      input.addEventListener("change", () => {
        const span = Number(input.value);
        if (!SPANS.includes(span)) return;
        state.span = span;
        if (state.weekly) renderWeekly();
      });
    }
    $("#tertial-year").addEventListener("change", (event) => selectYear(Number(event.target.value)));
    shared.onWidthChange($("#weekly-chart .chart-body"), () => {
      if (state.weekly) drawWeeklyChart();
    });
    shared.startPage({
      load,
      onEnd() {
        state.ctx = null;
        delete document.body.dataset.ready;
      },
    });
  }

  shared.whenReady(init);
})();
