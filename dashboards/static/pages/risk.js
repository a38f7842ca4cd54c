/* officewell · the managers' page (/risk): risk of missing the answer-rate goal, scenarios, actions, follow-up.
 *
 * Plain ES2020 on the shared shell (session.js, window.officewellSession). It reads:
 *   - GET /forecast: per answer group and coming week the chance the answer rate ends below the target,
 *     drawn as a heat map (an HTML table of buttons); a cell opens its drivers in words, built here from
 *     the structured fields (driver shares, expected agents, calls, p10–p90) so the Swedish page shows no
 *     English sentence of the API (the API's own sentences are shown on the English page only);
 *   - GET /forecast/scenarios?scenario=…: one decision (a stand-in, an earlier hire, an action done by a
 *     week) against the baseline on the same random numbers, shown side by side;
 *   - GET /evidence/actions: the ranked actions, each with how much its effect rests on the site's own data, a table and a Chart.js bar chart of the top benefits with their intervals;
 *   - GET /evidence/follow-up: the done improvement-board items before and after, with a verdict in words;
 *   - GET /forecast/backtest, only once its note is opened (its first request starts minutes of work): how
 *     good the forecast has been (it may be under way, or impossible yet).
 * The page computes no server rule: probabilities, ranks, verdicts and privacy are the API's.
 * All data is inserted with textContent / setAttribute, never as HTML.
 */
