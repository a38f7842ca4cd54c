/* officewell · HR: absence and the indoor environment (/hr), for the roles of the team_absence area (HR, admin).
 *
 * Plain ES2020 on the shared shell (session.js, window.officewellSession). It reads:
 *   - GET /absence?period=month&since=…: short-term sick spells and sick days per answer group and month,
 *     and the centre's, up to three years back. Spells per FTE (spells ÷ the month's FTE, fte_days ÷ days)
 *     and the seasonality (the mean of each calendar month over the years returned) are computed here
 *     from the monthly figures; months before the first absence on record are left out, the month under
 *     way and months past the last imported day are drawn hollow and kept out of the sums and the seasons;
 *   - GET /evidence/associations: per quantity × outcome × lag the site's own estimate, the research
 *     prior and the two combined, drawn as a forest plot (Chart.js floating bars for the 95 % intervals,
 *     the estimates marked by a small plugin, a line at "no effect", ratio 1 on a log scale). The API's
 *     English sentences are not shown: the page writes its own from the structured fields;
 *   - GET /audit?action=read (roles with the audit area): the latest reads of absence-derived data.
 * Who may see what is the API's: groups under five people come only to HR and admin, and each read is logged.
 * All data is inserted with textContent / setAttribute, never as HTML.
 */
