/* officewell · the tertial period report (periodrapport): /report.
 *
 * The report itself is made by the API (GET /api/v1/reports/tertial/{period}?format=pdf|html|json&lang=):
 * this page picks the tertial and the report's language, previews its sections from the JSON (their
 * statements come in the report's language) and downloads the PDF or HTML with the user's token.
 */
(() => {
  "use strict";

  const shared = window.officewellSession;
  const { $, el, t, fmt } = shared;

  let ctx = null;
  let shownKey = null;

  const period = () => `${$("#report-year").value}-T${$("#report-tertial").value}`;
  const reportLang = () => $("#report-lang").value;

  function status(text) {
    $("#report-status").textContent = text || "";
  }

  function setBusy(busy) {
    for (const id of ["#download-pdf", "#download-html"]) $(id).disabled = busy;
  }

  // ---------------------------------------------------------------- preview

  function section(part, lang) {
    const head = el("div", { class: "preview-head" },
      el("h3", {}, part.title),
      part.available
        ? el("span", { class: "badge" }, part.completeness == null ? "" : t("report.preview.completeness", { share: fmt.percent(part.completeness, 0) }))
        : el("span", { class: "badge badge-act" }, t("report.preview.unavailable")));
    const statements = part.statements.map((s) => el("li", {}, s.text));
    const notes = part.notes.map((n) => el("li", { class: "preview-note" }, n.text));
    return el("article", { class: "preview-section", lang }, head,
      statements.length || notes.length ? el("ul", {}, ...statements, ...notes) : null);
  }

  async function preview() {
    const key = `${period()}:${reportLang()}`;
    if (key === shownKey) return;
    const box = $("#preview");
    box.replaceChildren(el("p", { class: "placeholder" }, t("report.preparing")));
    let report;
    try {
      report = await ctx.api(`/reports/tertial/${period()}?format=json&lang=${reportLang()}`);
    } catch (err) {
      if (!ctx.current() || key !== `${period()}:${reportLang()}`) return;
      box.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("report.failed", { detail: err.message })));
      return;
    }
    // A slower answer for an earlier choice is dropped: the choice now showing has its own call on the way.
    if (!ctx.current() || key !== `${period()}:${reportLang()}`) return;
    shownKey = key;
    const when = report.in_progress
      ? t("report.preview.in_progress", { date: fmt.date(report.data_until) })
      : t("report.preview.complete", { date: fmt.date(report.data_until) });
    box.replaceChildren(
      el("p", { class: "preview-meta" }, `${report.site.name} · ${fmt.tertial(report.period.slice(0, 4), report.period.slice(-1))} · ${when} ${t("report.preview.generated", { time: fmt.dateTime(report.generated_at) })}`),
      ...report.sections.map((part) => section(part, report.lang)),
    );
  }

  // ---------------------------------------------------------------- download

  function fileName(response, fallback) {
    const header = response.headers.get("Content-Disposition") || "";
    const match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : fallback;
  }

  async function download(format) {
    setBusy(true);
    status(t("report.preparing"));
    try {
      const response = await ctx.api(`/reports/tertial/${period()}?format=${format}&lang=${reportLang()}`, { raw: true });
      const blob = await response.blob();
      const name = fileName(response, `periodrapport-${period()}.${format}`);
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      status(t("report.downloaded", { file: name }));
    } catch (err) {
      if (err instanceof shared.AuthError) return;
      status(t("report.failed", { detail: err.message }));
    } finally {
      setBusy(false);
    }
  }

  // ---------------------------------------------------------------- start

  async function load(context) {
    ctx = context;
    const years = $("#report-year");
    if (!years.options.length) {
      // The tertial the report is most wanted for: the last one finished (the site's today, as the API counts it).
      const today = ctx.site?.today || new Date().toISOString().slice(0, 10);
      const year = Number(today.slice(0, 4));
      const month = Number(today.slice(5, 7));
      const running = month <= 4 ? 1 : month <= 8 ? 2 : 3;
      const last = running === 1 ? { year: year - 1, tertial: 3 } : { year, tertial: running - 1 };
      years.replaceChildren(...[0, 1, 2].map((back) => el("option", { value: year - back }, String(year - back))));
      years.value = String(last.year);
      $("#report-tertial").value = String(last.tertial);
    }
    await preview();
  }

  shared.whenReady(() => {
    for (const id of ["#report-year", "#report-tertial", "#report-lang"]) {
      $(id).addEventListener("change", () => { if (ctx) preview(); });
    }
    $("#report-form").addEventListener("submit", (event) => event.preventDefault());
    $("#download-pdf").addEventListener("click", () => download("pdf"));
    $("#download-html").addEventListener("click", () => download("html"));
    shared.startPage({
      load,
      onEnd: () => { // nothing of the last user's report stays in the page
        shownKey = null;
        $("#preview").replaceChildren(el("p", { class: "placeholder" }, t("common.loading")));
        status("");
      },
    });
  });
})();