(() => {
  "use strict";

  const shared = window.officewellSession;
  const { $, el, t, fmt } = shared;
  const TOTAL = "total";
  const BIN_EDGES = [0.1, 0.25, 0.5, 0.75]; // lower edges of the heat map's colour classes 1–4
  const LOW_RISK = 0.1; // below this the API spells out no driver either (models.forecast.LOW_RISK)
  const ACTIONS_SHOWN = 15; // rows of the ranked actions before "show all"
  const CHART_TOP = 10;
  const BACKTEST_POLLS = 20; // a backtest takes minutes: ask again (Retry-After) this many times at most
  const EN = shared.LANG === "en";

  const state = {
    ctx: null,
    forecast: null,
    rows: new Map(), // `${team}|${week}` -> week row of /forecast
    teams: [], // answer groups in the API's order, then "total"
    weeks: [], // [{week: "2026-W49", start: "2026-11-30"}]
    teamNames: new Map(), // team id -> the answer group's name (from /zones)
    zoneNames: new Map(), // zone id -> name
    actions: null, // /evidence/actions
    followUps: null, // /evidence/follow-up
    actionNames: new Map(), // action key -> name in the page's language
    selected: null, // {team, week} of the open cell
    showAllActions: false,
    scenarioRun: 0,
    backtestTimer: null,
    backtestAsked: null, // the ctx the backtest was asked for (once per login)
  };

  // ---------------------------------------------------------------- words and numbers

  /** "2026-W49" -> {year: 2026, week: 49}. */
  function isoWeek(text) {
    const match = /^(\d{4})-W(\d{2})$/.exec(String(text || ""));
    return match ? { year: Number(match[1]), week: Number(match[2]) } : null;
  }

  function weekLabel(text, withYear = false) {
    const w = isoWeek(text);
    if (!w) return String(text || "–");
    return withYear ? fmt.week(w.week, w.year) : fmt.week(w.week);
  }

  const shortDate = (day) => fmt.date(day, { day: "numeric", month: "short" });

  /** The Monday + 4 days of a week start, "30 nov.–4 dec.". */
  function weekSpan(start) {
    const monday = new Date(`${start}T12:00:00Z`);
    const friday = new Date(monday.getTime() + 4 * 86400000);
    return `${shortDate(start)}–${shortDate(friday.toISOString().slice(0, 10))}`;
  }

  function teamName(team) {
    if (team === TOTAL) return t("risk.centre");
    return state.teamNames.get(team) || team;
  }

  const zoneName = (zone) => state.zoneNames.get(zone) || zone;

  /** A catalogue action's name in the page's language: Swedish from the catalogue, else its English name. */
  function actionName(row) {
    if (!row) return "";
    return (EN ? row.action_name : row.action_name_sv || row.action_name) || row.action;
  }

  function quantityName(key) {
    const text = t(`common.quantity.${key}`);
    return text === `common.quantity.${key}` ? key : text;
  }

  function confidenceWord(word) {
    const words = {
      high: t("common.confidence.high"),
      moderate: t("common.confidence.moderate"),
      low: t("common.confidence.low"),
      none: t("common.confidence.none"),
    };
    return words[word] || word || "–";
  }

  const CONFIDENCE_BADGE = { high: "badge-good", moderate: "badge-good", low: "badge-acceptable", none: "badge-none" };

  /** A signed number: "+0,06", "−1,2". */
  function signed(value, digits) {
    if (value == null || Number.isNaN(value)) return "–";
    const text = fmt.number(Math.abs(value), digits);
    if (Number(text.replace(/\D/g, "")) === 0) return text;
    return `${value < 0 ? "−" : "+"}${text}`;
  }

  /** "2,6–7,3", or "−0,4 till 0,8" when an end is negative (a dash would read as a minus sign). */
  function range(low, high, format) {
    const ends = { low: format(low), high: format(high) };
    return low < 0 || high < 0 ? t("risk.interval_to", ends) : t("risk.interval", ends);
  }

  /** A table cell's figure: the value, and its 95 % interval on a line of its own under it. */
  function figure(value, low, high, format, rangeFormat = format) {
    if (value == null) return "–";
    return el("span", { class: "fig" },
      el("span", { class: "fig-value" }, format(value)),
      low == null || high == null ? null : el("span", { class: "fig-ci" }, range(low, high, rangeFormat)));
  }

  const kronor = (value) => t("risk.sek", { value: fmt.number(value, 0) });
  const pp = (value, digits = 1) => t("risk.pp", { value: signed(value, digits) });
  const percent0 = (share) => fmt.percent(share, 0);

  /** The heat map's colour class of a probability: 0 (below 10 %) … 4 (75 % or more), "none" without one. */
  function binOf(p) {
    if (p == null || Number.isNaN(p)) return "none";
    return BIN_EDGES.filter((edge) => p >= edge).length;
  }

  /** A reason of the API (English) as words of the page: known ones translated, others generic. */
  function forecastReason(reason) {
    if (!reason) return "";
    const known = [
      [/^no open day/, "risk.reason.no_open_day"],
      [/^no calls expected/, "risk.reason.no_calls"],
      [/^nobody in the roster/, "risk.reason.no_roster"],
      [/^no group can be forecast/, "risk.reason.no_group"],
    ];
    for (const [pattern, key] of known) if (pattern.test(reason)) return t(key);
    return EN ? reason : t("risk.reason.other");
  }

  /** shared.table, its box a labelled region that takes the keyboard's focus: on a narrow screen it scrolls. */
  function dataTable(columns, rows, options) {
    const wrap = shared.table(columns, rows, options);
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", options.caption);
    return wrap;
  }

  // ---------------------------------------------------------------- loading

  async function load(ctx) {
    state.ctx = ctx;
    // Every request starts at once and has its handler from the start; each panel waits for the zones'
    // names (quick) and then shows its own answer, or its own error, as soon as it comes.
    const zones = ctx.api("/zones").then(rememberZones, () => null);
    const after = (request) => Promise.all([request, zones]).then(([body]) => body);
    const shown = (request, show, fail) =>
      after(request).then((body) => ctx.current() && show(body), (err) => ctx.current() && fail(err));
    if ($("#risk-quality").open) loadBacktest(ctx, 0);
    await Promise.all([
      shown(ctx.api("/forecast"), showForecast, (err) => failed("#risk-heat-body", err)),
      shown(ctx.api("/evidence/actions?limit=1000"), showActions, failedActions),
      shown(ctx.api("/evidence/follow-up"), showFollowUps, (err) => failed("#risk-followup-body", err)),
    ]);
  }

  function rememberZones(zones) {
    for (const zone of zones || []) {
      state.zoneNames.set(zone.id, zone.name || zone.id);
      if (zone.teams?.length === 1 && zone.kind === "answer_group") state.teamNames.set(zone.teams[0], zone.name || zone.id);
    }
  }

  /** An error in a panel, in the page's words (the API's detail on the English page only). */
  function failed(selector, err) {
    const node = $(selector);
    if (!node) return;
    const why = err?.status === 503 ? t("risk.error.not_configured") : t("risk.error.load");
    node.replaceChildren(el("p", { class: "panel-error", role: "alert" }, why, EN && err?.message ? ` (${err.message})` : ""));
  }

  // ---------------------------------------------------------------- the heat map

  function showForecast(body) {
    state.forecast = body;
    state.rows.clear();
    const teams = [];
    const weeks = [];
    for (const row of body.weeks || []) {
      state.rows.set(`${row.team}|${row.week}`, row);
      if (row.team !== TOTAL && !teams.includes(row.team)) teams.push(row.team);
      if (!weeks.some((w) => w.week === row.week)) weeks.push({ week: row.week, start: row.week_start });
    }
    state.teams = [...teams, TOTAL];
    state.weeks = weeks;
    const target = percent0(body.target_answer_rate);
    $("#risk-heat-hint").textContent = t("risk.heat.hint_target", { target, weeks: weeks.length });
    $("#risk-meta").textContent = t("risk.heat.meta", {
      date: fmt.date(body.as_of),
      draws: fmt.number(body.draws, 0),
      made: fmt.dateTime(body.generated_at),
    });
    const holder = $("#risk-heat-body");
    if (!weeks.length || !teams.length) {
      holder.replaceChildren(el("p", { class: "empty" }, t("risk.heat.empty")));
      return;
    }
    holder.replaceChildren(heatTable(body));
    fillScenarioForm();
    if (state.selected && state.rows.has(`${state.selected.team}|${state.selected.week}`)) {
      showDetails(state.selected.team, state.selected.week, false);
    }
  }

  function heatTable(body) {
    const target = percent0(body.target_answer_rate);
    const head = el("tr", {},
      el("th", { scope: "col", class: "heat-corner" }, t("risk.heat.group")),
      ...state.weeks.map((w) => el("th", { scope: "col" },
        el("span", { class: "wk" }, weekLabel(w.week)),
        el("span", { class: "wk-date" }, shortDate(w.start)))));
    const body_ = state.teams.map((team) => el("tr", { class: team === TOTAL ? "risk-total" : null },
      el("th", { scope: "row" }, teamName(team)),
      ...state.weeks.map((w) => heatCell(team, w))));
    const table = el("table", { class: "risk-heat-table", id: "risk-heat-table" },
      el("caption", { class: "sr-only" }, t("risk.heat.caption", { target })),
      el("thead", {}, head), el("tbody", {}, ...body_));
    table.addEventListener("keydown", onHeatKey);
    return el("div", { class: "table-wrap risk-heat-wrap" }, table);
  }

  function heatCell(team, w) {
    const row = state.rows.get(`${team}|${w.week}`);
    const p = row ? row.p_below_target : null;
    const bin = binOf(p);
    // One tab stop for the whole map (a roving tabindex): the arrow keys move between the cells.
    const first = team === state.teams[0] && w.week === state.weeks[0].week;
    const button = el("button", {
      type: "button",
      class: "heat-button",
      tabindex: first ? "0" : "-1",
      "data-team": team,
      "data-week": w.week,
      "aria-controls": "risk-details",
    }, p == null ? t("risk.heat.no_figure") : percent0(p));
    button.addEventListener("focus", () => makeTabStop(button));
    if (p == null) button.append(el("span", { class: "sr-only" }, ` ${t("risk.legend.none")}`));
    button.addEventListener("click", () => showDetails(team, w.week, true));
    return el("td", { class: `heat-cell risk-bin-${bin}`, "data-p": p == null ? "" : String(p) }, button);
  }

  function makeTabStop(button) {
    for (const other of document.querySelectorAll('.heat-button[tabindex="0"]')) {
      if (other !== button) other.setAttribute("tabindex", "-1");
    }
    button.setAttribute("tabindex", "0");
  }

  /** The arrow keys move between the cells, Home and End to the first and last week of the row. */
  function onHeatKey(event) {
    const button = event.target.closest?.(".heat-button");
    if (!button) return;
    const row = state.teams.indexOf(button.dataset.team);
    const col = state.weeks.findIndex((w) => w.week === button.dataset.week);
    const last = state.weeks.length - 1;
    const moves = {
      ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0], Home: [0, -col], End: [0, last - col],
    };
    const move = moves[event.key];
    if (!move) return;
    const r = row + move[0];
    const c = col + move[1];
    if (r < 0 || c < 0 || r >= state.teams.length || c > last) return;
    const next = document.querySelector(
      `.heat-button[data-team="${CSS.escape(state.teams[r])}"][data-week="${CSS.escape(state.weeks[c].week)}"]`);
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  // ---------------------------------------------------------------- a cell's drivers

  function showDetails(team, week, scroll) {
    state.selected = { team, week };
    for (const node of document.querySelectorAll(".heat-button[aria-current]")) node.removeAttribute("aria-current");
    const button = document.querySelector(`.heat-button[data-team="${CSS.escape(team)}"][data-week="${CSS.escape(week)}"]`);
    if (button) {
      button.setAttribute("aria-current", "true");
      makeTabStop(button);
    }
    const row = state.rows.get(`${team}|${week}`);
    const holder = $("#risk-details-body");
    if (!row) return;
    const target = percent0(state.forecast.target_answer_rate);
    const parts = [el("h3", { id: "risk-details-heading" },
      t("risk.details.heading", { group: teamName(team), week: weekLabel(week, true), dates: weekSpan(row.week_start) }))];
    if (row.p_below_target == null) {
      parts.push(el("p", {}, t("risk.details.no_figure", { reason: forecastReason(row.reason) })));
      holder.replaceChildren(...parts);
      return;
    }
    parts.push(el("p", { class: `risk-headline risk-bin-${binOf(row.p_below_target)}` },
      t("risk.details.chance", { p: percent0(row.p_below_target), target })));
    parts.push(el("div", { class: "details-grid" }, facts(row, team), drivers(row, team)));
    const daily = row.expected_offered_by_day || [];
    if (daily.length) {
      parts.push(el("details", { class: "risk-daily" },
        el("summary", {}, t("risk.details.daily")),
        dataTable(
          [
            { key: "date", label: t("risk.details.day"), format: (d) => fmt.date(d, { weekday: "long", day: "numeric", month: "short" }) },
            { key: "expected_offered", label: t("risk.details.calls"), num: true, format: (v) => fmt.number(v, 0) },
          ],
          daily,
          { caption: t("risk.details.daily") })));
    }
    if (EN && row.drivers?.length) {
      parts.push(el("div", { class: "risk-words" },
        el("h4", {}, t("risk.details.in_words")),
        el("ul", {}, ...row.drivers.map((d) => el("li", {}, d)))));
    }
    if (team !== TOTAL) {
      const tryIt = el("button", { type: "button", class: "btn btn-outline" }, t("risk.details.try_stand_in"));
      tryIt.addEventListener("click", () => presetStandIn(team, week));
      parts.push(el("p", { class: "details-actions" }, tryIt));
    }
    holder.replaceChildren(...parts);
    if (scroll) $("#risk-details").scrollIntoView({ block: "nearest" });
  }

  function facts(row, team) {
    const items = [
      [t("risk.details.expected_rate"), t("risk.details.rate_range", {
        rate: fmt.percent(row.expected_answer_rate, 1), low: fmt.percent(row.p10, 1), high: fmt.percent(row.p90, 1),
      })],
      [t("risk.details.expected_calls"), t("risk.details.calls_days", {
        calls: fmt.number(row.expected_offered, 0), days: row.open_days,
      })],
    ];
    if (row.agents_expected != null) {
      items.push([t("risk.details.agents"), row.full_strength != null
        ? t("risk.details.agents_of", { agents: fmt.number(row.agents_expected, 1), full: fmt.number(row.full_strength, 1) })
        : fmt.number(row.agents_expected, 1)]);
    }
    const env = state.forecast.environment?.[team];
    if (env && team !== TOTAL) {
      const what = (env.quantities || []).map((q) => t("risk.details.environment_item", {
        quantity: quantityName(q.quantity), mean: fmt.number(q.mean, q.mean % 1 ? 1 : 0), unit: q.unit,
      })).join(", ");
      items.push([t("risk.details.environment"), t("risk.details.environment_text", {
        what, ratio: fmt.number(env.rate_ratio, 2),
      })]);
    }
    if (team === TOTAL) {
      const worst = state.teams
        .filter((g) => g !== TOTAL)
        .map((g) => [g, state.rows.get(`${g}|${row.week}`)?.p_below_target])
        .filter(([, p]) => p != null && p >= LOW_RISK)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3);
      items.push([t("risk.details.worst_groups"), worst.length
        ? worst.map(([g, p]) => `${teamName(g)} (${percent0(p)})`).join(", ")
        : t("risk.details.no_group_at_risk")]);
    }
    return el("dl", { class: "risk-facts" }, ...items.flatMap(([term, text]) => [el("dt", {}, term), el("dd", {}, text)]));
  }

  function drivers(row, team) {
    const box = el("div", { class: "risk-drivers" }, el("h4", {}, t("risk.details.drivers")));
    if (row.p_below_target < LOW_RISK) {
      box.append(el("p", {}, t("risk.details.low_risk")));
      return box;
    }
    const names = {
      absence: t("risk.driver.absence"),
      vacancies: t("risk.driver.vacancies"),
      environment: t("risk.driver.environment"),
      volume: t("risk.driver.volume"),
    };
    const explain = {
      absence: t("risk.driver.absence_text"),
      vacancies: t("risk.driver.vacancies_text"),
      environment: t("risk.driver.environment_text"),
      volume: t("risk.driver.volume_text"),
    };
    const shares = Object.entries(row.driver_shares || {}).filter(([, s]) => s >= 0.01).sort((a, b) => b[1] - a[1]);
    if (!shares.length) {
      box.append(el("p", {}, t(team === TOTAL ? "risk.details.no_driver_total" : "risk.details.no_driver")));
      return box;
    }
    const list = el("ul", { class: "driver-list" });
    for (const [key, share] of shares) {
      const fill = el("span", { class: "driver-fill" });
      fill.style.width = `${Math.round(Math.min(Math.max(share, 0), 1) * 100)}%`;
      list.append(el("li", {},
        el("span", { class: "driver-name" }, names[key] || key),
        el("span", { class: "driver-share" }, t("risk.details.share", { share: percent0(share) })),
        el("span", { class: "driver-bar", "aria-hidden": "true" }, fill),
        el("span", { class: "driver-text" }, explain[key] || "")));
    }
    box.append(list, el("p", { class: "hint" }, t("risk.details.share_hint")));
    return box;
  }

  // ---------------------------------------------------------------- how good the forecast is

  /** The backtest is asked for only when someone opens its note: its first request starts minutes of work. */
  function onQualityToggle() {
    const ctx = state.ctx;
    if (!$("#risk-quality").open || !ctx || !ctx.current() || state.backtestAsked === ctx) return;
    loadBacktest(ctx, 0);
  }

  async function loadBacktest(ctx, attempt) {
    state.backtestAsked = ctx;
    const holder = $("#risk-quality-body");
    let res;
    try {
      res = await ctx.api("/forecast/backtest", { raw: true });
    } catch (err) {
      if (!ctx.current()) return;
      if (err?.status === 422) holder.replaceChildren(el("p", {}, t("risk.quality.not_possible"), EN ? ` (${err.message})` : ""));
      else if (err?.status === 503) holder.replaceChildren(el("p", {}, t("risk.quality.not_configured")));
      else holder.replaceChildren(el("p", { class: "panel-error" }, t("risk.quality.failed")));
      return;
    }
    if (!ctx.current()) return;
    if (res.status === 202) {
      holder.replaceChildren(el("p", {}, t("risk.quality.running")));
      if (attempt < BACKTEST_POLLS) {
        const wait = Math.min(Math.max(Number(res.headers.get("Retry-After")) || 30, 5), 120);
        window.clearTimeout(state.backtestTimer);
        state.backtestTimer = window.setTimeout(() => ctx.current() && loadBacktest(ctx, attempt + 1), wait * 1000);
      }
      return;
    }
    showBacktest(await res.json());
  }

  const weeksAhead = (weeks) => (weeks === 1 ? t("risk.quality.weeks_ahead_1") : t("risk.quality.weeks_ahead", { weeks }));

  function showBacktest(body) {
    const holder = $("#risk-quality-body");
    const horizons = body.horizons || [];
    if (!horizons.length) {
      holder.replaceChildren(el("p", {}, t("risk.quality.not_possible")));
      return;
    }
    const four = horizons.find((h) => h.horizon === 4) || horizons[0];
    // Skill = 1 − Brier ÷ the naive forecast's Brier: the share by which the forecast's error is smaller.
    const against = (skill) => {
      if (skill == null) return "–";
      if (Math.abs(skill) < 0.005) return t("risk.quality.same");
      return skill > 0 ? t("risk.quality.lower", { share: percent0(skill) }) : t("risk.quality.higher", { share: percent0(-skill) });
    };
    const summary = el("p", {}, t("risk.quality.summary", {
      weeks: weeksAhead(four.horizon),
      n: fmt.number(four.n, 0),
      climatology: against(four.skill_vs_climatology),
      persistence: against(four.skill_vs_persistence),
      mae: fmt.number(four.mae_pp, 1),
      coverage: percent0(four.coverage_p10_p90),
    }));
    const table = dataTable(
      [
        { key: "horizon", label: t("risk.quality.horizon"), format: (v) => weeksAhead(v) },
        { key: "n", label: t("risk.quality.n"), num: true, format: (v) => fmt.number(v, 0) },
        { key: "brier", label: t("risk.quality.brier"), num: true, format: (v) => fmt.number(v, 3) },
        { key: "brier_climatology", label: t("risk.quality.brier_climatology"), num: true, format: (v) => fmt.number(v, 3) },
        { key: "brier_persistence", label: t("risk.quality.brier_persistence"), num: true, format: (v) => fmt.number(v, 3) },
        { key: "mae_pp", label: t("risk.quality.mae"), num: true, format: (v) => t("risk.pp", { value: fmt.number(v, 1) }) },
        { key: "coverage_p10_p90", label: t("risk.quality.coverage"), num: true, format: (v) => percent0(v) },
      ],
      horizons,
      { caption: t("risk.quality.title") });
    holder.replaceChildren(summary, table, el("p", { class: "hint" }, t("risk.quality.explain", {
      origins: fmt.number(body.origin_count, 0), made: fmt.dateTime(body.computed_at),
    })));
  }

  // ---------------------------------------------------------------- scenarios

  function weekOptions(select, keep) {
    const before = keep ? select.value : "";
    select.replaceChildren(...state.weeks.map((w) =>
      el("option", { value: w.week }, `${weekLabel(w.week, true)} (${shortDate(w.start)})`)));
    if (before && state.weeks.some((w) => w.week === before)) select.value = before;
  }

  function fillScenarioForm() {
    const team = $("#sc-team");
    const before = team.value;
    const forecastable = state.teams.filter((g) => g !== TOTAL && state.weeks.some((w) => state.rows.get(`${g}|${w.week}`)?.p_below_target != null));
    team.replaceChildren(...forecastable.map((g) => el("option", { value: g }, teamName(g))));
    if (before && forecastable.includes(before)) team.value = before;
    weekOptions($("#sc-first"), true);
    weekOptions($("#sc-last"), true);
    weekOptions($("#sc-by"), true);
    $("#sc-compare").disabled = !forecastable.length;
    showKind();
  }

  function fillActionOptions() {
    const select = $("#sc-action");
    const rows = (state.actions?.actions || []).filter((a) => (a.expected_sick_days_avoided_per_year || 0) > 0);
    select.replaceChildren(...rows.map((a) => el("option", { value: `${a.zone}:${a.action}` },
      t("risk.scenario.action_option", {
        rank: a.rank, action: actionName(a), zone: zoneName(a.zone), confidence: confidenceWord(a.confidence).toLowerCase(),
      }))));
    if (!rows.length) select.append(el("option", { value: "" }, t("risk.scenario.no_actions")));
    showKind();
  }

  function showKind() {
    const kind = $("#sc-kind").value;
    for (const field of document.querySelectorAll("#scenario-form [data-kinds]")) {
      field.hidden = !field.dataset.kinds.split(" ").includes(kind);
    }
    const help = {
      stand_in: t("risk.scenario.help_stand_in"),
      earlier_hire: t("risk.scenario.help_earlier_hire"),
      action: t("risk.scenario.help_action"),
    };
    $("#sc-help").textContent = help[kind];
  }

  /** The scenario's compact form for the API (models.scenarios), or an error message. */
  function scenarioText() {
    const kind = $("#sc-kind").value;
    if (kind === "stand_in") {
      const first = $("#sc-first").value;
      const last = $("#sc-last").value;
      if (!$("#sc-team").value || !first || !last) return { error: t("risk.scenario.error_missing") };
      if (last < first) return { error: t("risk.scenario.error_order") };
      const fte = $("#sc-fte").value;
      return { text: `stand-in:${$("#sc-team").value}:${first}:${last}${fte ? `:${fte}` : ""}` };
    }
    if (kind === "earlier_hire") {
      const weeks = Number($("#sc-weeks").value);
      if (!$("#sc-team").value) return { error: t("risk.scenario.error_missing") };
      if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52) return { error: t("risk.scenario.error_weeks"), focus: "#sc-weeks" };
      return { text: `earlier-hire:${$("#sc-team").value}:${weeks}` };
    }
    const action = $("#sc-action").value;
    if (!action || !$("#sc-by").value) return { error: t("risk.scenario.error_action") };
    return { text: `action:${action}:${$("#sc-by").value}` };
  }

  async function onCompare(event) {
    event.preventDefault();
    const ctx = state.ctx;
    if (!ctx) return;
    const error = $("#sc-error");
    error.hidden = true;
    const made = scenarioText();
    if (made.error) {
      error.textContent = made.error;
      error.hidden = false;
      if (made.focus) $(made.focus).focus();
      return;
    }
    state.scenarioRun += 1;
    const run = state.scenarioRun;
    const button = $("#sc-compare");
    button.disabled = true;
    $("#sc-status").textContent = t("risk.scenario.running");
    $("#scenario-result").setAttribute("aria-busy", "true");
    try {
      const weeks = state.forecast?.weeks_ahead || 12;
      const body = await ctx.api(`/forecast/scenarios?weeks=${weeks}&scenario=${encodeURIComponent(made.text)}`);
      if (run !== state.scenarioRun || !ctx.current()) return;
      showScenario(body.scenarios?.[0], body);
      $("#sc-status").textContent = t("risk.scenario.done");
      $("#sc-clear").hidden = false;
    } catch (err) {
      if (run !== state.scenarioRun || !ctx.current()) return;
      $("#sc-status").textContent = "";
      error.textContent = err?.status === 422
        ? t("risk.scenario.error_refused", { detail: EN ? err.message : t("risk.scenario.error_refused_sv") })
        : t("risk.scenario.error_failed");
      error.hidden = false;
    } finally {
      if (run === state.scenarioRun) {
        button.disabled = false;
        $("#scenario-result").removeAttribute("aria-busy");
      }
    }
  }

  /** A scenario in the page's words, from its structured form. */
  function describeScenario(s) {
    const sc = s.scenario || {};
    if (sc.kind === "stand_in") {
      const weeks = sc.first_week === sc.last_week
        ? weekLabel(sc.first_week, true)
        : t("risk.week_range", { first: weekLabel(sc.first_week), last: weekLabel(sc.last_week, true) });
      return sc.fte == null
        ? t("risk.scenario.describe_stand_in", { group: teamName(sc.team), weeks })
        : t("risk.scenario.describe_stand_in_fte", { group: teamName(sc.team), weeks, fte: fmt.number(sc.fte, 2) });
    }
    if (sc.kind === "earlier_hire") {
      return t(sc.weeks === 1 ? "risk.scenario.describe_earlier_hire_1" : "risk.scenario.describe_earlier_hire",
        { group: teamName(sc.team), weeks: sc.weeks });
    }
    if (sc.kind === "action") {
      const row = (state.actions?.actions || []).find((a) => a.zone === sc.zone && a.action === sc.action);
      return t("risk.scenario.describe_action", {
        action: row ? actionName(row) : sc.action, zone: zoneName(sc.zone), week: weekLabel(sc.by_week, true),
      });
    }
    return s.description || "";
  }

  /** The scenario's note in the page's words where its form is known (else the API's, on the English page only). */
  function scenarioNote(s) {
    if (!s.note) return null;
    const moved = /start moved from (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})/.exec(s.note);
    if (moved) {
      const text = t("risk.scenario.note_moved", { from: fmt.date(moved[1]), to: fmt.date(moved[2]) });
      return /not before the forecast's first day/.test(s.note) ? `${text} ${t("risk.scenario.note_not_before")}` : text;
    }
    const action = /changed by (-?[\d.]+) (.+?) \(the part outside the good band\); sick spells ×([\d.]+), confidence (\w+)/.exec(s.note);
    if (action && s.scenario?.kind === "action") {
      const row = (state.actions?.actions || []).find((a) => a.zone === s.scenario.zone && a.action === s.scenario.action);
      return t("risk.scenario.note_action", {
        quantity: row ? quantityName(row.quantity) : "",
        change: signed(Number(action[1]), Number(action[1]) % 1 ? 1 : 0),
        unit: action[2],
        ratio: fmt.number(Number(action[3]), 2),
        confidence: confidenceWord(action[4]).toLowerCase(),
      });
    }
    return EN ? s.note : null; // a note of a form not known here: the API's words on the English page
  }

  /** Why a scenario could not be run, in the page's words, from its reason code (the API's sentence on the English page). */
  function scenarioReason(s) {
    const known = ["nothing", "no_start", "outside", "not_forecast", "no_evidence", "no_estimate", "good_band", "no_team", "no_action"];
    if (known.includes(s.reason_code)) return t(`risk.scenario.reason_${s.reason_code}`);
    return EN ? s.reason : t("risk.scenario.reason_other");
  }

  function showScenario(s, body) {
    const holder = $("#scenario-result");
    if (!s) {
      holder.replaceChildren(el("p", { class: "panel-error" }, t("risk.scenario.error_failed")));
      return;
    }
    const parts = [el("h3", { id: "scenario-result-title" }, describeScenario(s))];
    if (s.reason) {
      parts.push(el("p", { class: "scenario-reason" }, t("risk.scenario.not_run", { reason: scenarioReason(s) })));
      holder.replaceChildren(...parts);
      return;
    }
    const note = scenarioNote(s);
    if (note) parts.push(el("p", { class: "hint" }, note));
    const byTeam = new Map();
    for (const w of s.weeks || []) {
      if (!byTeam.has(w.team)) byTeam.set(w.team, []);
      byTeam.get(w.team).push(w);
    }
    const order = [...[...byTeam.keys()].filter((g) => g !== TOTAL), ...(byTeam.has(TOTAL) ? [TOTAL] : [])];
    const target = percent0(body.target_answer_rate ?? state.forecast?.target_answer_rate);
    const tables = order.map((team) => el("div", { class: "scenario-team", "data-team": team },
      el("h4", {}, teamName(team)),
      scenarioTable(team, byTeam.get(team), target)));
    parts.push(el("div", { class: "scenario-tables" }, ...tables));
    parts.push(el("p", { class: "hint" }, t("risk.scenario.uncertainty", { draws: fmt.number(body.draws, 0) })));
    holder.replaceChildren(...parts);
  }

  function changeCell(value, text, better) {
    const cls = value == null || Math.abs(value) < 1e-9 ? "change-none" : better ? "change-better" : "change-worse";
    return el("span", { class: `change ${cls}` }, text);
  }

  function scenarioTable(team, weeks, target) {
    const columns = [
      { key: "week", label: t("risk.scenario.col_week"), format: (v) => weekLabel(v) },
      { key: "p_below_baseline", label: t("risk.scenario.col_p_base", { target }), num: true, format: (v) => percent0(v) },
      { key: "p_below_scenario", label: t("risk.scenario.col_p_scenario", { target }), num: true, format: (v) => percent0(v) },
      {
        key: "p_below_change", label: t("risk.scenario.col_p_change"), num: true,
        format: (v) => changeCell(v, pp(100 * v, 0), v < 0),
      },
      { key: "expected_baseline", label: t("risk.scenario.col_rate_base"), num: true, format: (v) => fmt.percent(v, 1) },
      { key: "expected_scenario", label: t("risk.scenario.col_rate_scenario"), num: true, format: (v) => fmt.percent(v, 1) },
      {
        key: "expected_change_pp", label: t("risk.scenario.col_rate_change"), num: true,
        // Under the change, the range it took in eight of ten simulated futures (the same draws on both sides).
        format: (v, row) => changeCell(v, figure(v, row.change_p10_pp, row.change_p90_pp, (x) => pp(x, 1), (x) => fmt.number(x, 1)), v > 0),
      },
    ];
    return dataTable(columns, weeks, {
      caption: t("risk.scenario.caption", { group: teamName(team) }),
      className: "data-table scenario-table",
    });
  }

  function presetStandIn(team, week) {
    $("#sc-kind").value = "stand_in";
    $("#sc-team").value = team;
    $("#sc-first").value = week;
    $("#sc-last").value = week;
    showKind();
    $("#risk-scenario").scrollIntoView({ block: "start" });
    $("#sc-compare").focus();
  }

  function clearScenario() {
    state.scenarioRun += 1;
    $("#scenario-result").replaceChildren();
    $("#scenario-result").removeAttribute("aria-busy");
    $("#sc-status").textContent = "";
    $("#sc-error").hidden = true;
    $("#sc-clear").hidden = true;
    $("#sc-compare").disabled = !state.teams.length;
    $("#sc-kind").focus();
  }

  // ---------------------------------------------------------------- ranked actions

  /** Whose sick days the actions were ranked on: each group's own (HR, admin) or the centre's average. */
  function rankedOnOwn() {
    return (state.ctx?.login?.areas || []).includes("team_absence");
  }

  /** Where an action's effect comes from: the site's own data, research, or nothing. */
  function evidenceWord(row) {
    const weight = row.local_weight;
    if (weight == null) return { text: t("risk.evidence.none"), kind: "none" };
    if (weight >= 0.5) return { text: t("risk.evidence.local", { share: percent0(weight) }), kind: "local" };
    return { text: t("risk.evidence.prior", { share: percent0(weight) }), kind: "prior" };
  }

  /** Why an action has no benefit, in the page's words, from its reason code. */
  function noBenefit(row) {
    const known = ["good_band", "no_change", "unmeasured", "no_team", "no_data", "no_estimate", "no_sick_days", "other_way"];
    return t(known.includes(row.reason_code) ? `risk.no_benefit.${row.reason_code}` : "risk.no_benefit.other");
  }

  const hasBenefit = (row) => row.expected_sick_days_avoided_per_year != null && row.expected_sick_days_avoided_per_year > 0;

  function showActions(body) {
    state.actions = body;
    for (const row of body.actions || []) state.actionNames.set(row.action, actionName(row));
    $("#risk-actions-basis").textContent = rankedOnOwn() ? t("risk.actions.basis_own") : t("risk.actions.basis_centre");
    fillActionOptions();
    renderActionsChart();
    renderActionsTable();
    if (state.followUps) showFollowUps(state.followUps);
  }

  function failedActions(err) {
    failed("#risk-actions-body", err);
    $("#risk-actions-chart-wrap").hidden = true;
    fillActionOptions();
  }

  function renderActionsChart() {
    const top = (state.actions.actions || []).filter(hasBenefit).slice(0, CHART_TOP);
    const wrap = $("#risk-actions-chart-wrap");
    wrap.hidden = !top.length;
    if (!top.length) return;
    const label = (a) => `${a.rank}. ${actionName(a)} – ${zoneName(a.zone)}`;
    const short = (text) => (text.length > 40 ? `${text.slice(0, 38)}…` : text);
    const axisLabel = (a) => [short(`${a.rank}. ${actionName(a)}`), short(zoneName(a.zone))]; // two lines
    const days = (v) => fmt.number(v, 1);
    const data = {
      columns: [
        { key: "label", label: t("risk.actions.col_action") },
        { key: "expected_sick_days_avoided_per_year", label: t("risk.actions.chart_expected"), num: true, format: days },
        { key: "sick_days_ci_low", label: t("risk.actions.chart_low"), num: true, format: days },
        { key: "sick_days_ci_high", label: t("risk.actions.chart_high"), num: true, format: days },
      ],
      rows: top.map((a) => ({ ...a, label: label(a) })),
    };
    const drawn = shared.chart("risk-actions-chart", {
      type: "bar",
      data: {
        labels: top.map(axisLabel),
        datasets: [
          {
            label: t("risk.actions.chart_interval"),
            data: top.map((a) => [a.sick_days_ci_low ?? a.expected_sick_days_avoided_per_year, a.sick_days_ci_high ?? a.expected_sick_days_avoided_per_year]),
            backgroundColor: "#1c2530",
            barPercentage: 0.22,
            categoryPercentage: 0.9,
            grouped: false,
            order: 0,
          },
          {
            label: t("risk.actions.chart_expected"),
            data: top.map((a) => a.expected_sick_days_avoided_per_year),
            backgroundColor: "#5aa690",
            borderColor: "#2f7d68",
            borderWidth: 1,
            barPercentage: 0.8,
            categoryPercentage: 0.9,
            grouped: false,
            order: 1,
          },
        ],
      },
      options: {
        indexAxis: "y",
        plugins: {
          legend: { position: "bottom", labels: { color: "#1c2530" } },
          tooltip: {
            callbacks: {
              title: (items) => label(top[items[0].dataIndex]),
              label: (item) => {
                const a = top[item.dataIndex];
                return item.datasetIndex === 0
                  ? `${t("risk.actions.chart_interval")}: ${t("risk.interval", { low: days(a.sick_days_ci_low), high: days(a.sick_days_ci_high) })}`
                  : `${t("risk.actions.chart_expected")}: ${days(a.expected_sick_days_avoided_per_year)}`;
              },
            },
          },
        },
        scales: {
          x: {
            title: { display: true, text: t("risk.actions.chart_axis"), color: "#1c2530" },
            ticks: { color: "#1c2530", callback: (v) => fmt.number(v, 0) },
            grid: { color: "#dfe4e9" },
          },
          y: { ticks: { color: "#1c2530", autoSkip: false }, grid: { display: false } },
        },
      },
    }, data);
    if (!drawn) {
      // No Chart.js (not loaded): the figures as a table instead of the canvas.
      $("#risk-actions-chart-table").replaceChildren(shared.table(data.columns, data.rows, { caption: t("risk.actions.chart_label") }));
      const details = $("#risk-actions-chart-figure details");
      if (details) details.open = true;
    }
  }

  function renderActionsTable() {
    const all = state.actions.actions || [];
    const holder = $("#risk-actions-body");
    if (!all.length) {
      holder.replaceChildren(el("p", { class: "empty" }, t("risk.actions.empty")));
      return;
    }
    const rows = state.showAllActions ? all : all.slice(0, ACTIONS_SHOWN);
    const days = (v) => fmt.number(v, 1);
    const columns = [
      { key: "rank", label: t("risk.actions.col_rank"), num: true, format: (v) => String(v) },
      { key: "zone", label: t("risk.actions.col_zone"), format: (v) => el("span", { class: "zone-name" }, zoneName(v)) },
      {
        key: "action", label: t("risk.actions.col_action"),
        format: (v, row) => {
          const name = el("span", { class: "action-name" }, actionName(row));
          if (!EN && !row.action_name_sv) name.setAttribute("lang", "en");
          return el("span", {}, name, el("span", { class: "action-sub" }, quantityName(row.quantity)));
        },
      },
      {
        key: "expected_sick_days_avoided_per_year", label: t("risk.actions.col_days"), num: true,
        format: (v, row) => (hasBenefit(row)
          ? figure(v, row.sick_days_ci_low, row.sick_days_ci_high, days)
          : el("span", { class: "no-benefit" }, noBenefit(row))),
      },
      {
        key: "expected_answer_rate_gain_pp", label: t("risk.actions.col_rate"), num: true,
        format: (v, row) => (hasBenefit(row) && v != null
          ? figure(v, row.answer_rate_gain_ci_low_pp, row.answer_rate_gain_ci_high_pp, (x) => pp(x, 2), (x) => fmt.number(x, 2))
          : "–"),
      },
      {
        key: "cost_sek", label: t("risk.actions.col_cost"), num: true,
        format: (v, row) => (row.cost_low_sek == null
          ? "–"
          : t("risk.sek", { value: t("risk.interval", { low: fmt.number(row.cost_low_sek, 0), high: fmt.number(row.cost_high_sek, 0) }) })),
      },
      {
        key: "benefit_cost_ratio", label: t("risk.actions.col_ratio"), num: true,
        format: (v, row) => (hasBenefit(row) && v != null
          ? figure(v, row.benefit_cost_ratio_low, row.benefit_cost_ratio_high, (x) => fmt.number(x, 1))
          : "–"),
      },
      {
        key: "confidence", label: t("risk.actions.col_confidence"),
        format: (v) => el("span", { class: `badge ${CONFIDENCE_BADGE[v] || "badge-none"}` }, confidenceWord(v)),
      },
      {
        key: "evidence", label: t("risk.actions.col_evidence"),
        format: (v, row) => {
          const word = evidenceWord(row);
          return el("span", { class: `evidence evidence-${word.kind}` }, word.text);
        },
      },
    ];
    const table = dataTable(columns, rows, {
      caption: t("risk.actions.caption"), className: "data-table actions-table",
    });
    table.querySelector("table").id = "risk-actions-table";
    for (const [i, tr] of [...table.querySelectorAll("tbody tr")].entries()) {
      tr.dataset.zone = rows[i].zone;
      tr.dataset.action = rows[i].action;
      if (!hasBenefit(rows[i])) tr.classList.add("row-no-benefit");
    }
    const parts = [table];
    if (all.length > ACTIONS_SHOWN) {
      const toggle = el("button", { type: "button", class: "btn btn-outline", "aria-controls": "risk-actions-table" },
        state.showAllActions ? t("risk.actions.show_fewer", { n: ACTIONS_SHOWN }) : t("risk.actions.show_all", { n: all.length }));
      toggle.addEventListener("click", () => {
        state.showAllActions = !state.showAllActions;
        renderActionsTable();
        $("#risk-actions-body .btn")?.focus();
      });
      parts.push(el("p", { class: "table-more" }, t("risk.actions.shown", { n: rows.length, total: all.length }), " ", toggle));
    }
    parts.push(el("p", { class: "hint" }, t("risk.actions.explain")));
    holder.replaceChildren(...parts);
  }

  // ---------------------------------------------------------------- follow-up of done actions

  function showFollowUps(body) {
    state.followUps = body;
    const holder = $("#risk-followup-body");
    const items = body.follow_ups || [];
    if (!items.length) {
      holder.replaceChildren(el("p", { class: "empty" }, t("risk.followup.empty")));
      return;
    }
    holder.replaceChildren(...items.map(followUpCard));
  }

  function followUpCard(f) {
    const w = f.window || {};
    const name = f.action ? state.actionNames.get(f.action) || f.action : null;
    const meta = [
      t("risk.followup.zone", { zone: zoneName(f.zone) }),
      name ? t("risk.followup.action", { action: name }) : null,
      t("risk.followup.done_on", { date: fmt.date(w.done_on) }),
    ].filter(Boolean).join(" · ");
    const periods = w.before?.length === 2 && w.after?.length === 2
      ? t("risk.followup.periods", {
        before: t("risk.date_range", { first: fmt.date(w.before[0]), last: fmt.date(addDays(w.before[1], 6)) }),
        after: t("risk.date_range", { first: fmt.date(w.after[0]), last: fmt.date(addDays(w.after[1], 6)) }),
      })
      : "";
    const columns = [
      { key: "outcome", label: t("risk.followup.col_outcome"), format: (v, c) => outcomeName(c) },
      { key: "treated_before", label: t("risk.followup.col_before"), num: true, format: (v, c) => level(c, v) },
      { key: "treated_after", label: t("risk.followup.col_after"), num: true, format: (v, c) => level(c, v) },
      { key: "estimate", label: t("risk.followup.col_change"), num: true, format: (v, c) => change(c) },
      { key: "verdict", label: t("risk.followup.col_verdict"), format: (v, c) => verdict(c) },
    ];
    const parts = [
      el("h3", {}, f.title || t("risk.followup.untitled")),
      el("p", { class: "followup-meta muted" }, meta),
      periods ? el("p", { class: "followup-periods" }, periods) : null,
      dataTable(columns, f.comparisons || [], {
        caption: t("risk.followup.caption", { title: f.title || "" }), className: "data-table followup-table",
      }),
    ];
    if (EN && f.statement) parts.push(el("p", { class: "followup-statement" }, f.statement));
    return el("article", { class: "followup-card", "data-item": String(f.item_id) }, ...parts);
  }

  function addDays(day, n) {
    const date = new Date(`${day}T12:00:00Z`);
    return new Date(date.getTime() + n * 86400000).toISOString().slice(0, 10);
  }

  function outcomeName(c) {
    if (c.outcome === "exposure") return c.quantity ? quantityName(c.quantity) : t("risk.followup.exposure");
    if (c.outcome === "short_term_sick_spells") return t("risk.followup.sick_spells");
    if (c.outcome === "answer_rate") return t("risk.followup.answer_rate");
    return c.outcome;
  }

  function level(c, value) {
    if (c.status === "withheld") return "–";
    if (value == null) return c.outcome === "short_term_sick_spells" && c.status === "estimated" ? t("risk.followup.levels_hr") : "–";
    if (c.outcome === "answer_rate") return fmt.percent(c.unit === "%" ? value / 100 : value, 1); // the API's levels are in %
    if (c.outcome === "short_term_sick_spells") return t("risk.followup.per_fte_year", { value: fmt.number(value, 1) });
    return `${fmt.number(value, Math.abs(value) >= 100 ? 0 : 1)} ${c.unit || ""}`.trim();
  }

  function change(c) {
    if (c.status !== "estimated" || c.estimate == null) return "–";
    if (c.outcome === "answer_rate" && c.change_pp != null) {
      return figure(c.change_pp, c.change_pp_low, c.change_pp_high, (x) => pp(x, 1), (x) => fmt.number(x, 1));
    }
    if (c.outcome === "short_term_sick_spells" || c.outcome === "answer_rate") {
      return figure(c.estimate, c.ci_low, c.ci_high, (x) => `×${fmt.number(x, 2)}`, (x) => fmt.number(x, 2));
    }
    const digits = Math.abs(c.estimate) >= 100 ? 0 : 1;
    return figure(c.estimate, c.ci_low, c.ci_high, (x) => `${signed(x, digits)} ${c.unit || ""}`.trim(), (x) => fmt.number(x, digits));
  }

  /** The verdict in words: "the data cannot tell yet" whenever the interval includes no change. */
  function verdict(c) {
    const status = {
      too_early: ["risk.verdict.too_early", "badge-none"],
      no_data: ["risk.verdict.no_data", "badge-none"],
      too_little_data: ["risk.verdict.too_little_data", "badge-none"],
      no_team: ["risk.verdict.no_team", "badge-none"],
      no_controls: ["risk.verdict.no_controls", "badge-none"],
      withheld: ["risk.verdict.withheld", "badge-none"],
    };
    if (c.status !== "estimated") {
      const [key, badge] = status[c.status] || ["risk.verdict.unknown", "badge-none"];
      return el("span", { class: `badge ${badge}` }, t(key, { weeks: c.weeks_after }));
    }
    const ratio = c.outcome !== "exposure";
    const none = ratio ? 1 : 0;
    const includesNone = c.ci_low == null || c.ci_high == null || (c.ci_low <= none && c.ci_high >= none);
    let key;
    let badge = "badge-none";
    if (c.verdict === "fell" || c.verdict === "rose") {
      key = c.verdict === "fell" ? "risk.verdict.fell" : "risk.verdict.rose";
      const better = c.outcome === "answer_rate" ? c.verdict === "rose" : c.outcome === "short_term_sick_spells" ? c.verdict === "fell" : null;
      if (better != null) badge = better ? "badge-good" : "badge-act";
    } else if (includesNone) {
      key = "risk.verdict.cannot_tell";
    } else {
      key = "risk.verdict.unclear";
    }
    const words = [el("span", { class: `badge ${badge}` }, t(key))];
    if (c.placebos > 0 && c.clearer_than != null) {
      words.push(el("span", { class: "verdict-sub" }, t("risk.verdict.placebo", { n: c.clearer_than, total: c.placebos })));
    }
    words.push(el("span", { class: "verdict-sub" }, t("risk.verdict.weeks", { before: c.weeks_before, after: c.weeks_after })));
    return el("span", { class: "verdict" }, ...words);
  }

  // ---------------------------------------------------------------- start

  /** At logout: nothing of the last user's figures stays in the page (the next login may be a role without them). */
  function forget() {
    Object.assign(state, {
      ctx: null, forecast: null, rows: new Map(), teams: [], weeks: [], actions: null, followUps: null,
      selected: null, showAllActions: false, backtestAsked: null,
    });
    if (window.Chart) window.Chart.getChart("risk-actions-chart")?.destroy();
    for (const id of ["#risk-heat-body", "#risk-details-body", "#risk-quality-body", "#scenario-result",
      "#risk-actions-body", "#risk-followup-body", "#risk-actions-chart-table"]) {
      $(id)?.replaceChildren(el("p", { class: "placeholder" }, t("common.loading")));
    }
    $("#risk-meta").textContent = "";
  }

  shared.whenReady(() => {
    $("#scenario-form").addEventListener("submit", onCompare);
    $("#sc-kind").addEventListener("change", showKind);
    $("#sc-clear").addEventListener("click", clearScenario);
    $("#risk-quality").addEventListener("toggle", onQualityToggle);
    shared.startPage({
      load,
      onEnd: () => {
        window.clearTimeout(state.backtestTimer);
        state.scenarioRun += 1;
        forget();
      },
    });
  });
})();
