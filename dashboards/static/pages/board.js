/* officewell · the improvement board (/board): the centre's ständiga förbättringar, gone through at the weekly meeting.
 *
 * Four columns by status; each card says its zone, owner, due date (overdue in words), linked action and,
 * once done, its measured effect (GET /evidence/follow-up, built into sentences here from the structured
 * fields: the API's own statements are English). Roles whose areas include "board_edit" propose and edit
 * (a <dialog> form, PATCH with If-Match: a stale edit answers 412 and the item is read again); the others
 * see no edit control at all. An item's details show its history (who, when, what changed). The weekly
 * meeting's view lists what is new and changed since last week and what is overdue.
 * Plain ES2020, no build step; every text from the catalog (dashboards/i18n/<lang>/board.json), every
 * value inserted as text.
 */
(() => {
  "use strict";

  const shared = window.officewellSession;
  const { $, el, t, fmt } = shared;

  const STATUSES = ["proposed", "in_progress", "done", "rejected"];
  const STATUS_LABEL = {
    proposed: t("board.status.proposed"),
    in_progress: t("board.status.in_progress"),
    done: t("board.status.done"),
    rejected: t("board.status.rejected"),
  };
  const FIELD_LABEL = {
    title: t("board.field.title"),
    description: t("board.field.description"),
    zone: t("board.field.zone"),
    quantity: t("board.field.quantity"),
    status: t("board.field.status"),
    owner: t("board.field.owner"),
    due_date: t("board.field.due_date"),
    done_on: t("board.field.done_on"),
    action: t("board.field.action"),
  };
  const QUANTITY_LABEL = {
    co2_ppm: t("common.quantity.co2_ppm"),
    temperature_c: t("common.quantity.temperature_c"),
    humidity_pct: t("common.quantity.humidity_pct"),
    sound_dba: t("common.quantity.sound_dba"),
    sound_max_dba: t("common.quantity.sound_max_dba"),
    illuminance_lux: t("common.quantity.illuminance_lux"),
    tvoc_ppb: t("common.quantity.tvoc_ppb"),
    pm25_ugm3: t("common.quantity.pm25_ugm3"),
  };
  const COLLAPSED = 6; // done and rejected columns show this many until "show all"
  const REFRESH_S = 60;

  const state = {
    ctx: null,
    editor: false,
    today: null, // the site's date, "2026-11-18"
    timeZone: undefined,
    zones: new Map(), // id → name
    quantities: new Map(), // key → {label, unit, decimals}
    actions: new Map(), // key → {name, quantity}
    actionsState: "idle", // idle, loading, ready, failed
    items: [],
    loaded: false, // the items were read once
    etag: null,
    expanded: new Set(), // statuses whose column shows every card
    followUps: null, // item id → follow-up; null: not asked yet
    followUpState: "idle", // idle, loading, ready, failed
    followUpKey: "",
    followUpEnd: null, // the last day the follow-up's analysis covers
    meeting: null,
    since: null, // the date input's value, null: the API's default (a week ago)
    wired: false,
  };

  // ---------------------------------------------------------------- words and numbers

  const signed = new Map();
  /** A number with its sign (+66, −56), `digits` decimals, in the page's locale. */
  function fmtSigned(value, digits = 0) {
    if (value == null || Number.isNaN(value)) return "–";
    const key = digits;
    if (!signed.has(key)) {
      signed.set(key, new Intl.NumberFormat(shared.LOCALE, {
        signDisplay: "exceptZero", minimumFractionDigits: digits, maximumFractionDigits: digits,
      }));
    }
    return signed.get(key).format(value);
  }

  /** Replace `node`'s children with those given, leaving out null and false (replaceChildren would write "null"). */
  function fill(node, ...children) {
    node.replaceChildren(...children.filter((c) => c != null && c !== false));
  }

  function zoneName(id) {
    if (id == null) return null;
    return state.zones.get(id) || id;
  }

  /** The action's name in the page's language; while the catalogue is on its way "loading", and its key if it never comes. */
  function actionName(key) {
    if (key == null) return null;
    const known = state.actions.get(key)?.name;
    if (known) return known;
    return state.actionsState === "idle" || state.actionsState === "loading" ? t("common.loading") : key;
  }

  function quantityName(key) {
    if (key == null) return null;
    return QUANTITY_LABEL[key] || state.quantities.get(key)?.label || key;
  }

  /** Whole days from `from` to `to`, both "YYYY-MM-DD". */
  function daysBetween(from, to) {
    const [a, b] = [from, to].map((d) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)));
    return Math.round((b - a) / 86400000);
  }

  function addDays(day, n) {
    const date = new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10) + n));
    return date.toISOString().slice(0, 10);
  }

  /** The ISO week number of a "YYYY-MM-DD". */
  function isoWeek(day) {
    const date = new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)));
    const weekday = date.getUTCDay() || 7;
    date.setUTCDate(date.getUTCDate() + 4 - weekday);
    const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
    return Math.ceil(((date - yearStart) / 86400000 + 1) / 7);
  }

  function overdueText(item) {
    if (!item.overdue || !item.due_date || !state.today) return null;
    const days = daysBetween(item.due_date, state.today);
    return days === 1 ? t("board.overdue_one") : t("board.overdue_many", { days });
  }

  /** A field's value as the history keeps it (text, dates ISO), in words. */
  function historyValue(field, value) {
    if (value == null || value === "") return t("board.history.empty");
    switch (field) {
      case "status": return STATUS_LABEL[value] || value;
      case "zone": return zoneName(value);
      case "quantity": return quantityName(value);
      case "action": return actionName(value);
      case "due_date":
      case "done_on": return fmt.date(value);
      default: return value;
    }
  }

  // ---------------------------------------------------------------- the follow-up in words

  const OUTCOME_GROUPS = { exposure: "zones", short_term_sick_spells: "teams", answer_rate: "teams" };

  function comparisonName(c) {
    if (c.outcome === "exposure") return quantityName(c.quantity);
    if (c.outcome === "short_term_sick_spells") return t("board.fu.sick");
    return t("board.fu.answer_rate");
  }

  /** The one word (or few) for a comparison: fell, rose, no clear change, too early, … */
  function verdictWord(c) {
    if (c.status !== "estimated") {
      return {
        too_early: t("board.fu.word.too_early"),
        no_data: t("board.fu.word.no_data"),
        too_little_data: t("board.fu.word.too_little_data"),
        no_team: t("board.fu.word.no_team"),
        no_controls: t("board.fu.word.no_controls"),
        withheld: t("board.fu.word.withheld"),
      }[c.status] || c.status;
    }
    if (c.verdict === "fell") return t("board.fu.word.fell");
    if (c.verdict === "rose") return t("board.fu.word.rose");
    return c.outcome === "exposure" ? t("board.fu.word.unclear_exposure") : t("board.fu.word.unclear");
  }

  /** The badge class of a verdict: a change called is shown plainly, never as good or bad (the reader judges). */
  function verdictClass(c) {
    if (c.status !== "estimated") return "badge-none";
    return c.verdict === "fell" || c.verdict === "rose" ? "badge-called" : "badge-unclear";
  }

  function decimalsOf(c) {
    if (c.outcome !== "exposure") return 1;
    return state.quantities.get(c.quantity)?.decimals ?? 0;
  }

  /** "+66 ppm (95 % interval −56 to +189)" for a comparison that was estimated. */
  function changeWithInterval(c, short = false) {
    if (c.status !== "estimated") return null;
    const within = (values) => (short ? t("board.fu.change_interval_short", values) : t("board.fu.change_interval", values));
    if (c.outcome === "exposure") {
      const d = decimalsOf(c);
      const unit = c.unit ? ` ${c.unit}` : "";
      return within({ change: `${fmtSigned(c.estimate, d)}${unit}`, low: fmtSigned(c.ci_low, d), high: fmtSigned(c.ci_high, d) });
    }
    if (c.outcome === "answer_rate" && c.change_pp != null) {
      return within({
        change: t("board.fu.pp", { value: fmtSigned(c.change_pp, 1) }),
        low: fmtSigned(c.change_pp_low, 1), high: fmtSigned(c.change_pp_high, 1),
      });
    }
    const values = { ratio: fmt.number(c.estimate, 2), low: fmt.number(c.ci_low, 2), high: fmt.number(c.ci_high, 2) };
    return short ? t("board.fu.ratio_interval_short", values) : t("board.fu.ratio_interval", values);
  }

  /** Whether the interval leaves out "no change" (0 for a difference, 1 for a ratio). */
  function excludesNone(c) {
    if (c.ci_low == null || c.ci_high == null) return false;
    const none = c.outcome === "exposure" ? 0 : 1;
    return c.ci_low > none || c.ci_high < none;
  }

  /** The sentences of one comparison: what was measured, against what, and what the data allow one to say. */
  function comparisonSentences(c, followUp) {
    const out = [];
    const name = comparisonName(c);
    if (c.status === "too_early") {
      out.push(t("board.fu.too_early", { weeks: c.weeks_after, from: fmt.date(followUp.window.after[0]) }));
      return out;
    }
    if (c.status === "no_data") return [t("board.fu.no_data")];
    if (c.status === "too_little_data") {
      return [t("board.fu.too_little_data", { before: c.weeks_before, after: c.weeks_after })];
    }
    if (c.status === "no_team") return [t("board.fu.no_team", { what: name })];
    if (c.status === "no_controls") return [t("board.fu.no_controls")];
    if (c.status === "withheld") {
      return [c.group_size == null ? t("board.fu.withheld_unknown") : t("board.fu.withheld", { n: c.group_size })];
    }
    if (c.status !== "estimated") return [];
    if (c.outcome === "exposure") {
      const d = decimalsOf(c);
      const v = (x) => `${fmt.number(x, d)}${c.unit ? ` ${c.unit}` : ""}`;
      if (c.treated_before != null && c.control_before != null) {
        out.push(t("board.fu.exposure_levels", {
          before: v(c.treated_before), after: v(c.treated_after),
          others_before: v(c.control_before), others_after: v(c.control_after),
        }));
      } else {
        out.push(t("board.fu.exposure_change"));
      }
    } else if (c.outcome === "short_term_sick_spells") {
      if (c.treated_before != null) {
        out.push(t("board.fu.sick_levels", {
          before: fmt.number(c.treated_before, 1), after: fmt.number(c.treated_after, 1),
        }));
      }
      out.push(t("board.fu.sick_ratio"));
      if (c.treated_before == null) out.push(t("board.fu.sick_ratio_only"));
    } else {
      const pct = (x) => fmt.percent(x / 100, 1);
      if (c.treated_before != null && c.control_before != null) {
        out.push(t("board.fu.answer_levels", {
          before: pct(c.treated_before), after: pct(c.treated_after),
          others_before: pct(c.control_before), others_after: pct(c.control_after),
        }));
      }
      out.push(t("board.fu.answer_change"));
    }
    const zones = OUTCOME_GROUPS[c.outcome] === "zones";
    if (c.placebos > 0 && c.clearer_than != null) {
      out.push(zones
        ? t("board.fu.placebo_zones", { clearer: c.clearer_than, k: c.placebos })
        : t("board.fu.placebo_teams", { clearer: c.clearer_than, k: c.placebos }));
    }
    if (c.verdict === "fell" || c.verdict === "rose") {
      out.push(t("board.fu.tail_change"));
      if (c.outcome === "answer_rate") out.push(t("board.fu.staffing"));
    } else if (excludesNone(c) && c.clearer_than === c.placebos) {
      out.push(zones ? t("board.fu.tail_few_zones", { k: c.placebos }) : t("board.fu.tail_few_teams", { k: c.placebos }));
    } else if (excludesNone(c)) {
      out.push(zones ? t("board.fu.tail_others_zones") : t("board.fu.tail_others_teams"));
    } else {
      out.push(t("board.fu.tail_cannot_tell"));
    }
    return out;
  }

  /** The comparisons a card shows: the item's own quantity (or its action's), sick leave and answer rate. */
  function cardComparisons(item, followUp) {
    const quantity = item.quantity || state.actions.get(item.action)?.quantity || null;
    const exposures = followUp.comparisons.filter((c) => c.outcome === "exposure");
    const main = exposures.find((c) => c.quantity === quantity)
      || exposures.find((c) => c.status === "estimated") || exposures[0];
    const others = followUp.comparisons.filter((c) => c.outcome !== "exposure");
    return [main, ...others].filter(Boolean);
  }

  function effectLine(c) {
    const change = changeWithInterval(c, true);
    return el("li", { class: "effect-line" },
      el("span", { class: "effect-name" }, `${comparisonName(c)}: `),
      el("span", { class: `badge ${verdictClass(c)}` }, verdictWord(c)),
      change ? el("span", { class: "effect-figure" }, ` ${change}`) : null);
  }

  /** The measured effect on a done card: a few lines, or why there are none. */
  function cardEffect(item) {
    const box = el("div", { class: "card-effect" }, el("p", { class: "effect-head" }, t("board.fu.title")));
    const withIntervals = () => box.firstChild.append(" ", el("span", { class: "effect-key" }, t("board.fu.interval_key")));
    const note = (text) => { box.append(el("p", { class: "effect-note" }, text)); return box; };
    if (!item.follow_up_url) return note(item.zone ? t("board.fu.no_date") : t("board.fu.no_zone"));
    if (state.followUpState === "loading" || state.followUpState === "idle") return note(t("board.fu.loading"));
    if (state.followUpState === "failed") return note(t("board.fu.unavailable"));
    const followUp = state.followUps?.get(item.id);
    if (!followUp) return note(t("board.fu.not_yet"));
    const shown = cardComparisons(item, followUp);
    if (shown.some((c) => c.status === "estimated")) withIntervals();
    box.append(el("ul", { class: "effect-lines" }, ...shown.map(effectLine)));
    return box;
  }

  /** The last day of the weeks after: the window's, or the analysed period's end if that comes first (no data lies beyond). */
  function afterEnd(window) {
    const end = addDays(window.after[1], 6);
    return state.followUpEnd && state.followUpEnd < end ? state.followUpEnd : end;
  }

  /** The whole follow-up in the details: the weeks compared, every comparison in words, the caveat. */
  function fullEffect(item) {
    const section = el("section", { class: "detail-section", "aria-labelledby": "detail-effect-title" },
      el("h3", { id: "detail-effect-title" }, t("board.fu.title")));
    const note = (text) => { section.append(el("p", { class: "muted" }, text)); return section; };
    if (!item.follow_up_url) return note(item.zone ? t("board.fu.no_date") : t("board.fu.no_zone"));
    if (state.followUpState === "failed") return note(t("board.fu.unavailable"));
    if (state.followUpState !== "ready") return note(t("board.fu.loading"));
    const followUp = state.followUps.get(item.id);
    if (!followUp) return note(t("board.fu.not_yet"));
    const w = followUp.window;
    const weeks = w.excluded_weeks.map((d) => fmt.week(isoWeek(d))).join(", ");
    section.append(
      el("p", {}, t("board.fu.window", {
        before_from: fmt.date(w.before[0]), before_to: fmt.date(addDays(w.before[1], 6)),
        after_from: fmt.date(w.after[0]), after_to: fmt.date(afterEnd(w)),
      })),
      el("p", { class: "muted" }, t("board.fu.excluded", { weeks })),
    );
    const list = el("ul", { class: "effect-list" });
    for (const c of followUp.comparisons) {
      const change = changeWithInterval(c);
      list.append(el("li", {},
        el("p", { class: "effect-line" },
          el("strong", {}, `${comparisonName(c)}: `),
          el("span", { class: `badge ${verdictClass(c)}` }, verdictWord(c)),
          change ? el("span", { class: "effect-figure" }, ` ${change}`) : null),
        el("p", { class: "effect-words" }, comparisonSentences(c, followUp).join(" "))));
    }
    section.append(list, el("p", { class: "hint" }, t("board.fu.caveat")));
    return section;
  }

  // ---------------------------------------------------------------- the board

  function sortedFor(status, items) {
    const byDue = (a, b) => (a.due_date || "9999").localeCompare(b.due_date || "9999") || a.id - b.id;
    const list = items.filter((i) => i.status === status);
    if (status === "done") return list.sort((a, b) => (b.done_on || "").localeCompare(a.done_on || "") || b.id - a.id);
    if (status === "rejected") return list.sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.id - a.id);
    return list.sort((a, b) => Number(b.overdue) - Number(a.overdue) || byDue(a, b));
  }

  function filtered() {
    const zone = $("#board-filter-zone").value;
    const owner = $("#board-filter-owner").value;
    return state.items.filter((i) => (!zone || (zone === "-" ? i.zone == null : i.zone === zone))
      && (!owner || (owner === "-" ? !i.owner : i.owner === owner)));
  }

  function fact(label, value, extra) {
    return el("div", { class: "fact" }, el("dt", {}, label), el("dd", {}, value, extra || null));
  }

  function card(item) {
    const titleId = `card-${item.id}-title`;
    const overdue = overdueText(item);
    const facts = el("dl", { class: "card-facts" },
      fact(FIELD_LABEL.zone, zoneName(item.zone) || t("board.none.zone")),
      fact(FIELD_LABEL.owner, item.owner || t("board.none.owner")),
      item.status === "done"
        ? fact(FIELD_LABEL.done_on, item.done_on ? fmt.date(item.done_on) : t("board.none.date"))
        : fact(FIELD_LABEL.due_date, item.due_date ? fmt.date(item.due_date) : t("board.none.date"),
          overdue ? el("span", { class: "badge badge-act overdue" },
            el("span", { class: "sym", "aria-hidden": "true" }, "▲ "), overdue) : null),
      fact(FIELD_LABEL.action, actionName(item.action) || t("board.none.action")),
    );
    const open = el("button", { type: "button", class: "card-open", "aria-haspopup": "dialog", "data-opens": `card-${item.id}` }, item.title);
    open.addEventListener("click", () => openDetails(item.id, open));
    const article = el("article", { class: "board-card", "aria-labelledby": titleId, "data-id": item.id },
      el("h3", { id: titleId, class: "card-title" }, open),
      facts,
      item.status === "done" ? cardEffect(item) : null);
    if (overdue) article.classList.add("is-overdue");
    if (state.editor) {
      const edit = el("button", {
        type: "button", class: "btn btn-outline btn-small", "aria-haspopup": "dialog", "data-opens": `edit-${item.id}`,
        "aria-label": t("board.edit_item", { title: item.title }),
      }, t("board.edit"));
      edit.addEventListener("click", () => openForm(item.id, edit));
      article.append(el("div", { class: "card-actions" }, edit));
    }
    return el("li", { "data-id": item.id }, article);
  }

  function renderBoard() {
    if (!state.loaded) return; // nothing read yet: the columns keep saying so
    const items = filtered();
    const focused = document.activeElement?.closest?.(".board-card")?.dataset.id;
    const focusedClass = document.activeElement?.classList?.contains("card-open") ? ".card-open" : ".btn";
    for (const status of STATUSES) {
      const list = sortedFor(status, items);
      const ul = $(`#col-${status}-list`);
      const more = $(`#col-${status}-more`);
      const count = $(`#col-${status}-count`);
      count.textContent = t("board.count", { n: list.length });
      const collapsible = status === "done" || status === "rejected";
      const showAll = !collapsible || state.expanded.has(status) || list.length <= COLLAPSED;
      const shown = showAll ? list : list.slice(0, COLLAPSED);
      ul.replaceChildren(...shown.map(card));
      if (!list.length) {
        const filteredOut = items.length !== state.items.length;
        ul.append(el("li", { class: "col-empty" }, filteredOut ? t("board.empty_filtered") : t("board.empty")));
      }
      more.hidden = !collapsible || list.length <= COLLAPSED;
      more.setAttribute("aria-expanded", String(state.expanded.has(status)));
      more.textContent = state.expanded.has(status) ? t("board.show_fewer") : t("board.show_all", { n: list.length });
    }
    if (focused) $(`.board-card[data-id="${focused}"] ${focusedClass}`)?.focus();
  }

  function renderFilters() {
    const zoneSelect = $("#board-filter-zone");
    const ownerSelect = $("#board-filter-owner");
    const zoneValue = zoneSelect.value;
    const ownerValue = ownerSelect.value;
    const used = new Set(state.items.map((i) => i.zone));
    fill(zoneSelect, el("option", { value: "" }, t("board.filter.all_zones")),
      ...[...state.zones].filter(([id]) => used.has(id)).map(([id, name]) => el("option", { value: id }, name)),
      used.has(null) ? el("option", { value: "-" }, t("board.none.zone")) : null);
    const owners = [...new Set(state.items.map((i) => i.owner).filter(Boolean))].sort((a, b) => a.localeCompare(b, shared.LOCALE));
    fill(ownerSelect, el("option", { value: "" }, t("board.filter.all_owners")),
      ...owners.map((o) => el("option", { value: o }, o)),
      state.items.some((i) => !i.owner) ? el("option", { value: "-" }, t("board.none.owner")) : null);
    zoneSelect.value = [...zoneSelect.options].some((o) => o.value === zoneValue) ? zoneValue : "";
    ownerSelect.value = [...ownerSelect.options].some((o) => o.value === ownerValue) ? ownerValue : "";
    $("#owner-list").replaceChildren(...owners.map((o) => el("option", { value: o })));
  }

  // ---------------------------------------------------------------- loading

  /** The board's items (every page), unless unchanged since the ETag last read: true if they changed. */
  async function loadItems(ctx) {
    const headers = state.etag ? { "If-None-Match": state.etag } : {};
    let res;
    try {
      res = await ctx.api("/board/items?limit=500", { raw: true, headers });
    } catch (err) {
      if (err instanceof shared.HttpError && err.status === 304) return false;
      throw err;
    }
    const first = await res.json();
    const items = [...first.items];
    while (items.length < first.total) {
      const page = await ctx.api(`/board/items?limit=500&offset=${items.length}`);
      if (!page.items.length) break;
      items.push(...page.items);
    }
    if (!ctx.current()) return false;
    state.loaded = true;
    state.etag = items.length < first.total || first.total > first.items.length ? null : res.headers.get("ETag");
    state.items = items;
    return true;
  }

  /** The follow-up of the done items, in the background: the analysis may take a while after a change. */
  async function loadFollowUps(ctx) {
    const done = state.items.filter((i) => i.follow_up_url);
    const key = done.map((i) => `${i.id}:${i.zone}:${i.done_on}`).join(",");
    if (!done.length) {
      state.followUpState = "ready";
      state.followUps = new Map();
      state.followUpKey = key;
      return;
    }
    if (key === state.followUpKey && state.followUpState !== "failed") return;
    if (!(ctx.login.areas || []).includes("evidence")) {
      state.followUpState = "failed";
      return;
    }
    state.followUpKey = key;
    state.followUpState = "loading";
    try {
      const answer = await ctx.api("/evidence/follow-up");
      if (!ctx.current() || state.followUpKey !== key) return;
      state.followUps = new Map(answer.follow_ups.map((f) => [f.item_id, f]));
      state.followUpEnd = answer.period?.end || null;
      state.followUpState = "ready";
    } catch (err) {
      if (err instanceof shared.AuthError || !ctx.current()) return;
      state.followUpState = "failed";
      state.followUpKey = "";
    }
    renderBoard();
    refreshOpenDetails();
  }

  // The names of the catalogue's actions (GET /actions), kept for the session: the catalogue changes only with
  // the server's configuration, so a page load shows the names at once.
  const ACTIONS_KEY = `officewell.board.actions.${shared.LANG}`;

  function cachedActions() {
    try {
      const kept = JSON.parse(sessionStorage.getItem(ACTIONS_KEY) || "[]");
      return new Map(Array.isArray(kept) ? kept : []);
    } catch (_) {
      return new Map();
    }
  }

  /** The catalogue's actions (names in the page's language, and the quantity each moves), once a page load. */
  async function loadActions(ctx) {
    if (state.actionsState === "loading" || state.actionsState === "ready") return;
    state.actionsState = "loading";
    try {
      const answer = await ctx.api("/actions");
      const fresh = new Map();
      for (const row of answer) {
        const name = shared.LANG === "sv" ? row.name_sv : row.name;
        fresh.set(row.key, { name: name || row.name || row.key, quantity: row.quantity });
      }
      if (!ctx.current()) return;
      state.actions = fresh;
      state.actionsState = "ready";
      sessionStorage.setItem(ACTIONS_KEY, JSON.stringify([...state.actions]));
    } catch (err) {
      // Until the next refresh asks again, the keys stand in for the names and the form offers the items' own.
      state.actionsState = "failed";
      if (err instanceof shared.AuthError) return;
    }
    if (!ctx.current()) return;
    renderBoard();
    refreshOpenDetails();
    if ($("#form-dialog").open) prepareFormOptions(form.loaded);
  }

  function sinceParam() {
    if (!state.since) return "";
    const [y, m, d] = state.since.split("-").map(Number);
    return `?since=${encodeURIComponent(new Date(y, m - 1, d).toISOString())}`;
  }

  async function loadMeeting(ctx) {
    const meeting = await ctx.api(`/board/meeting${sinceParam()}`);
    if (!ctx.current()) return;
    state.meeting = meeting;
    renderMeeting();
  }

  async function load(ctx) {
    if (!state.wired) {
      state.wired = true;
      setUp();
    }
    if (ctx !== state.ctx) { // a new login: its role decides what may be edited
      state.ctx = ctx;
      Object.assign(state, {
        etag: null, items: [], loaded: false, meeting: null, followUps: null, followUpState: "idle", followUpKey: "",
        actionsState: "idle",
      });
      state.actions = cachedActions();
      for (const status of STATUSES) {
        fill($(`#col-${status}-list`), el("li", { class: "placeholder" }, t("common.loading")));
        $(`#col-${status}-more`).hidden = true;
      }
      state.editor = (ctx.login.areas || []).includes("board_edit");
      state.today = ctx.site?.today || new Date().toISOString().slice(0, 10);
      state.timeZone = shared.resolveTimeZone(ctx.site?.timezone);
      $("#board-new").hidden = !state.editor;
      $("#board-readonly").hidden = state.editor;
      const [zones, quantities] = await Promise.all([
        ctx.api("/zones").catch(() => []),
        ctx.api("/quantities").catch(() => []),
      ]);
      for (const z of zones) state.zones.set(z.id, z.name || z.id);
      for (const q of quantities) state.quantities.set(q.key, { label: q.label, unit: q.unit, decimals: q.decimals });
    }
    if (state.actionsState === "idle" || state.actionsState === "failed") loadActions(ctx);
    const changed = await loadItems(ctx);
    if (!ctx.current()) return;
    if (changed) {
      renderFilters();
      renderBoard();
      refreshOpenDetails();
      loadFollowUps(ctx);
    }
    if (changed || !$("#view-meeting").hidden || !state.meeting) await loadMeeting(ctx);
    $("#board-updated").textContent = t("common.updated", {
      time: new Intl.DateTimeFormat(shared.LOCALE, { timeStyle: "short" }).format(new Date()),
    });
  }

  /** Read the board again now (after an edit): items, meeting and what depends on them. */
  async function reload() {
    const ctx = state.ctx;
    if (!ctx || !ctx.current()) return;
    try {
      await load(ctx);
    } catch (err) {
      if (!(err instanceof shared.AuthError)) shared.banner(t("board.error.reload", { detail: err.message }));
    }
  }

  // ---------------------------------------------------------------- the weekly meeting

  function meetingTable(items, { caption, withChanges = false, overdue = false }) {
    const head = [t("board.field.title"), FIELD_LABEL.status, FIELD_LABEL.zone, FIELD_LABEL.owner,
      overdue ? t("board.meeting.overdue_by") : FIELD_LABEL.due_date];
    if (withChanges) head.push(t("board.meeting.changes"));
    const rows = items.map((entry) => {
      const item = withChanges ? entry.item : entry;
      const open = el("button", { type: "button", class: "link-button", "aria-haspopup": "dialog", "data-opens": `meeting-${item.id}` }, item.title);
      open.addEventListener("click", () => openDetails(item.id, open));
      const due = overdue
        ? el("span", {}, `${fmt.date(item.due_date)} – `, el("strong", {}, overdueText(item) || ""))
        : (item.due_date ? fmt.date(item.due_date) : t("board.none.date"));
      const cells = [
        el("th", { scope: "row" }, open),
        el("td", {}, STATUS_LABEL[item.status] || item.status),
        el("td", {}, zoneName(item.zone) || t("board.none.zone")),
        el("td", {}, item.owner || t("board.none.owner")),
        el("td", {}, due),
      ];
      if (withChanges) cells.push(el("td", {}, changeList(entry.changes, true)));
      return el("tr", {}, ...cells);
    });
    return el("div", { class: "table-wrap" }, el("table", { class: "data-table meeting-table" },
      el("caption", { class: "sr-only" }, caption),
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...rows)));
  }

  function renderMeeting() {
    const m = state.meeting;
    if (!m) return;
    const since = fmt.dateTime(m.since, state.timeZone);
    const sinceDay = new Intl.DateTimeFormat("en-CA", { timeZone: state.timeZone }).format(new Date(m.since));
    if (!state.since) $("#meeting-since").value = sinceDay;
    $("#meeting-since").max = state.today;
    $("#meeting-summary").textContent = t("board.meeting.summary", {
      new: m.new.length, changed: m.changed.length, overdue: m.overdue.length, since,
    });
    $("#meeting-new-title").textContent = t("board.meeting.new", { since: fmt.date(sinceDay) });
    $("#meeting-changed-title").textContent = t("board.meeting.changed", { since: fmt.date(sinceDay) });
    $("#meeting-new").replaceChildren(m.new.length
      ? meetingTable(m.new, { caption: t("board.meeting.new", { since: fmt.date(sinceDay) }) })
      : el("p", { class: "muted" }, t("board.meeting.none_new")));
    $("#meeting-changed").replaceChildren(m.changed.length
      ? meetingTable(m.changed, { caption: t("board.meeting.changed", { since: fmt.date(sinceDay) }), withChanges: true })
      : el("p", { class: "muted" }, t("board.meeting.none_changed")));
    $("#meeting-overdue").replaceChildren(m.overdue.length
      ? meetingTable(m.overdue, { caption: t("board.meeting.overdue"), overdue: true })
      : el("p", { class: "muted" }, t("board.meeting.none_overdue")));
    const count = m.new.length + m.changed.length + m.overdue.length;
    $("#tab-meeting-count").textContent = count ? String(count) : "";
    $("#tab-meeting-count").hidden = !count;
  }

  // ---------------------------------------------------------------- history

  /** One change in words: "Status: New → In progress", or the creation with the status it started in. */
  function changeText(change) {
    if (change.kind === "created") {
      const status = change.initial?.status;
      return status ? t("board.history.created_as", { status: STATUS_LABEL[status] || status }) : t("board.history.created");
    }
    const field = FIELD_LABEL[change.field] || change.field;
    if (change.field === "description") return t("board.history.description");
    return t("board.history.changed", {
      field, old: historyValue(change.field, change.old), new: historyValue(change.field, change.new),
    });
  }

  function changeList(changes, compact = false) {
    return el("ol", { class: compact ? "history history-compact" : "history" }, ...changes.map((c) =>
      el("li", {},
        el("span", { class: "history-what" }, changeText(c)),
        el("span", { class: "history-who" },
          t("board.history.by", { who: c.actor }), " · ",
          el("time", { datetime: c.at }, fmt.dateTime(c.at, state.timeZone))))));
  }

  // ---------------------------------------------------------------- details

  let detailsId = null;

  function detailFacts(item) {
    const overdue = overdueText(item);
    return el("dl", { class: "detail-facts" },
      fact(FIELD_LABEL.status, STATUS_LABEL[item.status] || item.status),
      fact(FIELD_LABEL.zone, zoneName(item.zone) || t("board.none.zone")),
      fact(FIELD_LABEL.owner, item.owner || t("board.none.owner")),
      item.status === "done" && !item.due_date ? null
        : fact(FIELD_LABEL.due_date, item.due_date ? fmt.date(item.due_date) : t("board.none.date"),
          overdue ? el("span", { class: "badge badge-act overdue" },
            el("span", { class: "sym", "aria-hidden": "true" }, "▲ "), overdue) : null),
      item.status === "done" ? fact(FIELD_LABEL.done_on, item.done_on ? fmt.date(item.done_on) : t("board.none.date")) : null,
      fact(FIELD_LABEL.action, actionName(item.action) || t("board.none.action")),
      fact(FIELD_LABEL.quantity, quantityName(item.quantity) || t("board.none.quantity")),
      fact(t("board.created"), fmt.dateTime(item.created_at, state.timeZone)),
    );
  }

  /**
   * Where focus goes back when a dialog closes: the button that opened it, or — the board was drawn again
   * while the dialog was open — the button drawn in its place (same data-opens), wherever the item is now.
   */
  function returnTarget(dialog) {
    const back = dialog.returnFocusTo;
    if (!back || back.isConnected) return back;
    const key = back.dataset?.opens;
    return key ? document.querySelector(`[data-opens="${key}"]`) : null;
  }

  async function openDetails(id, opener) {
    const dialog = $("#item-dialog");
    detailsId = id;
    dialog.returnFocusTo = opener;
    const item = state.items.find((i) => i.id === id) || (state.meeting && findInMeeting(id));
    $("#item-dialog-title").textContent = item ? item.title : t("common.loading");
    $("#item-dialog-body").replaceChildren(el("p", { class: "placeholder" }, t("common.loading")));
    $("#item-dialog-edit").hidden = !state.editor;
    if (!dialog.open) dialog.showModal();
    await fillDetails(id);
  }

  function findInMeeting(id) {
    const m = state.meeting;
    return m.new.find((i) => i.id === id) || m.overdue.find((i) => i.id === id)
      || m.changed.find((c) => c.item.id === id)?.item;
  }

  async function fillDetails(id) {
    const ctx = state.ctx;
    let item;
    let history;
    try {
      [item, history] = await Promise.all([ctx.api(`/board/items/${id}`), ctx.api(`/board/items/${id}/history`)]);
    } catch (err) {
      if (err instanceof shared.AuthError || detailsId !== id) return;
      const text = err.status === 404 ? t("board.error.gone") : t("board.error.item", { detail: err.message });
      $("#item-dialog-body").replaceChildren(el("p", { class: "form-error", role: "alert" }, text));
      return;
    }
    if (detailsId !== id || !$("#item-dialog").open) return;
    $("#item-dialog-title").textContent = item.title;
    const body = $("#item-dialog-body");
    fill(body,
      detailFacts(item),
      el("section", { class: "detail-section", "aria-labelledby": "detail-description-title" },
        el("h3", { id: "detail-description-title" }, FIELD_LABEL.description),
        el("p", { class: item.description ? "detail-description" : "muted" }, item.description || t("board.none.description"))),
      item.status === "done" ? fullEffect(item) : null,
      el("section", { class: "detail-section", "aria-labelledby": "detail-history-title" },
        el("h3", { id: "detail-history-title" }, t("board.history.title")),
        changeList(history.changes)),
    );
  }

  function refreshOpenDetails() {
    if (detailsId != null && $("#item-dialog").open) fillDetails(detailsId);
  }

  // ---------------------------------------------------------------- the form: propose and edit

  const form = {
    id: null, // the item edited, null: a new proposal
    etag: null,
    loaded: null, // the item as read when the form opened
  };
  const FORM_FIELDS = ["title", "description", "zone", "quantity", "status", "owner", "due_date", "done_on", "action"];

  function fillSelect(select, options, empty) {
    const value = select.value;
    select.replaceChildren(el("option", { value: "" }, empty), ...options.map(([v, label]) => el("option", { value: v }, label)));
    select.value = value;
  }

  function prepareFormOptions(item) {
    const zones = [...state.zones];
    if (item?.zone && !state.zones.has(item.zone)) zones.push([item.zone, item.zone]);
    fillSelect($("#f-zone"), zones, t("board.none.zone"));
    const actions = [...state.actions].map(([k, a]) => [k, a.name]).sort((a, b) => a[1].localeCompare(b[1], shared.LOCALE));
    if (item?.action && !state.actions.has(item.action)) actions.push([item.action, item.action]);
    fillSelect($("#f-action"), actions, t("board.none.action"));
    const quantities = [...state.quantities.keys()].map((k) => [k, quantityName(k)]);
    if (item?.quantity && !state.quantities.has(item.quantity)) quantities.push([item.quantity, item.quantity]);
    fillSelect($("#f-quantity"), quantities, t("board.none.quantity"));
    $("#f-done_on").max = state.today;
  }

  function setFormValues(item) {
    prepareFormOptions(item);
    for (const name of FORM_FIELDS) {
      const input = $(`#f-${name}`);
      input.value = item?.[name] ?? (name === "status" ? "proposed" : "");
    }
    showDoneOn();
  }

  function showDoneOn() {
    $("#f-done_on-field").hidden = $("#f-status").value !== "done";
  }

  function clearErrors() {
    for (const name of FORM_FIELDS) {
      const input = $(`#f-${name}`);
      input.removeAttribute("aria-invalid");
      const error = $(`#f-${name}-error`);
      error.hidden = true;
      error.textContent = "";
    }
    $("#form-error").hidden = true;
    $("#form-error").textContent = "";
    $("#form-notice").hidden = true;
    $("#form-notice").textContent = "";
  }

  function fieldError(name, text) {
    const input = $(`#f-${name}`);
    input.setAttribute("aria-invalid", "true");
    const error = $(`#f-${name}-error`);
    error.textContent = text;
    error.hidden = false;
    if (name === "done_on") $("#f-done_on-field").hidden = false;
    return input;
  }

  /** The API's refusal at the field it is about, in the page's words where it is one the form can cause. */
  function showApiError(err) {
    const detail = err.message || "";
    const rules = [
      [/title/i, "title", () => t("board.error.title")],
      [/unknown zone/i, "zone", () => t("board.error.zone")],
      [/done_on .* is in the future/i, "done_on", () => t("board.error.done_future", { today: fmt.date(state.today) })],
      [/done_on .* before/i, "done_on", () => t("board.error.done_early")],
      [/done_on is only for/i, "done_on", () => t("board.error.done_not_done")],
      [/needs the date it was done/i, "done_on", () => t("board.error.done_missing")],
      [/unknown quantity/i, "quantity", () => t("board.error.quantity")],
      [/unknown status/i, "status", () => t("board.error.status")],
      [/action must be/i, "action", () => t("board.error.action")],
      [/due_date/i, "due_date", () => t("board.error.date")],
    ];
    if (err.status === 422) {
      for (const [pattern, name, text] of rules) {
        if (pattern.test(detail)) {
          fieldError(name, text()).focus();
          return;
        }
      }
    }
    const box = $("#form-error");
    box.textContent = err.status === 422
      ? t("board.error.refused", { detail })
      : t("board.error.save", { detail });
    box.hidden = false;
    box.focus();
  }

  async function openForm(id, opener) {
    announce("");
    const dialog = $("#form-dialog");
    dialog.returnFocusTo = opener;
    form.id = id;
    form.etag = null;
    form.loaded = null;
    clearErrors();
    $("#form-dialog-title").textContent = id == null ? t("board.form.new") : t("board.form.edit");
    $("#f-status-field").hidden = false;
    const save = $("#form-save");
    if (id == null) {
      setFormValues(null);
      save.disabled = false;
      if (!dialog.open) dialog.showModal();
      $("#f-title").focus();
      return;
    }
    setFormValues(state.items.find((i) => i.id === id) || null);
    save.disabled = true;
    if (!dialog.open) dialog.showModal();
    $("#f-title").focus();
    await readForEdit(id);
  }

  /** The item as it is now, with its ETag: the version the edit's If-Match names. */
  async function readForEdit(id) {
    const save = $("#form-save");
    save.disabled = true;
    try {
      const res = await state.ctx.api(`/board/items/${id}`, { raw: true });
      const item = await res.json();
      if (form.id !== id) return false;
      form.etag = res.headers.get("ETag");
      form.loaded = item;
      setFormValues(item);
      save.disabled = false;
      return true;
    } catch (err) {
      if (err instanceof shared.AuthError || form.id !== id) return false;
      const box = $("#form-error");
      box.textContent = err.status === 404 ? t("board.error.gone") : t("board.error.item", { detail: err.message });
      box.hidden = false;
      return false;
    }
  }

  function formValues() {
    const value = (name) => $(`#f-${name}`).value;
    const orNull = (name) => (value(name).trim() === "" ? null : value(name).trim());
    return {
      title: value("title").trim(),
      description: value("description"),
      zone: orNull("zone"),
      quantity: orNull("quantity"),
      status: value("status"),
      owner: orNull("owner"),
      due_date: orNull("due_date"),
      action: orNull("action"),
      done_on: value("status") === "done" ? orNull("done_on") : null,
    };
  }

  async function submitForm(event) {
    event.preventDefault();
    clearErrors();
    const values = formValues();
    const save = $("#form-save");
    save.disabled = true;
    save.textContent = t("board.form.saving");
    const ctx = state.ctx;
    try {
      let item;
      if (form.id == null) {
        const body = { ...values };
        if (body.done_on == null) delete body.done_on; // done today, unless a date is given
        item = await ctx.api("/board/items", { method: "POST", body });
        announce(t("board.saved_new", { title: item.title }));
      } else {
        const before = form.loaded || {};
        const body = {};
        for (const [name, value] of Object.entries(values)) {
          if (name === "done_on") continue;
          if ((before[name] ?? null) !== value && !(name === "description" && (before[name] || "") === value)) body[name] = value;
        }
        if (values.status === "done" && values.done_on != null && values.done_on !== before.done_on) body.done_on = values.done_on;
        if (!Object.keys(body).length) {
          $("#form-dialog").close();
          announce(t("board.saved_nothing"));
          return;
        }
        try {
          item = await ctx.api(`/board/items/${form.id}`, {
            method: "PATCH", body, headers: form.etag ? { "If-Match": form.etag } : {},
          });
        } catch (err) {
          if (err instanceof shared.HttpError && (err.status === 412 || err.status === 409)) {
            await readForEdit(form.id);
            const notice = $("#form-notice");
            notice.textContent = t("board.error.stale");
            notice.hidden = false;
            notice.focus();
            reload();
            return;
          }
          throw err;
        }
        announce(t("board.saved_edit", { title: item.title }));
      }
      $("#form-dialog").close();
      await reload();
      if (detailsId === item.id && $("#item-dialog").open) fillDetails(item.id);
    } catch (err) {
      if (err instanceof shared.AuthError) return;
      showApiError(err);
    } finally {
      save.textContent = t("board.form.save");
      if (form.id == null || form.etag) save.disabled = false;
    }
  }

  function announce(text) {
    const box = $("#board-announce");
    box.textContent = text;
    box.hidden = !text;
  }

  // ---------------------------------------------------------------- wiring

  function selectTab(tab, focus = false) {
    for (const other of document.querySelectorAll("#board-tabs [role=tab]")) {
      const on = other === tab;
      other.setAttribute("aria-selected", String(on));
      other.tabIndex = on ? 0 : -1;
      $(`#${other.getAttribute("aria-controls")}`).hidden = !on;
    }
    if (focus) tab.focus();
    if (tab.id === "tab-meeting" && state.ctx) {
      loadMeeting(state.ctx).catch((err) => {
        if (!(err instanceof shared.AuthError)) shared.banner(t("board.error.reload", { detail: err.message }));
      });
    }
  }

  function setUp() {
    $("#board-new").addEventListener("click", (event) => openForm(null, event.currentTarget));
    $("#board-filter-zone").addEventListener("change", renderBoard);
    $("#board-filter-owner").addEventListener("change", renderBoard);
    for (const status of ["done", "rejected"]) {
      $(`#col-${status}-more`).addEventListener("click", () => {
        if (state.expanded.has(status)) state.expanded.delete(status);
        else state.expanded.add(status);
        renderBoard();
        $(`#col-${status}-more`).focus();
      });
    }
    const tabs = [...document.querySelectorAll("#board-tabs [role=tab]")];
    for (const tab of tabs) {
      tab.addEventListener("click", () => selectTab(tab));
      tab.addEventListener("keydown", (event) => {
        const i = tabs.indexOf(tab);
        const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next == null) return;
        event.preventDefault();
        selectTab(tabs[(next + tabs.length) % tabs.length], true);
      });
    }
    $("#meeting-since").addEventListener("change", (event) => {
      state.since = event.target.value || null;
      loadMeeting(state.ctx).catch((err) => {
        if (!(err instanceof shared.AuthError)) shared.banner(t("board.error.reload", { detail: err.message }));
      });
    });
    for (const dialog of [$("#item-dialog"), $("#form-dialog")]) {
      dialog.addEventListener("close", () => {
        if (dialog.id === "item-dialog") detailsId = null;
        if (dialog.id === "form-dialog") form.id = null;
        returnTarget(dialog)?.focus();
      });
      dialog.querySelector(".dialog-close").addEventListener("click", () => dialog.close());
    }
    $("#form-cancel").addEventListener("click", () => $("#form-dialog").close());
    $("#f-status").addEventListener("change", showDoneOn);
    $("#item-form").addEventListener("submit", submitForm);
    $("#item-dialog-edit").addEventListener("click", () => {
      const id = detailsId;
      const opener = $("#item-dialog").returnFocusTo;
      $("#item-dialog").close();
      openForm(id, opener);
    });
  }

  shared.whenReady(() => {
    shared.startPage({
      load,
      refreshS: REFRESH_S,
      onEnd: () => {
        for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
      },
    });
  });
})();