(() => {
  "use strict";

  const shared = window.officewellSession;
  const { $, el, t, fmt } = shared;
  const TOTAL = "total";
  const YEARS_BACK = 3; // months asked for: this many years up to the current month
  const OUTCOMES = ["short_term_sick_spells", "short_term_sick_days", "answer_rate"];
  const KINDS = ["local", "prior", "combined"];
  const AUDIT_ROWS = 10;
  const CENTRE_COLOUR = "#1c2530";
  // Twelve group colours, each at least 3:1 against white; the figures are in the table under each chart.
  const GROUP_COLOURS = [
    "#1f5f8b", "#b3450f", "#2e7d32", "#a4161a", "#6a3d9a", "#8c564b",
    "#c2185b", "#00695c", "#5d6b00", "#546e7a", "#0277bd", "#7b5800",
  ];
  const YEAR_COLOURS = ["#7f8c99", "#1f5f8b", "#b3450f", "#2e7d32", "#6a3d9a"];
  const KIND_STYLE = {
    local: { colour: "#1f5f8b", point: "circle" },
    prior: { colour: "#8a4b08", point: "rect" },
    combined: { colour: "#1c2530", point: "rectRot" },
  };
  const AXIS_LIMITS = [0.1, 10]; // the forest plot's widest x axis; longer intervals end in an arrow
  const AUDITED = {
    "/absence": "absence",
    "/evidence/associations": "associations",
    "/evidence/actions": "actions",
    "/evidence/follow-up": "follow_up",
    "/forecast": "forecast",
    "/forecast/scenarios": "scenarios",
    "/forecast/backtest": "backtest",
  };

  const state = {
    ctx: null,
    today: null, // the site's date, "2026-11-18"
    months: [], // [{start, end, label, open, centre: row}] from the first month on record
    teams: [], // answer groups in order
    byTeam: new Map(), // team -> Map(period_start -> row)
    teamNames: new Map(), // team -> the answer group's name (from /zones)
    selected: new Set(),
    absence: null,
    associations: null,
    quantityOrder: [],
  };

  // ---------------------------------------------------------------- small helpers

  const num2 = (v) => fmt.number(v, 2);
  /** A ratio with as many decimals as its size needs: 0,08 · 1,21 · 14,2 · 806. */
  function ratio(v) {
    if (v == null || !Number.isFinite(v)) return "–";
    const size = Math.abs(v);
    if (size > 0 && size < 0.01) return small.format(v); // 0,0009 rather than 0,00
    return fmt.number(v, size >= 100 ? 0 : size >= 10 ? 1 : 2);
  }
  const small = new Intl.NumberFormat(shared.LOCALE, { maximumSignificantDigits: 1 });
  const tickFormat = new Intl.NumberFormat(shared.LOCALE, { maximumFractionDigits: 2 });
  const interval = (low, high) => t("common.interval", { low: ratio(low), high: ratio(high) });
  const dayMs = 86400000;
  const daysIn = (start, end) => Math.round((Date.parse(end) - Date.parse(start)) / dayMs) + 1;
  const groupName = (team) => state.teamNames.get(team) || team;
  const byNumber = (a, b) => a.localeCompare(b, undefined, { numeric: true });

  function isoToday() {
    const now = new Date();
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }

  /** The first day of the month `back` months before `day`'s month, "YYYY-MM-01". */
  function monthsBefore(day, back) {
    const index = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 - back;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}-01`;
  }

  function placeholder(node, text, error = false) {
    node.replaceChildren(el("p", { class: error ? "form-error" : "placeholder", role: error ? "alert" : null }, text));
  }

  function errorText(err, what) {
    if (err instanceof shared.HttpError && err.status === 503) return t("hr.error.unavailable", { what });
    return t("common.error.load", { what, detail: err.message });
  }

  // ---------------------------------------------------------------- absence: the months

  function perFte(row) {
    if (!row || row.suppressed) return { spells: null, days: null, fte: null };
    const fte = row.fte_days == null ? null : row.fte_days / daysIn(row.period_start, row.period_end);
    return {
      fte,
      spells: row.spells == null || !fte ? null : row.spells / fte,
      days: row.sick_days_per_fte ?? null,
    };
  }

  function prepareAbsence(absence) {
    const data = absence.data || {};
    const from = data.records_from;
    const until = data.records_until;
    state.months = absence.centre
      .filter((row) => from != null && row.period_start >= from)
      .sort((a, b) => a.period_start.localeCompare(b.period_start))
      .map((row) => ({
        start: row.period_start,
        end: row.period_end,
        label: fmt.month(row.period_start),
        // Under way, or past the last imported day: counted so far only.
        open: row.period_end >= state.today || (until != null && row.period_end > until),
        centre: row,
        figures: perFte(row),
      }));
    state.byTeam = new Map();
    for (const row of absence.teams) {
      if (row.team === TOTAL) continue;
      if (!state.byTeam.has(row.team)) state.byTeam.set(row.team, new Map());
      state.byTeam.get(row.team).set(row.period_start, row);
    }
    state.teams = [...state.byTeam.keys()].sort(byNumber);
    for (const team of [...state.selected]) if (!state.teams.includes(team)) state.selected.delete(team);
  }

  /** Spells and sick days per FTE over `months` together: sums ÷ mean FTE (the FTE-days over the days). */
  function summed(months) {
    let spells = 0, sick = 0, fteDays = 0, days = 0;
    for (const m of months) {
      const row = m.centre;
      if (row.suppressed || row.fte_days == null) return null;
      spells += row.spells || 0;
      sick += row.sick_days || 0;
      fteDays += row.fte_days;
      days += daysIn(row.period_start, row.period_end);
    }
    const fte = days ? fteDays / days : 0;
    return fte > 0 ? { spells: spells / fte, days: sick / fte } : null;
  }

  function renderKpis() {
    const box = $("#hr-kpis");
    const complete = state.months.filter((m) => !m.open);
    if (!complete.length) {
      placeholder(box, t("hr.data.none"));
      return;
    }
    const last = complete.slice(-12);
    const before = complete.slice(-24, -12);
    const now = summed(last);
    const then = before.length === 12 ? summed(before) : null;
    const span = t("hr.kpi.span", { from: last[0].label, to: last[last.length - 1].label, n: last.length });
    const kpi = (title, value, ...details) => el("div", { class: "kpi" },
      el("span", { class: "kpi-title" }, title), el("span", { class: "kpi-value" }, value),
      ...details.filter(Boolean).map((d) => el("span", { class: "kpi-detail" }, d)));
    const data = state.absence.data;
    box.replaceChildren(
      kpi(t("hr.kpi.spells"), now ? num2(now.spells) : "–", span,
        then ? t("hr.kpi.before", { value: num2(then.spells) }) : t("hr.kpi.before_none")),
      kpi(t("hr.kpi.days"), now ? num2(now.days) : "–", span,
        then ? t("hr.kpi.before", { value: num2(then.days) }) : t("hr.kpi.before_none")),
      kpi(t("hr.kpi.basis"), t("hr.kpi.people", { n: fmt.number(data.people) }),
        t("hr.kpi.groups", { n: fmt.number(state.teams.length) }),
        t("hr.kpi.months", { n: fmt.number(complete.length) })),
    );
  }

  // ---------------------------------------------------------------- absence: groups and trend charts

  function renderGroupChoices() {
    const list = $("#hr-group-list");
    list.replaceChildren(...state.teams.map((team, i) => {
      const id = `hr-group-${i}`;
      const box = el("input", { type: "checkbox", id, value: team, checked: state.selected.has(team) });
      box.addEventListener("change", () => {
        if (box.checked) state.selected.add(team);
        else state.selected.delete(team);
        renderTrends();
      });
      const swatch = el("span", { class: "hr-swatch", "aria-hidden": "true" });
      swatch.style.backgroundColor = GROUP_COLOURS[i % GROUP_COLOURS.length];
      return el("div", { class: "hr-group" }, box, el("label", { for: id }, swatch, groupName(team)));
    }));
    $("#hr-groups").hidden = !state.teams.length;
  }

  function setAllGroups(on) {
    state.selected = new Set(on ? state.teams : []);
    for (const box of document.querySelectorAll("#hr-group-list input[type=checkbox]")) box.checked = on;
    renderTrends();
  }

  function trendChart(id, metric) {
    const months = state.months;
    const chosen = state.teams.filter((team) => state.selected.has(team));
    const open = months.map((m) => m.open);
    const pointFill = (colour) => months.map((m) => (m.open ? "#ffffff" : colour));
    const dashed = { borderDash: (c) => (open[c.p1DataIndex] ? [5, 4] : undefined) };
    const datasets = [{
      label: t("hr.centre"),
      data: months.map((m) => m.figures[metric]),
      borderColor: CENTRE_COLOUR,
      backgroundColor: CENTRE_COLOUR,
      pointBackgroundColor: pointFill(CENTRE_COLOUR),
      pointBorderColor: CENTRE_COLOUR,
      borderWidth: 3,
      pointRadius: 3,
      segment: dashed,
      order: 0,
    }];
    for (const team of chosen) {
      const colour = GROUP_COLOURS[state.teams.indexOf(team) % GROUP_COLOURS.length];
      const rows = state.byTeam.get(team);
      datasets.push({
        label: groupName(team),
        data: months.map((m) => perFte(rows.get(m.start))[metric]),
        borderColor: colour,
        backgroundColor: colour,
        pointBackgroundColor: pointFill(colour),
        pointBorderColor: colour,
        borderWidth: 1.5,
        pointRadius: 2,
        segment: dashed,
        spanGaps: false,
        order: 1,
      });
    }
    const count = metric === "spells" ? "spells" : "sick_days";
    const columns = [
      { key: "month", label: t("hr.col.month") },
      { key: "centre", label: t("hr.centre"), num: true, format: num2 },
      { key: "count", label: t(`hr.col.${count}`), num: true, format: (v) => fmt.number(v, metric === "spells" ? 0 : 1) },
      { key: "fte", label: t("hr.col.fte"), num: true, format: (v) => fmt.number(v, 1) },
      ...chosen.map((team) => ({ key: team, label: groupName(team), num: true, format: (v, row) => row[`${team}:hidden`] || num2(v) })),
    ];
    const rows = months.map((m) => {
      const row = {
        month: m.open ? t("hr.month_open", { month: m.label }) : m.label,
        centre: m.figures[metric],
        count: m.centre[count],
        fte: m.figures.fte,
      };
      for (const team of chosen) {
        const source = state.byTeam.get(team).get(m.start);
        row[team] = perFte(source)[metric];
        if (source?.suppressed) row[`${team}:hidden`] = t("hr.hidden");
      }
      return row;
    });
    shared.chart(id, {
      type: "line",
      data: { labels: months.map((m) => m.label), datasets },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12, color: "#4b5563" }, grid: { display: false } },
          y: {
            beginAtZero: true,
            ticks: { color: "#4b5563", callback: (v) => fmt.number(v, metric === "spells" ? 2 : 1) },
            title: { display: true, text: t(`hr.axis.${metric}`), color: "#4b5563" },
          },
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, boxWidth: 10, color: "#1c2530" } },
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? rows[items[0].dataIndex].month : ""),
              label: (item) => `${item.dataset.label}: ${item.parsed.y == null ? t("hr.hidden") : num2(item.parsed.y)}`,
            },
          },
        },
      },
    }, { columns, rows });
  }

  function renderTrends() {
    trendChart("hr-chart-spells", "spells");
    trendChart("hr-chart-days", "days");
  }

  function renderSuppressed() {
    const box = $("#hr-suppressed");
    const hidden = new Map(); // team -> {reason -> months}
    for (const row of state.absence.teams) {
      if (!row.suppressed) continue;
      const reasons = hidden.get(row.team) || new Map();
      reasons.set(row.reason || "other", (reasons.get(row.reason || "other") || 0) + 1);
      hidden.set(row.team, reasons);
    }
    const centreHidden = state.absence.centre.filter((row) => row.suppressed).length;
    const total = state.absence.centre.length;
    if (!hidden.size && !centreHidden) {
      box.replaceChildren(el("p", { class: "hr-none-hidden" }, t("hr.suppressed.none")));
      return;
    }
    const items = [...hidden.entries()].sort((a, b) => byNumber(a[0], b[0])).flatMap(([team, reasons]) =>
      [...reasons.entries()].map(([reason, n]) => el("li", {},
        t("hr.suppressed.item", { group: groupName(team), reason: t(`hr.reason.${reason}`), n, total }))));
    if (centreHidden) items.push(el("li", {}, t("hr.suppressed.centre", { n: centreHidden, total })));
    box.replaceChildren(el("h3", {}, t("hr.suppressed.title")), el("ul", { class: "hr-hidden-list" }, ...items));
  }

  function renderDataNote() {
    const data = state.absence.data;
    $("#hr-data-note").textContent = t("hr.data.note", {
      from: fmt.date(data.records_from),
      until: fmt.date(data.records_until),
      people: fmt.number(data.people),
      groups: fmt.number(data.teams),
    });
  }

  // ---------------------------------------------------------------- absence: seasons

  function renderSeason() {
    const metric = document.querySelector("input[name=hr-season-metric]:checked")?.value || "days";
    const complete = state.months.filter((m) => !m.open && m.figures[metric] != null);
    const years = [...new Set(complete.map((m) => m.start.slice(0, 4)))].sort();
    const value = new Map(complete.map((m) => [m.start.slice(0, 7), m.figures[metric]]));
    const calendar = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, "0"));
    const names = calendar.map((mm) => fmt.date(`2026-${mm}-15`, { month: "short" }));
    const longNames = calendar.map((mm) => fmt.date(`2026-${mm}-15`, { month: "long" }));
    const rows = calendar.map((mm, i) => {
      const values = years.map((y) => value.get(`${y}-${mm}`)).filter((v) => v != null);
      const row = {
        month: longNames[i],
        mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
        n: values.length,
      };
      for (const y of years) row[y] = value.get(`${y}-${mm}`) ?? null;
      return row;
    });
    const metricName = t(`hr.metric.${metric}`);
    const canvas = $("#hr-chart-season");
    const label = t("hr.chart.season.label_metric", { metric: metricName.toLowerCase() });
    canvas.setAttribute("aria-label", label);
    $("#hr-chart-season-caption").textContent = label;
    const datasets = [
      ...years.map((y, i) => ({
        label: y,
        data: rows.map((r) => r[y]),
        borderColor: YEAR_COLOURS[i % YEAR_COLOURS.length],
        backgroundColor: YEAR_COLOURS[i % YEAR_COLOURS.length],
        borderWidth: 1.5,
        borderDash: [4, 3],
        pointRadius: 2,
        spanGaps: false,
        order: 1,
      })),
      {
        label: t("hr.season.mean", { from: years[0] || "", to: years[years.length - 1] || "" }),
        data: rows.map((r) => r.mean),
        borderColor: CENTRE_COLOUR,
        backgroundColor: CENTRE_COLOUR,
        borderWidth: 3,
        pointRadius: 3,
        order: 0,
      },
    ];
    shared.chart("hr-chart-season", {
      type: "line",
      data: { labels: names, datasets },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { color: "#4b5563" }, grid: { display: false } },
          y: {
            beginAtZero: true,
            ticks: { color: "#4b5563", callback: (v) => fmt.number(v, metric === "spells" ? 2 : 1) },
            title: { display: true, text: t(`hr.axis.${metric}`), color: "#4b5563" },
          },
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, boxWidth: 10, color: "#1c2530" } },
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? rows[items[0].dataIndex].month : ""),
              label: (item) => `${item.dataset.label}: ${item.parsed.y == null ? "–" : num2(item.parsed.y)}`,
            },
          },
        },
      },
    }, {
      columns: [
        { key: "month", label: t("hr.col.calendar_month") },
        { key: "mean", label: t("hr.season.mean_col"), num: true, format: num2 },
        { key: "n", label: t("hr.season.years"), num: true },
        ...years.map((y) => ({ key: y, label: y, num: true, format: num2 })),
      ],
      rows,
    });
  }

  async function loadAbsence(ctx) {
    const since = monthsBefore(state.today, YEARS_BACK * 12 - 1);
    const status = $("#hr-trends-status");
    let absence;
    try {
      absence = await ctx.api(`/absence?${new URLSearchParams({ period: "month", since })}`);
    } catch (err) {
      if (!ctx.current() || err instanceof shared.AuthError) return;
      status.hidden = false;
      status.className = "form-error";
      status.textContent = errorText(err, t("hr.what.absence"));
      placeholder($("#hr-kpis"), t("hr.data.unavailable"));
      return;
    }
    if (!ctx.current()) return;
    state.absence = absence;
    prepareAbsence(absence);
    renderKpis();
    if (!state.months.length) {
      status.hidden = false;
      status.textContent = t("hr.data.none");
      $("#hr-trends-content").hidden = true;
      return;
    }
    status.hidden = true;
    $("#hr-trends-content").hidden = false;
    renderGroupChoices();
    renderTrends();
    renderSuppressed();
    renderDataNote();
    renderSeason();
  }

  // ---------------------------------------------------------------- associations: the forest plot

  function estimateOf(a, kind) {
    const source = kind === "local" ? a : kind === "prior" ? a.prior : a.combined;
    if (!source || source.rate_ratio == null) return null;
    return { est: source.rate_ratio, low: source.ci_low, high: source.ci_high };
  }

  const bounded = (e) => e != null && e.low != null && e.high != null && e.low > 0 && Number.isFinite(e.high);

  function axisRange(rows) {
    const values = [];
    for (const a of rows) {
      for (const kind of KINDS) {
        const e = estimateOf(a, kind);
        if (!e) continue;
        for (const v of [e.est, e.low, e.high]) if (v != null && v > 0 && Number.isFinite(v)) values.push(v);
      }
    }
    let min = values.length ? Math.min(...values) / 1.15 : 0.5;
    let max = values.length ? Math.max(...values) * 1.15 : 2;
    min = Math.min(Math.max(min, AXIS_LIMITS[0]), 0.8);
    max = Math.max(Math.min(max, AXIS_LIMITS[1]), 1.25);
    return { min, max };
  }

  function axisTicks(min, max) {
    const span = max / min;
    const candidates = span < 4
      ? [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.5, 1.75, 2, 2.5, 3]
      : span < 40
        ? [0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10]
        : [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50];
    return candidates.filter((v) => v >= min * 0.999 && v <= max * 1.001);
  }

  /** Draws "no effect" (ratio 1), the estimates' markers and arrows where an interval runs off the axis. */
  const forestPlugin = {
    id: "hrForest",
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x.getPixelForValue(1);
      ctx.save();
      ctx.strokeStyle = "#4b5563";
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#374151";
      ctx.font = "600 11px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      ctx.fillText(t("hr.forest.no_effect"), x, chartArea.top - 4);
      ctx.restore();
    },
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const xScale = chart.scales.x;
      const { min, max } = xScale;
      ctx.save();
      chart.data.datasets.forEach((dataset, i) => {
        if (!chart.isDatasetVisible(i)) return;
        const meta = chart.getDatasetMeta(i);
        meta.data.forEach((bar, j) => {
          const e = dataset.estimates[j];
          if (!e || dataset.data[j] == null) return;
          const y = bar.y;
          ctx.fillStyle = dataset.backgroundColor;
          ctx.strokeStyle = "#ffffff";
          ctx.lineWidth = 1.5;
          if (e.est >= min && e.est <= max) {
            marker(ctx, dataset.pointStyle, xScale.getPixelForValue(e.est), y, dataset.kind === "combined" ? 7 : 5.5);
          }
          if (e.low == null || e.low < min) arrow(ctx, chartArea.left, y, -1);
          if (e.high == null || e.high > max) arrow(ctx, chartArea.right, y, 1);
        });
      });
      // An association without any estimate: say so on its row.
      const yScale = chart.scales.y;
      ctx.fillStyle = "#4b5563";
      ctx.font = "italic 12px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      ctx.textAlign = "left";
      chart.data.labels.forEach((_, j) => {
        const any = chart.data.datasets.some((d) => d.data[j] != null);
        if (!any) ctx.fillText(t("hr.forest.no_estimate"), xScale.getPixelForValue(1) + 8, yScale.getPixelForValue(j));
      });
      ctx.restore();
    },
  };

  function marker(ctx, style, x, y, r) {
    ctx.beginPath();
    if (style === "rect") ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
    else if (style === "rectRot") {
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
    } else ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }

  function arrow(ctx, x, y, direction) {
    ctx.beginPath();
    ctx.moveTo(x + direction * 2, y);
    ctx.lineTo(x - direction * 6, y - 5);
    ctx.lineTo(x - direction * 6, y + 5);
    ctx.closePath();
    ctx.fill();
  }

  const quantityName = (key) => {
    const text = t(`common.quantity.${key}`);
    return text === `common.quantity.${key}` ? key : text;
  };
  const measureKey = (a) => (String(a.measure).startsWith("odds") ? "odds_ratio" : "rate_ratio");
  /** "Milton, Glencross & Walters (2000)" of a source's full reference (its title stays out of the page). */
  const citation = (source) => (/^(.*?\(\d{4}[a-z]?\))/.exec(source || "") || [null, source || ""])[1];

  function confidenceSentence(a) {
    const share = a.local_weight == null ? "–" : fmt.percent(a.local_weight, 0);
    const local = estimateOf(a, "local");
    switch (a.confidence) {
      case "high":
        return t("hr.conf.high", { p: fmt.number(a.p_adjusted, 3), share });
      case "moderate":
        return t(a.local_weight != null && a.local_weight < 0.5 ? "hr.conf.moderate_research" : "hr.conf.moderate_both", { share });
      case "low":
        if (bounded(local) && (local.low > 1 || local.high < 1)) return t("hr.conf.low_hint");
        return t("hr.conf.low", { share });
      default:
        return local && !bounded(local) ? t("hr.conf.none_unbounded") : t("hr.conf.none");
    }
  }

  function effectSentence(a) {
    const c = estimateOf(a, "combined");
    if (!c || c.low == null || c.high == null) return "";
    const values = { measure: t(`hr.measure.${measureKey(a)}`), ratio: ratio(c.est), low: ratio(c.low), high: ratio(c.high), unit: a.unit };
    let text;
    if (c.low > 1) text = t("hr.effect.up", { ...values, direction: t(`hr.more.${a.outcome}`) });
    else if (c.high < 1) text = t("hr.effect.down", { ...values, direction: t(`hr.less.${a.outcome}`) });
    else text = t("hr.effect.includes", values);
    if (a.outcome === "answer_rate" && a.answer_rate_change_pp != null) {
      const pp = a.answer_rate_change_pp;
      text += ` ${t("hr.effect.pp", { pp: `${pp > 0 ? "+" : ""}${fmt.number(pp, 1)}` })}`;
    }
    return text;
  }

  function basisText(a) {
    const parts = [t("hr.basis.n", { n: fmt.number(a.n), groups: fmt.number(a.teams), weeks: fmt.number(a.weeks) })];
    if (a.events != null) parts.push(t(`hr.basis.events.${a.outcome}`, { events: fmt.number(a.events, 0) }));
    parts.push(t("hr.basis.completeness", { share: fmt.percent(a.exposure_completeness, 0) }));
    if (a.prior) parts.push(t("hr.basis.prior", { source: citation(a.prior.source) }));
    return parts.join(" · ");
  }

  function confidenceBadge(a) {
    const level = ["high", "moderate", "low"].includes(a.confidence) ? a.confidence : "none";
    return el("span", { class: `badge hr-conf hr-conf-${level}` }, t(`common.confidence.${level}`));
  }

  function chosenForest() {
    const outcome = document.querySelector("input[name=hr-outcome]:checked")?.value || OUTCOMES[0];
    const lag = Number(document.querySelector("input[name=hr-lag]:checked")?.value || 0);
    return { outcome, lag };
  }

  function renderForest() {
    const all = state.associations.associations;
    const { outcome, lag } = chosenForest();
    const order = (a) => state.quantityOrder.indexOf(a.quantity);
    const rows = all.filter((a) => a.outcome === outcome && a.lag_weeks === lag).sort((a, b) => order(a) - order(b));
    const { min, max } = axisRange(rows);
    const clamp = (v) => Math.min(Math.max(v, min), max);
    const measure = rows.length ? measureKey(rows[0]) : (outcome === "answer_rate" ? "odds_ratio" : "rate_ratio");
    const outcomeName = t(`hr.outcome.${outcome}`);
    const lagName = t(`hr.lag.${lag}`);
    const label = t("hr.chart.forest.label_for", { outcome: outcomeName.toLowerCase(), lag: lagName.toLowerCase() });
    $("#hr-chart-forest").setAttribute("aria-label", label);
    $("#hr-chart-forest-caption").textContent = label;
    $("#hr-forest-scale").textContent = t(`hr.forest.scale.${outcome}`);

    const datasets = KINDS.map((kind) => {
      const estimates = rows.map((a) => estimateOf(a, kind));
      return {
        kind,
        label: t(`hr.kind.${kind}`),
        estimates,
        data: estimates.map((e) => {
          if (!e) return null;
          const low = e.low == null || e.low <= 0 ? min : clamp(e.low);
          const high = e.high == null || !Number.isFinite(e.high) ? max : clamp(e.high);
          return [low, high];
        }),
        backgroundColor: KIND_STYLE[kind].colour,
        borderColor: KIND_STYLE[kind].colour,
        pointStyle: KIND_STYLE[kind].point,
        barPercentage: 0.3,
        categoryPercentage: 0.86,
        borderSkipped: false,
      };
    });
    const cell = (kind) => (v, a) => {
      const e = estimateOf(a, kind);
      if (!e) return "–";
      return e.low == null || e.high == null ? ratio(e.est) : `${ratio(e.est)} (${interval(e.low, e.high)})`;
    };
    shared.chart("hr-chart-forest", {
      type: "bar",
      data: { labels: rows.map((a) => [quantityName(a.quantity), a.unit]), datasets },
      options: {
        indexAxis: "y",
        layout: { padding: { top: 18 } },
        scales: {
          x: {
            type: "logarithmic",
            min,
            max,
            afterBuildTicks: (scale) => { scale.ticks = axisTicks(min, max).map((value) => ({ value })); },
            ticks: { color: "#4b5563", callback: (v) => tickFormat.format(Number(v)) },
            title: { display: true, text: t(`hr.forest.axis.${measure}`), color: "#4b5563" },
            grid: { color: "#e6eaee" },
          },
          y: { ticks: { color: "#1c2530", font: { weight: 600 } }, grid: { color: "#eef1f4" } },
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, boxWidth: 10, color: "#1c2530" } },
          tooltip: {
            callbacks: {
              title: (items) => {
                const a = items.length ? rows[items[0].dataIndex] : null;
                return a ? `${quantityName(a.quantity)} ${a.unit}` : "";
              },
              label: (item) => {
                const e = item.dataset.estimates[item.dataIndex];
                if (!e) return "";
                const range = e.low == null || e.high == null ? "" : ` (${interval(e.low, e.high)})`;
                return `${item.dataset.label}: ${ratio(e.est)}${range}`;
              },
            },
          },
        },
      },
      plugins: [forestPlugin],
    }, {
      columns: [
        { key: "quantity", label: t("hr.col.quantity"), format: (v, a) => `${quantityName(a.quantity)} ${a.unit}` },
        { key: "local", label: t("hr.kind.local"), num: true, format: cell("local") },
        { key: "prior", label: t("hr.kind.prior"), num: true, format: cell("prior") },
        { key: "combined", label: t("hr.kind.combined"), num: true, format: cell("combined") },
        { key: "local_weight", label: t("hr.col.local_weight"), num: true, format: (v) => (v == null ? "–" : fmt.percent(v, 0)) },
        { key: "confidence", label: t("hr.col.confidence"), format: (v, a) => t(`common.confidence.${["high", "moderate", "low"].includes(a.confidence) ? a.confidence : "none"}`) },
        { key: "n", label: t("hr.col.n"), num: true, format: (v) => fmt.number(v) },
        { key: "events", label: t(`hr.col.events.${outcome}`), num: true, format: (v) => (v == null ? "–" : fmt.number(v, 0)) },
        { key: "exposure_completeness", label: t("hr.col.completeness"), num: true, format: (v) => fmt.percent(v, 0) },
      ],
      rows,
    });
    $("#hr-forest-shown").textContent = t("hr.forest.shown", { shown: rows.length, total: all.length, outcome: outcomeName.toLowerCase(), lag: lagName.toLowerCase() });
    $("#hr-forest-words").replaceChildren(el("ul", {
      class: "hr-words",
      "aria-label": t("hr.words.caption", { outcome: outcomeName.toLowerCase(), lag: lagName.toLowerCase() }),
    }, ...rows.map((a) => el("li", { class: "hr-word" },
      el("div", { class: "hr-word-head" }, el("strong", {}, `${quantityName(a.quantity)} ${a.unit}`), confidenceBadge(a)),
      el("p", {}, [confidenceSentence(a), effectSentence(a)].filter(Boolean).join(" ")),
      el("p", { class: "hr-word-basis" }, basisText(a))))));
  }

  function renderForestMeta() {
    const a = state.associations;
    $("#hr-forest-meta").textContent = t("hr.forest.meta", {
      from: fmt.date(a.period.start),
      to: fmt.date(a.period.end),
      time: fmt.dateTime(a.computed_at, state.ctx.site?.timezone),
      groups: fmt.number(a.data.teams),
      spells: fmt.number(a.data.short_term_sick_spells),
      completeness: a.data.exposure_completeness == null ? "–" : fmt.percent(a.data.exposure_completeness, 0),
    });
  }

  async function loadAssociations(ctx) {
    const status = $("#hr-forest-status");
    let answer;
    try {
      answer = await ctx.api("/evidence/associations");
    } catch (err) {
      if (!ctx.current() || err instanceof shared.AuthError) return;
      status.className = "form-error";
      status.textContent = errorText(err, t("hr.what.associations"));
      return;
    }
    if (!ctx.current()) return;
    state.associations = answer;
    if (!answer.associations.length) {
      status.textContent = t("hr.forest.empty");
      return;
    }
    state.quantityOrder = [...new Set(answer.associations.map((a) => a.quantity))];
    status.hidden = true;
    $("#hr-forest-content").hidden = false;
    renderForest();
    renderForestMeta();
  }

  // ---------------------------------------------------------------- the audit

  function auditWhat(entry) {
    const path = String(entry.resource || "").replace(/^[A-Z]+\s+/, "");
    const key = AUDITED[path] || (path.startsWith("/reports/tertial/") ? "report" : null);
    return key ? t(`hr.audit.what.${key}`) : entry.resource;
  }

  async function loadAudit(ctx) {
    const panel = $("#hr-audit");
    panel.hidden = false;
    const body = $("#hr-audit-body");
    let page;
    try {
      page = await ctx.api(`/audit?${new URLSearchParams({ action: "read", limit: String(AUDIT_ROWS) })}`);
    } catch (err) {
      if (!ctx.current() || err instanceof shared.AuthError) return;
      placeholder(body, errorText(err, t("hr.what.audit")), true);
      return;
    }
    if (!ctx.current()) return;
    if (!page.items.length) {
      placeholder(body, t("hr.audit.empty"));
      return;
    }
    const zone = ctx.site?.timezone;
    body.replaceChildren(
      shared.table([
        { key: "at", label: t("hr.audit.col.at"), format: (v) => fmt.dateTime(v, zone) },
        { key: "actor", label: t("hr.audit.col.who"), format: (v, e) => (e.details?.role ? `${v} (${shared.ROLE_LABELS[e.details.role] || e.details.role})` : v) },
        { key: "resource", label: t("hr.audit.col.what"), format: (v, e) => auditWhat(e) },
        { key: "people", label: t("hr.audit.col.people"), num: true, format: (v, e) => (e.details?.people == null ? "–" : fmt.number(e.details.people)) },
      ], page.items, { caption: t("hr.audit.title"), className: "data-table hr-audit-table" }),
      el("p", { class: "hint" }, t("hr.audit.total", { shown: page.items.length, total: fmt.number(page.total) })),
    );
  }

  // ---------------------------------------------------------------- the page

  async function load(ctx) {
    state.ctx = ctx;
    state.today = ctx.site?.today || isoToday();
    for (const zone of (await ctx.api("/zones").catch(() => [])) || []) {
      if (zone.teams?.length === 1 && zone.kind === "answer_group") state.teamNames.set(zone.teams[0], zone.name || zone.id);
    }
    if (!ctx.current()) return;
    await Promise.all([loadAbsence(ctx), loadAssociations(ctx)]);
    // After the page's own reads, so that they are in the list too.
    if (ctx.current() && (ctx.login.areas || []).includes("audit")) await loadAudit(ctx);
  }

  /** At logout: drop the figures from the page, so that the next user (another role) finds none of them. */
  function reset() {
    state.ctx = null;
    state.absence = null;
    state.associations = null;
    state.months = [];
    state.teams = [];
    state.selected = new Set();
    for (const id of ["hr-chart-spells", "hr-chart-days", "hr-chart-season", "hr-chart-forest"]) {
      if (window.Chart) window.Chart.getChart(id)?.destroy();
      $(`#${id}-table`).replaceChildren();
    }
    for (const sel of ["#hr-group-list", "#hr-suppressed", "#hr-forest-words"]) $(sel).replaceChildren();
    for (const sel of ["#hr-data-note", "#hr-forest-shown", "#hr-forest-meta"]) $(sel).textContent = "";
    placeholder($("#hr-kpis"), t("common.loading"));
    placeholder($("#hr-audit-body"), t("common.loading"));
    $("#hr-audit").hidden = true;
    for (const [status, content] of [["#hr-trends-status", "#hr-trends-content"], ["#hr-forest-status", "#hr-forest-content"]]) {
      Object.assign($(status), { hidden: false, className: "placeholder", textContent: t("common.loading") });
      $(content).hidden = true;
    }
  }

  shared.whenReady(() => {
    $("#hr-groups-all").addEventListener("click", () => setAllGroups(true));
    $("#hr-groups-none").addEventListener("click", () => setAllGroups(false));
    for (const input of document.querySelectorAll("input[name=hr-season-metric]")) {
      input.addEventListener("change", () => { if (state.absence) renderSeason(); });
    }
    for (const input of document.querySelectorAll("input[name=hr-outcome], input[name=hr-lag]")) {
      input.addEventListener("change", () => { if (state.associations) renderForest(); });
    }
    shared.startPage({ load, onEnd: reset });
  });
})();
