/* officewell · citizen feedback (synpunkter) per tertial: /feedback.
 *
 * One call per choice of year and tertial (GET /api/v1/feedback?year=&tertial=): the centre's cases, the
 * change from the same days a year earlier, per department and category with the failure-demand share and
 * its Wilson interval, per month, per channel. The API's notes are English sentences: the page writes its
 * own from the periods' figures (days imported, days compared) in the page's language.
 */
(() => {
  "use strict";

  const shared = window.officewellSession;
  const { $, el, t, fmt } = shared;
  const CATEGORIES = ["complaint", "suggestion", "praise", "question"];
  // Colour-blind-safe (Okabe–Ito) and distinct in greyscale order; the table under each chart has the figures.
  const CATEGORY_COLOURS = { complaint: "#D55E00", suggestion: "#0072B2", praise: "#009E73", question: "#CC79A7" };
  const TOTAL = "total";

  let ctx = null;
  let chosen = null; // {year, tertial}

  const label = (kind, code) => {
    const key = `feedback.${kind}.${code}`;
    const text = t(key);
    return text === key ? code : text;
  };
  const department = (name) => (name === TOTAL ? t("feedback.total") : name);

  function signed(n) {
    if (n == null) return "–";
    return n > 0 ? `+${fmt.number(n)}` : fmt.number(n);
  }

  function interval(row) {
    if (row.ci_low == null || row.ci_high == null) return "–";
    return t("common.interval", { low: fmt.percent(row.ci_low, 0), high: fmt.percent(row.ci_high, 0) });
  }

  // ---------------------------------------------------------------- the figures

  function renderKpis(report, period) {
    const centre = report.summary.find((r) => r.department === TOTAL && r.category === TOTAL);
    const box = $("#kpis");
    if (!period) {
      box.replaceChildren(el("p", { class: "placeholder" }, t("feedback.empty")));
      return;
    }
    const kpi = (title, value, detail) =>
      el("div", { class: "kpi" }, el("span", { class: "kpi-title" }, title), el("span", { class: "kpi-value" }, value),
        el("span", { class: "kpi-detail" }, detail || ""));
    box.replaceChildren(
      kpi(t("feedback.kpi.cases"), fmt.number(period.count), fmt.tertial(chosen.year, chosen.tertial)),
      kpi(t("feedback.kpi.change"), period.change == null ? "–" : signed(period.change),
        period.change == null ? t("feedback.kpi.change_none")
          : `${fmt.number(period.compared_count)} / ${fmt.number(period.previous_count)}`),
      kpi(t("feedback.kpi.failure"), centre ? fmt.percent(centre.failure_demand_share, 0) : "–",
        centre && centre.tagged ? t("feedback.kpi.failure_of", {
          n: fmt.number(centre.tagged), low: fmt.percent(centre.ci_low, 0), high: fmt.percent(centre.ci_high, 0),
        }) : ""),
      kpi(t("feedback.kpi.coverage"), fmt.percent(period.days ? period.covered_days / period.days : null, 0),
        t("feedback.kpi.coverage_of", { covered: period.covered_days, days: period.days })),
    );
  }

  function renderNotes(period, today) {
    const notes = [];
    const name = fmt.tertial(chosen.year, chosen.tertial);
    if (!period || period.covered_days === 0) notes.push(t("feedback.note.none", { period: name }));
    else {
      if (period.start <= today && today <= period.end) notes.push(t("feedback.note.in_progress"));
      if (period.covered_days < period.days) {
        notes.push(t("feedback.note.partial", { period: name, covered: period.covered_days, days: period.days }));
      }
      if (period.compared_days) notes.push(t("feedback.note.compared", { n: period.compared_days }));
    }
    $("#notes").replaceChildren(...notes.map((n) => el("li", {}, n)));
  }

  function renderDepartments(rows) {
    const departments = [...new Set(rows.filter((r) => r.department !== TOTAL).map((r) => r.department))]
      .sort((a, b) => a.localeCompare(b, shared.LOCALE));
    const count = (dep, cat) => rows.find((r) => r.department === dep && r.category === cat)?.count ?? 0;
    shared.chart("departments-chart", {
      type: "bar",
      data: {
        labels: departments,
        datasets: CATEGORIES.map((cat) => ({
          label: label("category", cat),
          data: departments.map((dep) => count(dep, cat)),
          backgroundColor: CATEGORY_COLOURS[cat],
        })),
      },
      options: {
        indexAxis: "y",
        scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } },
        plugins: { legend: { position: "bottom" } },
      },
    }, {
      columns: [
        { key: "department", label: t("feedback.col.department") },
        ...CATEGORIES.map((cat) => ({ key: cat, label: label("category", cat), num: true, format: (v) => fmt.number(v) })),
      ],
      rows: departments.map((dep) => Object.fromEntries([["department", dep], ...CATEGORIES.map((c) => [c, count(dep, c)])])),
    });

    const totals = rows.filter((r) => r.category === TOTAL);
    totals.sort((a, b) => (a.department === TOTAL) - (b.department === TOTAL) || a.department.localeCompare(b.department, shared.LOCALE));
    $("#departments-table").replaceChildren(shared.table([
      { key: "department", label: t("feedback.col.department"), format: department },
      { key: "count", label: t("feedback.col.count"), num: true, format: (v) => fmt.number(v) },
      { key: "share", label: t("feedback.col.share"), num: true, format: (v) => fmt.percent(v, 0) },
      { key: "previous_count", label: t("feedback.col.previous"), num: true, format: (v) => fmt.number(v) },
      { key: "change", label: t("feedback.col.change"), num: true, format: signed },
      { key: "failure_demand_share", label: t("feedback.col.failure"), num: true, format: (v) => fmt.percent(v, 0) },
      { key: "ci_low", label: t("feedback.col.interval"), num: true, format: (_, row) => interval(row) },
      { key: "tagged", label: t("feedback.col.tagged"), num: true, format: (v) => fmt.number(v) },
    ], totals, { caption: t("feedback.departments.title") }));
  }

  function renderFailure(rows) {
    const totals = rows.filter((r) => r.category === TOTAL && r.tagged > 0);
    totals.sort((a, b) => (a.department === TOTAL) - (b.department === TOTAL) || a.department.localeCompare(b.department, shared.LOCALE));
    const labels = totals.map((r) => department(r.department));
    shared.chart("failure-chart", {
      type: "bar",
      data: {
        labels,
        datasets: [
          {
            type: "bar",
            label: t("feedback.col.interval"),
            data: totals.map((r) => [r.ci_low * 100, r.ci_high * 100]),
            backgroundColor: "rgba(0, 114, 178, 0.25)",
            borderColor: "#0072B2",
            borderWidth: 1,
            barPercentage: 0.5,
          },
          {
            type: "scatter",
            label: t("feedback.estimate"),
            data: totals.map((r, i) => ({ x: r.failure_demand_share * 100, y: labels[i] })),
            backgroundColor: "#1c2530",
            pointRadius: 5,
          },
        ],
      },
      options: {
        indexAxis: "y",
        scales: {
          x: { min: 0, max: 100, ticks: { callback: (v) => fmt.percent(v / 100, 0) } },
          y: { type: "category", labels },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (item) => {
                const row = totals[item.dataIndex];
                return `${fmt.percent(row.failure_demand_share, 0)} (${interval(row)}, n = ${row.tagged})`;
              },
            },
          },
        },
      },
    }, {
      columns: [
        { key: "department", label: t("feedback.col.department"), format: department },
        { key: "failure_demand_share", label: t("feedback.col.failure"), num: true, format: (v) => fmt.percent(v, 0) },
        { key: "ci_low", label: t("feedback.col.interval"), num: true, format: (_, row) => interval(row) },
        { key: "tagged", label: t("feedback.col.tagged"), num: true, format: (v) => fmt.number(v) },
      ],
      rows: totals,
    });
  }

  function renderMonths(months) {
    const labels = [...new Set(months.map((m) => m.month))].sort();
    const count = (month, cat) => months.find((m) => m.month === month && m.category === cat)?.count ?? 0;
    shared.chart("months-chart", {
      type: "line",
      data: {
        labels: labels.map((m) => fmt.month(m)),
        datasets: CATEGORIES.map((cat) => ({
          label: label("category", cat),
          data: labels.map((m) => count(m, cat)),
          borderColor: CATEGORY_COLOURS[cat],
          backgroundColor: CATEGORY_COLOURS[cat],
          tension: 0.2,
        })),
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: "bottom" } } },
    }, {
      columns: [
        { key: "month", label: t("feedback.col.month"), format: (v) => fmt.month(v) },
        ...CATEGORIES.map((cat) => ({ key: cat, label: label("category", cat), num: true, format: (v) => fmt.number(v) })),
        { key: TOTAL, label: label("category", TOTAL), num: true, format: (v) => fmt.number(v) },
      ],
      rows: labels.map((m) => Object.fromEntries([["month", m], ...[...CATEGORIES, TOTAL].map((c) => [c, count(m, c)])])),
    });
  }

  function renderChannels(channels) {
    const rows = channels.filter((c) => c.count > 0 || c.channel === TOTAL);
    rows.sort((a, b) => (a.channel === TOTAL) - (b.channel === TOTAL) || b.count - a.count);
    $("#channels").replaceChildren(shared.table([
      { key: "channel", label: t("feedback.col.channel"), format: (v) => label("channel", v) },
      { key: "count", label: t("feedback.col.count"), num: true, format: (v) => fmt.number(v) },
      { key: "share", label: t("feedback.col.share"), num: true, format: (v) => fmt.percent(v, 0) },
    ], rows, { caption: t("feedback.channels.title") }));
  }

  // ---------------------------------------------------------------- loading

  async function show() {
    const asked = chosen;
    const { year, tertial } = asked;
    const report = await ctx.api(`/feedback?year=${year}&tertial=${tertial}`);
    if (!ctx.current() || asked !== chosen) return; // a later choice has its own answer on the way
    const code = `${year}-T${tertial}`;
    const period = report.periods.find((p) => p.tertial === code);
    const rows = report.summary.filter((r) => r.tertial === code);
    const today = ctx.site?.today || new Date().toISOString().slice(0, 10);
    renderKpis(report, period);
    renderNotes(period, today);
    renderDepartments(rows);
    renderFailure(rows);
    renderMonths(report.months.filter((m) => m.tertial === code));
    renderChannels(report.channels.filter((c) => c.tertial === code));
  }

  /** The first view: this year (as the API counts it) and its latest tertial that has begun. */
  async function load(context) {
    ctx = context;
    if (!chosen) {
      const all = await ctx.api("/feedback");
      if (!ctx.current()) return;
      const years = $("#year");
      years.replaceChildren(...[0, 1, 2].map((back) => el("option", { value: all.year - back }, String(all.year - back))));
      if (!chosen) { // the user may have picked a tertial while the first answer was on its way
        const today = ctx.site?.today || new Date().toISOString().slice(0, 10);
        const begun = all.periods.filter((p) => p.start <= today);
        const latest = begun.length ? begun[begun.length - 1].tertial : all.periods[0]?.tertial || `${all.year}-T1`;
        chosen = { year: all.year, tertial: Number(latest.slice(-1)) };
      }
      years.value = String(chosen.year);
      $("#tertial").value = String(chosen.tertial);
    }
    await show();
  }

  function onChange() {
    if (!$("#year").options.length) return; // the first answer, which fills the years, is still on its way
    chosen = { year: Number($("#year").value), tertial: Number($("#tertial").value) };
    if (ctx) show().catch((err) => shared.banner(t("common.error.load", { what: t("feedback.title"), detail: err.message })));
  }

  shared.whenReady(() => {
    $("#year").addEventListener("change", onChange);
    $("#tertial").addEventListener("change", onChange);
    $("#period-form").addEventListener("submit", (event) => event.preventDefault());
    shared.startPage({ load, onEnd: () => { chosen = null; } });
  });
})();
