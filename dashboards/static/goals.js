/* officewell · goal follow-up page (/goals), for managers and HR.
 *
 * Plain ES2020, no build step and no libraries, like the facilities page: the same login and the same
 * bearer token in sessionStorage (so a tab moving between /facilities and /goals stays logged in).
 * It reads /api/v1/goals/* once per visit (the figures are imported daily) and draws:
 *   - the centre's weekly answer rate (tillgänglighet) over 13/26/52 weeks against 95 %, as SVG,
 *   - a heat-map table of the answer groups' last 13 weeks,
 *   - NKI per question area for the centre's latest period against its targets, with a sparkline,
 *   - the tertial report (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec) for a chosen year.
 * Weeks are ISO weeks of the site's local time; "today", the current ISO week and the targets are the
 * API's (/api/v1/site, /goals/*): the page computes no week, target or verdict itself.
 * All data is inserted with textContent / setAttribute, never as HTML.
 */
(() => {
  "use strict";

  const shared = window.officewellSession; // session.js: login, API, DOM helpers
  const { $, el, svg, setAttrs, AuthError, ROLE_LABELS, round1: r1, niceStep } = shared;
  const SPANS = [13, 26, 52];
  const DEFAULT_SPAN = 52;
  const HEAT_WEEKS = 13;
  const MAX_SPARK_PERIODS = 36;
  const TOTAL = "total";
  const DIMENSIONS = [
    { key: "treatment", label: "Treatment", sv: "bemötande" },
    { key: "knowledge", label: "Knowledge", sv: "kunskap" },
    { key: "accessibility", label: "Accessibility", sv: "tillgänglighet" },
    { key: "overall", label: "Overall", sv: "helhet" },
  ];

  const state = {
    token: null,
    username: null,
    role: null,
    generation: 0, // bumped at every login/logout so that late answers are dropped
    site: null,
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
  };

  // ---------------------------------------------------------------- numbers

  /** "94.9 %": a share (0–1) as a percentage with one decimal. */
  function pct(share) {
    return share == null || !Number.isFinite(share) ? "–" : `${(share * 100).toFixed(1)} %`;
  }

  // A figure against its target is never rounded across it: 31 099 of 32 737 answered is 94.996 %, not a
  // red "95.0 %" with "+0.0 pp". The API's verdict (`met`) says which side of the target the figure lies
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

  /** "−0.004", "+1.4": a gap with its true sign (`met` decides where given) and a digit that is not zero. */
  function signedGap(gap, met, digits) {
    if (gap == null || !Number.isFinite(gap)) return "";
    const below = met == null ? gap < 0 : !met;
    let d = digits;
    while (below && Number(Math.abs(gap).toFixed(d)) === 0 && d < digits + EXTRA_DIGITS) d += 1;
    return `${below ? "−" : "+"}${Math.abs(gap).toFixed(d)}`;
  }

  /** A row's answer rate against the target: "94.996 %", at the precision its verdict needs. */
  function rateOf(row) {
    const share = row?.answer_rate;
    if (share == null || !Number.isFinite(share)) return "–";
    return `${(share * 100).toFixed(rateDigits(row))} %`;
  }

  /** The same without the unit, for the heat map's cells. */
  function rateShortOf(row) {
    return rateOf(row).replace(" %", "");
  }

  /** A row's gap to the answer-rate target: "−0.004 pp" / "+1.4 pp". */
  function rateGapOf(row) {
    const gap = signedGap(row?.gap_pp, metOf(row), rateDigits(row));
    return gap && `${gap} pp`;
  }

  function rateDigits(row) {
    return digitsFor((row?.answer_rate ?? NaN) * 100, (state.target ?? NaN) * 100, metOf(row), 1);
  }

  /** An NKI row's score against its target: "4.296" rather than a red "4.30". */
  function scoreOf(row) {
    return row?.score == null || !Number.isFinite(row.score) ? "–" : row.score.toFixed(scoreDigits(row));
  }

  function scoreGapOf(row) {
    return signedGap(row?.gap, metOf(row), scoreDigits(row));
  }

  function scoreDigits(row) {
    return digitsFor(row?.score ?? NaN, row?.target ?? NaN, metOf(row), 2);
  }

  function targetText(value, digits = 1) {
    return Number.isFinite(value) ? value.toFixed(digits) : "–";
  }

  const counts = new Intl.NumberFormat("en-GB");

  // ---------------------------------------------------------------- dates and time zone

  const fmt = {};
  // Calendar dates (week starts, periods) are kept as UTC midnights and formatted in UTC.
  const cal = {
    day: new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short" }),
    dayYear: new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }),
    month: new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "short" }),
    monthYear: new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "short", year: "numeric" }),
  };

  function setTimeZone(zone) {
    const here = shared.timeIn(zone);
    state.timeZone = here.timeZone;
    fmt.time = here.format({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  /** An ISO date of the API ("2026-11-23") → that calendar day as a UTC midnight, for formatting. */
  function parseDay(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  }

  /** "95 %" / "92.5 %": a target share as the page shows it; "–" before the API said. */
  function targetPct(share) {
    return pct(share).replace(".0 %", " %");
  }

  const weekNumber = (key) => `W${key.slice(-2)}`;

  function renderTimeZone() {
    const phrase = shared.renderSiteTz(
      state.timeZone, "Weeks and dates", "Weeks, dates and times on this page are the site's");
    for (const node of document.querySelectorAll(".tz-text")) node.textContent = phrase;
  }

  /** "Oct 2026" for a whole month, else "1 Sep – 31 Oct 2026". */
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
    if (team === TOTAL) return "Centre (total)";
    return state.teamNames.get(team) || team;
  }

  /** "team-2" before "team-10". */
  function teamOrder(a, b) {
    return a.localeCompare(b, "en", { numeric: true });
  }

  setTimeZone(null);

  // ---------------------------------------------------------------- API and login (session.js)

  const session = shared.create({
    state,
    views: ["#role-view", "#app-view", "#footer"],
    onStart: startSession,
    onForbidden(path) {
      if (!path.startsWith("/goals")) return false;
      showRoleMessage(state.role);
      return true;
    },
  });
  const { api } = session;

  function hideAll() {
    $("#login-view").hidden = true;
    $("#role-view").hidden = true;
    $("#app-view").hidden = true;
    $("#footer").hidden = true;
  }

  function showRoleMessage(role) {
    state.generation += 1; // drop whatever is still on its way
    hideAll();
    $("#role-name").textContent = ROLE_LABELS[role] || role || "an unknown role";
    $("#role-view").hidden = false;
    $("#role-logout").focus();
  }

  // ---------------------------------------------------------------- session start

  async function startSession({ token, username, role, areas }) {
    state.generation += 1;
    state.token = token;
    state.username = username;
    state.role = role;
    state.weekly = null;
    state.nki = null;
    state.tertials = new Map();
    const generation = state.generation;

    hideAll();
    session.showUser(username, role);

    const site = await api("/site").catch((err) => (err instanceof AuthError ? undefined : null));
    if (site === undefined || generation !== state.generation) return;
    applySite(site);
    if (!areas.includes("goals")) {
      showRoleMessage(role);
      return;
    }
    $("#app-view").hidden = false;
    $("#footer").hidden = false;
    renderWeeklyLoading();

    const zones = api("/zones").catch(() => []);
    const weekly = loadWeekly(generation);
    const nki = loadNki(generation);
    if (!state.today) await weekly; // a server without the site's calendar: the weekly answer says today
    if (generation !== state.generation) return;
    state.year = Number((state.today || "").slice(0, 4)) || new Date().getFullYear();
    const tertial = loadTertial(state.year, generation);
    const teamZones = await zones;
    if (generation !== state.generation) return;
    for (const zone of teamZones || []) {
      if (zone.teams?.length === 1 && zone.kind === "answer_group") state.teamNames.set(zone.teams[0], zone.name || zone.id);
    }
    await Promise.all([weekly, nki]);
    if (generation !== state.generation) return;
    renderWeekly();
    renderNki();
    buildYears();
    await tertial;
    if (generation !== state.generation) return;
    // Default: the current year, unless it has no data yet (early January): then the latest with data.
    const fallback = state.years.find((y) => y < state.year);
    if (!hasData(state.tertials.get(state.year)) && fallback) {
      await selectYear(fallback, generation);
    } else {
      renderTertials();
    }
    $("#loaded-at").textContent = `${fmt.time.format(new Date())}`;
    document.body.dataset.ready = "true";
  }

  function applySite(site) {
    state.site = site;
    state.today = site?.today || null;
    state.currentWeek = site?.current_week || null;
    setTimeZone(site?.timezone);
    shared.showSite(site, "Goals");
    renderTimeZone();
  }

  // ---------------------------------------------------------------- weekly answer rate

  async function loadWeekly(generation) {
    // The centre's 53 weeks up to today (site time): the window may end at last week when this week has no
    // calls yet. Then the answer groups for the 13 weeks the heat map shows, up to the newest with calls:
    // the page asks for the rows it shows, not for every group's year.
    const query = new URLSearchParams({ weeks: DEFAULT_SPAN + 1, team: TOTAL });
    if (state.today) query.set("end", state.today);
    try {
      const body = await api(`/goals/answer-rate/weekly?${query}`);
      if (generation !== state.generation) return;
      state.target = body.target;
      if (!state.today) {
        state.today = body.end;
        state.currentWeek = body.calendar[body.calendar.length - 1] || null;
      }
      const weekly = buildWeekly(body);
      const heat = weekly.windowWeeks.slice(-HEAT_WEEKS);
      if (heat.length) {
        const teams = await api(`/goals/answer-rate/weekly?${new URLSearchParams({
          start: isoDay(heat[0].start), end: isoDay(heat[heat.length - 1].end),
        })}`);
        if (generation !== state.generation) return;
        addTeams(weekly, teams);
      }
      state.weekly = weekly;
    } catch (err) {
      if (err instanceof AuthError || generation !== state.generation) return;
      state.weekly = { error: err.message };
    }
  }

  /** A UTC-midnight date (as parseDay makes) as the ISO date the API takes. */
  function isoDay(day) {
    return day.toISOString().slice(0, 10);
  }

  /** Add the answer groups' rows of a second answer to the weekly figures. */
  function addTeams(weekly, body) {
    for (const row of body.weeks || []) {
      if (row.team === TOTAL) continue;
      if (!weekly.rows.has(row.team)) weekly.rows.set(row.team, new Map());
      weekly.rows.get(row.team).set(row.week, row);
    }
    weekly.teams = [...weekly.rows.keys()].filter((t) => t !== TOTAL).sort(teamOrder);
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
    const teams = [...byTeam.keys()].filter((t) => t !== TOTAL).sort(teamOrder);
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
    $("#weekly-summary").replaceChildren(el("span", { text: "Loading…" }));
    $("#weekly-chart svg").replaceChildren();
  }

  /** Whether a row met its target, as the API judged it; null without calls (or without a row). */
  function metOf(row) {
    return row?.met ?? null;
  }

  function renderTargets() {
    for (const node of document.querySelectorAll(".target-text")) node.textContent = targetPct(state.target);
    for (const node of document.querySelectorAll(".nki-target-text")) {
      node.textContent = targetText(state.nkiTargets[node.dataset.targetOf]);
    }
  }

  function renderWeekly() {
    renderTargets();
    const data = state.weekly;
    const summary = $("#weekly-summary");
    const banner = $("#stale-banner");
    banner.hidden = true;
    if (!data || data.error) {
      const message = data?.error ? `Could not load the weekly answer rate: ${data.error}` : "No data.";
      summary.replaceChildren(el("span", { class: "sum sum-act", text: message }));
      drawWeeklyChart();
      renderHeatTable();
      return;
    }
    if (!data.latest) {
      summary.replaceChildren(el("span", { text: "No calls in the last 52 weeks." }));
      drawWeeklyChart();
      renderHeatTable();
      return;
    }
    if (data.behind > 1) {
      banner.hidden = false;
      banner.textContent = `The newest calls are from week ${data.latest.key} (${data.behind} weeks ago): `
        + "newer calls have not been imported yet.";
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
      parts.push(el("span", { class: `sum ${met ? "sum-good" : "sum-act"}` },
        `Week ${weekNumber(lastFull.key)}: ${rateOf(lastFull.total)} `,
        `(${met ? "met" : "below target"}, ${rateGapOf(lastFull.total)})`));
    }
    parts.push(el("span", { class: "sum sum-plain", text: `Target met in ${metCount} of ${complete.length} full weeks` }));
    if (offered > 0) {
      parts.push(el("span", { class: "sum sum-plain", text: `${state.span} weeks together: ${pct(answered / offered)}` }));
    }
    const partial = shown.find((w) => w.partial && w.total);
    if (partial) parts.push(el("span", { class: "sum sum-plain", text: `This week so far: ${rateOf(partial.total)}` }));
    summary.replaceChildren(...parts);
    drawWeeklyChart();
    renderHeatTable();
  }

  function drawWeeklyChart() {
    const figure = $("#weekly-chart");
    const root = $("svg", figure);
    const tip = $(".chart-tip", figure);
    tip.hidden = true;
    const width = Math.max(300, Math.round($(".chart-body", figure).clientWidth || 800));
    const narrow = width < 560;
    const height = narrow ? 220 : 270;
    const m = { top: 14, right: narrow ? 14 : 72, bottom: 44, left: 46 };
    const w = width - m.left - m.right;
    const h = height - m.top - m.bottom;
    setAttrs(root, { width, height, viewBox: `0 0 ${width} ${height}` });
    root.replaceChildren();

    const data = state.weekly;
    const weeks = data?.windowWeeks?.slice(-state.span) || [];
    const target = state.target;
    const points = weeks.filter((wk) => metOf(wk.total) != null);

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
    for (let v = lo; v <= hi + step / 2; v += step) {
      const yy = r1(y(v));
      grid.append(svg("line", { x1: m.left, x2: m.left + w, y1: yy, y2: yy }));
      grid.append(svg("text", { x: m.left - 6, y: yy + 3.5, class: "tick tick-y", "text-anchor": "end" },
        `${Number(v.toFixed(2))} %`));
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
          weekNumber(wk.key)));
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
      root.append(svg("text", { class: "target-label", x: m.left + w + 6, y: yTarget - 2 }, "Target"));
      root.append(svg("text", { class: "target-label strong", x: m.left + w + 6, y: yTarget + 11 }, targetPct(target)));
    }

    if (!points.length) {
      root.append(svg("text", { class: "chart-empty", x: m.left + w / 2, y: m.top + h / 2, "text-anchor": "middle" },
        data?.error ? "Could not load the answer rate" : data ? "No calls in these weeks" : "Loading…"));
      root.setAttribute("data-points", "0");
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
    $("#weekly-chart-caption").textContent = `The centre's answer rate per week from ${first.key} to ${last.key}: `
      + `${metCount} of ${points.length} weeks at or above the target of ${pct(target)}; latest week `
      + `${rateOf(points[points.length - 1].total)}.`;

    // Hover read-out.
    const cursor = svg("line", { class: "cursor-line", y1: m.top, y2: m.top + h, visibility: "hidden" });
    root.append(cursor);
    const hit = svg("rect", { class: "hit", x: m.left, y: m.top, width: w, height: h });
    root.append(hit);
    shared.hoverReadout({
      root, hit, tip, cursor, width, height, margin: 110, above: 72,
      read(px) {
        const i = Math.min(n - 1, Math.max(0, Math.floor((px - m.left) / band)));
        const wk = weeks[i];
        const xx = r1(x(i));
        cursor.setAttribute("x1", xx);
        cursor.setAttribute("x2", xx);
        const met = metOf(wk.total);
        tip.replaceChildren(
          el("strong", { text: `${wk.key}` }),
          el("span", { class: "muted", text: ` ${cal.day.format(wk.start)}–${cal.dayYear.format(wk.end)}` }),
          el("br"),
          met == null
            ? el("span", { text: "No calls" })
            : el("span", {},
              `${rateOf(wk.total)} · ${met ? "✓ met" : "▼ below target"} (${rateGapOf(wk.total)})`,
              el("br"),
              el("span", { class: "muted", text: `${counts.format(wk.total.answered)} of ${counts.format(wk.total.offered)} calls answered${wk.partial ? " · week in progress" : ""}` })));
        return { x: xx, y: met == null ? m.top + h / 2 : y(wk.total.answer_rate * 100) };
      },
    });
  }

  function heatCell(team, wk) {
    const row = state.weekly.rows.get(team)?.get(wk.key) || null;
    const met = metOf(row);
    const status = met == null ? "none" : met ? "met" : "miss";
    const label = met == null ? "no calls" : met ? "at or above target" : "below target";
    const td = el("td", {
      class: `heat-cell heat-${status}${wk.partial ? " partial" : ""}`,
      "data-team": team, "data-week": wk.key, "data-met": met == null ? "" : String(met),
      title: `${teamName(team)}, ${wk.key} (${cal.day.format(wk.start)}–${cal.day.format(wk.end)}): `
        + (met == null ? "no calls" : `${rateOf(row)}, ${label} (${rateGapOf(row)}); `
          + `${counts.format(row.answered)} of ${counts.format(row.offered)} calls answered`)
        + (wk.partial ? "; week in progress" : ""),
    },
    el("span", { class: "heat-sym", "aria-hidden": "true", text: met == null ? "–" : met ? "✓" : "▼" }),
    met == null ? null : el("span", { class: "heat-value", text: rateShortOf(row) }),
    el("span", { class: "sr-only", text: met == null ? "no calls" : ` %, ${label}` }));
    return td;
  }

  function renderHeatTable() {
    const table = $("#weekly-table");
    const data = state.weekly;
    const head = $("thead tr", table);
    const body = $("tbody", table);
    if (!data || data.error || !data.latest) {
      head.replaceChildren(el("th", { scope: "col", text: "Answer group" }));
      body.replaceChildren(el("tr", {}, el("td", {
        class: "placeholder", text: data?.error ? `Could not load: ${data.error}` : "No calls in the last 13 weeks.",
      })));
      return;
    }
    const weeks = data.windowWeeks.slice(-HEAT_WEEKS);
    head.replaceChildren(
      el("th", { scope: "col", class: "heat-corner" }, "Answer group ", el("span", { class: "muted", text: "· week" })),
      ...weeks.map((wk) => el("th", {
        scope: "col", class: `heat-week${wk.partial ? " partial" : ""}`, "data-week": wk.key,
        title: `${wk.key}: ${cal.day.format(wk.start)}–${cal.dayYear.format(wk.end)}${wk.partial ? " (in progress)" : ""}`,
      },
      el("span", { class: "wk", text: weekNumber(wk.key) }),
      el("span", { class: "wk-date", text: wk.partial ? "so far" : cal.day.format(wk.start) }))),
      el("th", { scope: "col", class: "heat-count", title: `Weeks at or above the target among the full weeks shown` }, "Weeks met"));
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

  async function loadNki(generation) {
    try {
      const body = await api(`/goals/nki?team=${TOTAL}`); // the page shows the centre's NKI only
      if (generation !== state.generation) return;
      state.nki = body.results || [];
      state.nkiTargets = { ...body.targets };
    } catch (err) {
      if (err instanceof AuthError || generation !== state.generation) return;
      state.nki = { error: err.message };
    }
  }

  function renderNki() {
    const box = $("#nki-cards");
    const summary = $("#nki-summary");
    if (!Array.isArray(state.nki)) {
      box.replaceChildren(el("p", { class: "placeholder", text: `Could not load NKI: ${state.nki?.error || "no answer"}` }));
      summary.replaceChildren();
      return;
    }
    const centre = state.nki.filter((row) => row.team === TOTAL && row.score != null);
    if (!centre.length) {
      box.replaceChildren(el("p", { class: "placeholder", text: "No NKI results have been imported yet." }));
      summary.replaceChildren();
      return;
    }
    const known = new Set(DIMENSIONS.map((d) => d.key));
    const dims = [...DIMENSIONS, ...[...new Set(centre.map((r) => r.dimension))].filter((k) => !known.has(k))
      .map((k) => ({ key: k, label: k.charAt(0).toUpperCase() + k.slice(1), sv: null }))];
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
          ` ${met ? "Met" : "Below target"} `, el("span", { class: "gap", text: scoreGapOf(latest) }))
        : el("span", { class: "chip band-none nki-status", text: "No target" });
      cards.push(el("article", {
        class: `nki-card nki-${status}`, "data-dimension": dim.key, "data-met": met == null ? "" : String(met),
        "aria-labelledby": titleId,
      },
      el("header", { class: "nki-head" },
        el("h3", { id: titleId }, dim.label, dim.sv ? el("span", { class: "title-sv", lang: "sv", text: `(${dim.sv})` }) : null),
        chip),
      el("div", { class: "nki-figures" },
        el("span", { class: "nki-score", "data-score": latest.score, text: scoreOf(latest) }),
        el("span", { class: "nki-target", "data-target": hasTarget ? target : "" },
          hasTarget ? `target ≥ ${targetText(target)}` : "shown without a target")),
      el("p", { class: "nki-period" }, `${periodLabel(latest.period_start, latest.period_end)} · `,
        `${counts.format(latest.responses || 0)} responses`),
      sparkline(rows.slice(-MAX_SPARK_PERIODS), target, dim)));
    }
    box.replaceChildren(...cards);
    const parts = verdicts.map(({ dim, met }) => el("span", {
      class: `sum ${met ? "sum-good" : "sum-act"}`, text: `${dim.label} ${met ? "met" : "below target"}`,
    }));
    const latestEnd = centre.map((r) => r.period_end || r.period_start).sort().pop();
    if (latestEnd) parts.push(el("span", { class: "sum sum-plain", text: `Latest period ends ${cal.dayYear.format(parseDay(latestEnd))}` }));
    summary.replaceChildren(...parts);
  }

  function sparkline(rows, target, dim) {
    const width = 260;
    const height = 56;
    const m = { top: 6, right: 6, bottom: 6, left: 6 };
    const root = svg("svg", {
      class: "spark", viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", role: "img",
      "data-periods": rows.length,
      "aria-label": `${dim.label} per period, ${periodLabel(rows[0].period_start, rows[0].period_end)} to `
        + `${periodLabel(rows[rows.length - 1].period_start, rows[rows.length - 1].period_end)}: `
        + rows.map((r) => scoreOf(r)).join(", "),
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
      dot.append(svg("title", {}, `${periodLabel(r.period_start, r.period_end)}: ${scoreOf(r)}`
        + `${Number.isFinite(target) ? (miss ? " (below target)" : " (met)") : ""} · ${r.responses} responses`));
      root.append(dot);
    });
    const first = rows[0];
    const last = rows[rows.length - 1];
    return el("figure", { class: "spark-box" }, root,
      el("figcaption", { class: "spark-range" },
        el("span", { text: cal.monthYear.format(parseDay(first.period_start)) }),
        el("span", { text: `${n} ${n === 1 ? "period" : "periods"}` }),
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

  async function loadTertial(year, generation) {
    if (state.tertials.has(year)) return;
    try {
      const body = await api(`/goals/tertial/${year}?with_weeks=false`); // the page shows no week rows
      if (generation !== state.generation) return;
      state.tertials.set(year, body);
    } catch (err) {
      if (err instanceof AuthError || generation !== state.generation) return;
      state.tertials.set(year, { error: err.message });
    }
  }

  async function selectYear(year, generation = state.generation) {
    state.year = year;
    $("#tertial-year").value = String(year);
    if (!state.tertials.has(year)) {
      $("#tertial-rows").replaceChildren(el("tr", {}, el("td", { colspan: 6, class: "placeholder", text: "Loading…" })));
      await loadTertial(year, generation);
      if (generation !== state.generation || state.year !== year) return;
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

  function verdictChip(met, gapText) {
    if (met == null) return el("span", { class: "chip band-none", text: "No data" });
    return el("span", { class: `chip band-${met ? "good" : "act"}` },
      el("span", { class: "sym", "aria-hidden": "true", text: met ? "✓" : "▼" }),
      ` ${met ? "Met" : "Not met"}`, gapText ? el("span", { class: "gap", text: ` ${gapText}` }) : null);
  }

  function nkiCell(nkiRows, tertial, dimension) {
    const row = nkiRows.find((r) => r.tertial === tertial && r.team === TOTAL && r.dimension === dimension);
    const label = `NKI ${dimension}`;
    if (!row || row.score == null) {
      return el("td", { "data-col": dimension, "data-label": label, "data-met": "" }, el("span", { class: "muted", text: "No survey results" }));
    }
    const met = metOf(row);
    return el("td", { "data-col": dimension, "data-label": label, "data-met": met == null ? "" : String(met), class: `verdict-cell ${met === false ? "is-miss" : ""}` },
      el("span", { class: "value", text: scoreOf(row) }),
      verdictChip(met, scoreGapOf(row)),
      el("span", { class: "cell-note", text: `${counts.format(row.responses || 0)} responses` }));
  }

  function renderTertials() {
    const report = state.tertials.get(state.year);
    const body = $("#tertial-rows");
    const summary = $("#tertial-summary");
    const notes = $("#tertial-notes");
    notes.hidden = true;
    if (!report || report.error) {
      body.replaceChildren(el("tr", {}, el("td", {
        colspan: 6, class: "placeholder", text: `Could not load the tertial report: ${report?.error || "no answer"}`,
      })));
      summary.replaceChildren();
      $("#tertial-teams").replaceChildren();
      return;
    }
    state.target = report.target_answer_rate;
    state.nkiTargets = { ...report.nki_targets };
    renderTargets();
    $("#tertial-caption").textContent = `The centre's tertials of ${report.year} against the goals`;
    const nkiRows = report.nki || [];
    const rows = (report.centre || []).map((row) => {
      const phase = tertialPhase(row);
      const hasCalls = row.offered > 0 && row.answer_rate != null;
      const met = hasCalls ? metOf(row) : null;
      const number = row.tertial.slice(-2);
      const start = parseDay(row.start);
      const end = parseDay(row.end);
      const phaseTag = phase === "current"
        ? el("span", {
          class: "phase phase-current", text: "In progress, figures so far",
          title: `The tertial runs until ${end ? cal.dayYear.format(end) : "its end"}; today is ${cal.dayYear.format(parseDay(state.today))}.`,
        })
        : phase === "future" ? el("span", { class: "phase phase-future", text: "Not started" }) : null;
      const share = row.weeks > 0 ? row.weeks_met / row.weeks : null;
      return el("tr", { "data-tertial": row.tertial, "data-phase": phase, class: `tertial-row tertial-${phase}` },
        el("th", { scope: "row" },
          el("span", { class: "tertial-name", text: number }),
          el("span", { class: "tertial-dates", text: start && end ? `${cal.day.format(start)} – ${cal.dayYear.format(end)}` : "" }),
          phaseTag),
        el("td", { "data-col": "answer-rate", "data-label": "Answer rate", "data-met": met == null ? "" : String(met), class: `verdict-cell ${met === false ? "is-miss" : ""}` },
          hasCalls ? el("span", { class: "value", text: rateOf(row) }) : el("span", { class: "muted", text: phase === "future" ? "–" : "No calls" }),
          hasCalls ? verdictChip(met, rateGapOf(row)) : null),
        el("td", { "data-col": "weeks", "data-label": "Weeks at target" },
          row.weeks > 0
            ? el("span", { class: "weeks-met" },
              el("span", { class: "value", text: `${row.weeks_met} of ${row.weeks}` }),
              el("span", { class: "meter", "aria-hidden": "true" }, el("span", { class: "meter-fill", style: `width: ${Math.round(share * 100)}%` })),
              el("span", { class: "cell-note", text: `${Math.round(share * 100)} % of the weeks` }))
            : el("span", { class: "muted", text: "–" })),
        el("td", { class: "num", "data-col": "calls", "data-label": "Calls answered / offered" },
          hasCalls ? `${counts.format(row.answered)} / ${counts.format(row.offered)}` : el("span", { class: "muted", text: "–" })),
        nkiCell(nkiRows, row.tertial, "treatment"),
        nkiCell(nkiRows, row.tertial, "knowledge"));
    });
    body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 6, class: "placeholder", text: "No tertials." }))]));

    const withCalls = (report.centre || []).filter((row) => row.offered > 0 && row.answer_rate != null);
    const year = report.year_total;
    const parts = [];
    if (year?.offered > 0 && year.answer_rate != null) {
      const met = metOf(year);
      // A year that has ended is the whole year; only the current one is "so far" (the site's today, API).
      const label = yearPhase(report.year) === "current" ? `${report.year} so far` : `The whole of ${report.year}`;
      parts.push(el("span", { class: `sum ${met ? "sum-good" : "sum-act"}`, text: `${label}: ${rateOf(year)} (${met ? "met" : "below target"})` }));
      const tertialsMet = withCalls.filter((row) => row.met).length;
      parts.push(el("span", { class: "sum sum-plain", text: `${tertialsMet} of ${withCalls.length} tertials at or above ${targetPct(state.target)}` }));
    } else {
      parts.push(el("span", { class: "sum sum-plain", text: `No calls in ${report.year}` }));
    }
    summary.replaceChildren(...parts);
    if (report.notes?.length) {
      notes.replaceChildren(...report.notes.map((note) => el("li", { text: `Note: ${note}` })));
      notes.hidden = false;
    }
    renderTertialTeams(report);
  }

  function renderTertialTeams(report) {
    const table = $("#tertial-teams");
    const labels = (report.centre || []).map((row) => row.tertial);
    const teams = [...new Set((report.teams || []).map((row) => row.team))].sort(teamOrder);
    if (!teams.length) {
      table.replaceChildren(el("tbody", {}, el("tr", {}, el("td", { class: "placeholder", text: "No answer groups in this year." }))));
      return;
    }
    const find = (team, tertial) => report.teams.find((row) => row.team === team && row.tertial === tertial);
    table.replaceChildren(
      el("caption", { class: "sr-only", text: `Answer groups per tertial of ${report.year}` }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Answer group" }),
        ...labels.map((t) => el("th", { scope: "col", text: `${t.slice(-2)} answer rate · weeks at target` })))),
      el("tbody", {}, ...teams.map((team) => el("tr", { "data-team": team },
        el("th", { scope: "row" }, el("span", { class: "team-name", text: teamName(team) }), el("span", { class: "team-id", text: team })),
        ...labels.map((t) => {
          const row = find(team, t);
          if (!row || !(row.offered > 0) || row.answer_rate == null) return el("td", { class: "muted", text: "–" });
          const met = metOf(row);
          return el("td", { class: `team-rate ${met ? "is-met" : "is-miss"}`, "data-met": String(met) },
            el("span", { class: "sym", "aria-hidden": "true", text: met ? "✓" : "▼" }),
            ` ${rateOf(row)}`, el("span", { class: "sr-only", text: met ? " (met)" : " (below target)" }),
            el("span", { class: "muted", text: ` · ${row.weeks_met}/${row.weeks} weeks` }));
        })))));
  }

  // ---------------------------------------------------------------- wiring

  function init() {
    $("#role-logout").addEventListener("click", session.logout);
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
    session.start();
  }

  shared.whenReady(init);
})();
