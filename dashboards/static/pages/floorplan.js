/* officewell · the floor plan of the facilities page (/facilities).
 *
 * GET /api/v1/site/plan gives the plan's size and every zone's rectangle in plan units (stored by an admin,
 * from the site file, or placed automatically); it is drawn as SVG (viewBox 0 0 width height), each zone a link
 * to its page (/zone?zone=ID) coloured by its worst current band, with its name and the band's symbol.
 * An admin (areas include "admin") may edit it: drag a zone to move it, drag its corner to resize it, arrow
 * keys move the focused zone (Shift + arrow resizes), a table of x, y, width and height does the same by
 * numbers; Save sends the layout (PUT /api/v1/site/plan, which replaces the kept one), Cancel drops the edit.
 * Plain ES2020, one global: window.officewellFloorPlan.mount(...). Text via textContent only.
 */
(() => {
  "use strict";

  const shared = window.officewellSession;
  const { $, el, svg, t, fmt } = shared;
  // Sizes on screen, in CSS pixels; converted to plan units by the drawing's scale.
  const NAME_PX = 13;
  const BAND_PX = 12;
  const PAD_PX = 7;
  const HANDLE_PX = 14;
  const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const FIELDS = ["x", "y", "w", "h"];

  const round = (value, step) => {
    const digits = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step)));
    return Number(value.toFixed(digits));
  };
  const clamp = (value, low, high) => Math.min(Math.max(value, low), Math.max(low, high));
  /** A plan coordinate as written on the page: whole units, or tenths when it has them. */
  const num = (value) => fmt.number(value, Number.isInteger(value) ? 0 : 1);

  function fieldLabel(field) {
    if (field === "x") return t("facilities.plan.col.x");
    if (field === "y") return t("facilities.plan.col.y");
    if (field === "w") return t("facilities.plan.col.w");
    return t("facilities.plan.col.h");
  }

  function sourceLabel(source) {
    if (source === "stored") return t("facilities.plan.source.stored");
    if (source === "site") return t("facilities.plan.source.site");
    if (source === "auto") return t("facilities.plan.source.auto");
    return source || "–";
  }

  /** The plan in the page's plan panel, with its editor (wired once). */
  function create() {
    // What the current session gives (mount): its API, whether it may edit, the zones' states, whether it still runs.
    let api = null;
    let canEdit = false;
    let stateOf = () => ({ key: "stale", symbol: "?", label: "" });
    let current = () => false;
    let timeZone; // the site's, for when the plan was last changed
    const holder = $("#plan");
    const editButton = $("#plan-edit");
    const editor = $("#plan-editor");
    const errors = $("#plan-errors");
    const status = $("#plan-status");
    const announce = $("#plan-announce");
    let plan = null; // the plan as the API answered it
    let planTag = null; // its ETag
    let draft = null; // while editing: a copy of the zones, changed by drags, keys and the table
    let draftTag = null; // the ETag of the plan the edit began from: the save's If-Match (412 if saved over since)
    let drag = null;
    let saving = false;
    let painted = ""; // the zones' states when last drawn
    const root = svg("svg", {
      id: "plan-svg", class: "plan-svg", role: "group", "aria-labelledby": "plan-title", "aria-describedby": "plan-hint",
      preserveAspectRatio: "xMidYMid meet",
    });

    const zones = () => draft || plan?.zones || [];
    const step = () => shared.niceStep(Math.max(plan.width, plan.height), 100);
    /** Plan units per CSS pixel of the drawing as shown. */
    function unitsPerPx() {
      const box = root.getBoundingClientRect();
      if (!box.width || !box.height) return Math.max(plan.width, plan.height) / 900;
      return Math.max(plan.width / box.width, plan.height / box.height);
    }

    // ---------------------------------------------------------------- drawing

    function render() {
      if (!plan) return;
      root.setAttribute("viewBox", `0 0 ${plan.width} ${plan.height}`);
      root.classList.toggle("is-editing", Boolean(draft));
      const focused = root.contains(document.activeElement) ? document.activeElement.closest(".plan-zone")?.dataset.zone : null;
      root.replaceChildren(svg("rect", {
        class: "plan-floor", x: 0, y: 0, width: plan.width, height: plan.height, "aria-hidden": "true",
      }));
      // Reading (and tab) order: top to bottom, then left to right.
      const ordered = [...zones()].sort((a, b) => a.y - b.y || a.x - b.x);
      for (const zone of ordered) root.append(draft ? editShape(zone) : linkShape(zone));
      for (const zone of ordered) layout(zone);
      if (focused) targetOf(focused)?.focus();
    }

    // A zone is a group: the target (a link to the zone's page, or while editing a focusable handle to move)
    // holding its rectangle and named for screen readers, then the drawn words beside it, hidden from them
    // (the target's name says the same; words cut to fit would not match it).
    function zoneShape(zone) {
      return svg("g", { class: "plan-zone", "data-zone": zone.zone, "data-source": zone.source || "" });
    }

    function linkShape(zone) {
      const node = zoneShape(zone);
      const target = svg("a", { class: "plan-target", href: `/zone?zone=${encodeURIComponent(zone.zone)}` });
      target.append(svg("title"), svg("rect", { class: "plan-rect" }));
      node.append(target, svg("text", { class: "plan-name", "aria-hidden": "true" }),
        svg("text", { class: "plan-band", "aria-hidden": "true" }));
      return node;
    }

    function editShape(zone) {
      const node = zoneShape(zone);
      const target = svg("g", {
        class: "plan-target", tabindex: 0, role: "button",
        "aria-describedby": "plan-edit-help", "aria-roledescription": t("facilities.plan.movable"),
      });
      target.append(svg("title"), svg("rect", { class: "plan-rect" }));
      node.append(target, svg("text", { class: "plan-name", "aria-hidden": "true" }),
        svg("text", { class: "plan-band", "aria-hidden": "true" }), svg("rect", { class: "plan-handle", "aria-hidden": "true" }));
      node.addEventListener("pointerdown", (event) => startDrag(event, zone.zone));
      target.addEventListener("keydown", (event) => onKey(event, zone.zone));
      return node;
    }

    function shapeOf(zoneId) {
      return root.querySelector(`.plan-zone[data-zone="${CSS.escape(zoneId)}"]`);
    }

    function targetOf(zoneId) {
      return shapeOf(zoneId)?.querySelector(".plan-target");
    }

    /** Place a zone's rectangle, name, band and handle; name it for screen readers; colour it by its state. */
    function layout(zone) {
      const node = shapeOf(zone.zone);
      if (!node) return;
      const state = stateOf(zone.zone);
      const u = unitsPerPx();
      const name = zone.name || zone.zone;
      for (const cls of [...node.classList]) if (cls.startsWith("state-")) node.classList.remove(cls);
      node.classList.add(`state-${state.key}`);
      node.dataset.state = state.key;
      const target = $(".plan-target", node);
      const rect = $(".plan-rect", node);
      for (const [attr, field] of [["x", "x"], ["y", "y"], ["width", "w"], ["height", "h"]]) rect.setAttribute(attr, zone[field]);
      const label = draft
        ? t("facilities.plan.edit_label", {
          zone: name, x: num(zone.x), y: num(zone.y), w: num(zone.w), h: num(zone.h),
        })
        : t("facilities.plan.zone_label", { zone: name, state: state.label });
      target.setAttribute("aria-label", label);
      $("title", target).textContent = draft ? label : t("facilities.plan.zone_title", { zone: name, state: state.label });

      const pad = PAD_PX * u;
      const nameText = $(".plan-name", node);
      const bandText = $(".plan-band", node);
      const wide = zone.w / u >= 48 && zone.h / u >= 40;
      nameText.style.fontSize = `${NAME_PX * u}px`;
      bandText.style.fontSize = `${BAND_PX * u}px`;
      if (wide) {
        // The name on as many lines as fit (two where the zone is tall enough), then the band below it.
        const lineHeight = (NAME_PX + 3) * u;
        const maxLines = zone.h / u >= 2 * (NAME_PX + 3) + BAND_PX + 2 * PAD_PX + 6 ? 2 : 1;
        const top = zone.y + pad + NAME_PX * u * 0.85;
        nameText.setAttribute("x", zone.x + pad);
        nameText.setAttribute("y", top);
        const lines = wrapText(nameText, name, zone.w - 2 * pad, maxLines, zone.x + pad, lineHeight);
        bandText.setAttribute("x", zone.x + pad);
        bandText.setAttribute("y", top + (lines - 1) * lineHeight + (BAND_PX + 6) * u);
        bandText.setAttribute("text-anchor", "start");
        fitText(bandText, `${state.symbol} ${state.short || state.label}`, zone.w - 2 * pad, state.symbol);
      } else {
        // Too small for words on screen: the symbol in the middle; the name is in the title and the link's name.
        nameText.textContent = "";
        bandText.setAttribute("x", zone.x + zone.w / 2);
        bandText.setAttribute("y", zone.y + zone.h / 2 + BAND_PX * u * 0.35);
        bandText.setAttribute("text-anchor", "middle");
        bandText.textContent = state.symbol;
      }
      const handle = $(".plan-handle", node);
      if (handle) {
        const size = HANDLE_PX * u;
        handle.setAttribute("x", zone.x + zone.w - size);
        handle.setAttribute("y", zone.y + zone.h - size);
        handle.setAttribute("width", size);
        handle.setAttribute("height", size);
      }
    }

    /**
     * Write `text` into an SVG text node on at most `maxLines` lines (tspans at `x`, `lineHeight` apart), broken
     * between words, each at most `width` plan units (cut with "…" if need be). Answers the lines used.
     */
    function wrapText(node, text, width, maxLines, x, lineHeight) {
      node.replaceChildren();
      const words = text.split(/\s+/).filter(Boolean);
      let count = 1;
      let line = svg("tspan", { x, dy: 0 });
      node.append(line);
      for (const word of words) {
        const before = line.textContent;
        line.textContent = before ? `${before} ${word}` : word;
        if (!before || count >= maxLines || line.getComputedTextLength() <= width) continue;
        line.textContent = before;
        line = svg("tspan", { x, dy: lineHeight }, word);
        node.append(line);
        count += 1;
      }
      for (const part of node.children) {
        const whole = part.textContent;
        let cut = whole.length;
        while (cut > 1 && part.getComputedTextLength() > width) {
          cut -= 1;
          part.textContent = `${whole.slice(0, cut).trimEnd()}…`;
        }
      }
      return count;
    }

    /** Write `text` into an SVG text node, cut with "…" to `width` plan units (else `fallback`). */
    function fitText(node, text, width, fallback) {
      node.textContent = text;
      if (node.getComputedTextLength() <= width) return;
      if (fallback != null) {
        node.textContent = fallback;
        return;
      }
      let cut = text.length;
      while (cut > 1 && node.getComputedTextLength() > width) {
        cut -= 1;
        node.textContent = `${text.slice(0, cut).trimEnd()}…`;
      }
    }

    /** Colour the zones again by their current state (after each /latest). */
    function paint() {
      if (!plan || drag) return;
      const states = zones().map((z) => `${z.zone}:${stateOf(z.zone).label}`).join(",");
      if (states === painted) return;
      painted = states;
      for (const zone of zones()) layout(zone);
    }

    function renderNotes() {
      const notes = [];
      const auto = (plan?.zones || []).filter((z) => z.source === "auto").length;
      if (auto) notes.push(canEdit ? t("facilities.plan.note_auto_admin", { n: auto }) : t("facilities.plan.note_auto", { n: auto }));
      if (plan?.updated_at) {
        notes.push(plan.updated_by
          ? t("facilities.plan.updated_by", { when: fmt.dateTime(plan.updated_at, timeZone), who: plan.updated_by })
          : t("facilities.plan.updated", { when: fmt.dateTime(plan.updated_at, timeZone) }));
      }
      $("#plan-notes").replaceChildren(...notes.map((text) => el("li", {}, text)));
    }

    // ---------------------------------------------------------------- loading

    /** The plan and its ETag, from a GET or a save's answer. */
    async function planOf(request) {
      const res = await request;
      return { answer: await res.json(), tag: res.headers.get("ETag") };
    }

    async function load() {
      const live = current; // this session's: a late answer after a new login is dropped
      try {
        const { answer, tag } = await planOf(api("/site/plan", { raw: true }));
        if (!live()) return;
        planTag = tag;
        show(answer);
      } catch (err) {
        if (err instanceof shared.AuthError || !live()) return;
        holder.replaceChildren(el("p", { class: "placeholder" }, t("facilities.plan.load_failed", { detail: err.message })));
        editButton.hidden = true;
      }
    }

    function show(answer) {
      plan = answer;
      if (!plan.zones?.length) {
        holder.replaceChildren(el("p", { class: "placeholder" }, t("facilities.plan.empty")));
        editButton.hidden = true;
        return;
      }
      if (!holder.contains(root)) holder.replaceChildren(root);
      editButton.hidden = !canEdit || Boolean(draft);
      render();
      renderNotes();
    }

    // ---------------------------------------------------------------- editing

    function startEdit() {
      if (!plan) return;
      draft = plan.zones.map((z) => ({ ...z }));
      draftTag = planTag;
      editButton.hidden = true;
      editor.hidden = false;
      status.textContent = "";
      showErrors([]);
      render();
      buildTable();
      root.querySelector(".plan-target")?.focus();
    }

    function stopEdit(message) {
      draft = null;
      drag = null;
      editor.hidden = true;
      editButton.hidden = !canEdit;
      render();
      status.textContent = message || "";
      editButton.focus();
    }

    function zoneOf(zoneId) {
      return draft.find((z) => z.zone === zoneId);
    }

    /** Move or resize a zone by whole steps, inside the plan. */
    function nudge(zone, dx, dy, resize) {
      const s = step();
      if (resize) {
        zone.w = round(clamp(zone.w + dx * s, s, plan.width - zone.x), s);
        zone.h = round(clamp(zone.h + dy * s, s, plan.height - zone.y), s);
      } else {
        zone.x = round(clamp(zone.x + dx * s, 0, plan.width - zone.w), s);
        zone.y = round(clamp(zone.y + dy * s, 0, plan.height - zone.h), s);
      }
    }

    function onKey(event, zoneId) {
      const zone = zoneOf(zoneId);
      if (!zone) return;
      if (event.key === "Enter") {
        event.preventDefault();
        document.getElementById(`plan-x-${zoneId}`)?.focus();
        return;
      }
      const arrow = ARROWS[event.key];
      if (!arrow) return;
      event.preventDefault();
      nudge(zone, arrow[0], arrow[1], event.shiftKey);
      changed(zone);
    }

    function toPlan(event) {
      const point = root.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      return point.matrixTransform(root.getScreenCTM().inverse());
    }

    function startDrag(event, zoneId) {
      if (event.button !== 0 || !draft) return;
      const zone = zoneOf(zoneId);
      const node = event.currentTarget;
      event.preventDefault();
      $(".plan-target", node).focus();
      node.setPointerCapture(event.pointerId);
      const resize = event.target.classList.contains("plan-handle");
      drag = { zone, from: toPlan(event), start: { ...zone }, resize };
      node.classList.add("is-dragging");
      const move = (e) => {
        if (!drag) return;
        const at = toPlan(e);
        const s = step();
        const dx = at.x - drag.from.x;
        const dy = at.y - drag.from.y;
        if (drag.resize) {
          zone.w = round(clamp(Math.round((drag.start.w + dx) / s) * s, s, plan.width - zone.x), s);
          zone.h = round(clamp(Math.round((drag.start.h + dy) / s) * s, s, plan.height - zone.y), s);
        } else {
          zone.x = round(clamp(Math.round((drag.start.x + dx) / s) * s, 0, plan.width - zone.w), s);
          zone.y = round(clamp(Math.round((drag.start.y + dy) / s) * s, 0, plan.height - zone.h), s);
        }
        layout(zone);
      };
      const end = () => {
        node.removeEventListener("pointermove", move);
        node.removeEventListener("pointerup", end);
        node.removeEventListener("pointercancel", end);
        node.classList.remove("is-dragging");
        drag = null;
        changed(zone);
      };
      node.addEventListener("pointermove", move);
      node.addEventListener("pointerup", end);
      node.addEventListener("pointercancel", end);
    }

    /** A zone moved or changed size: redraw it, update its row and say where it is now. */
    function changed(zone) {
      layout(zone);
      for (const field of FIELDS) {
        const input = document.getElementById(`plan-${field}-${zone.zone}`);
        if (input && input.valueAsNumber !== zone[field]) input.value = String(zone[field]);
        input?.removeAttribute("aria-invalid");
      }
      recheck();
      announce.textContent = t("facilities.plan.edit_label", {
        zone: zone.name || zone.zone, x: num(zone.x), y: num(zone.y), w: num(zone.w), h: num(zone.h),
      });
    }

    function buildTable() {
      const columns = [
        { key: "name", label: t("facilities.plan.col.zone") },
        ...FIELDS.map((field) => ({
          key: field, label: fieldLabel(field), num: true,
          format: (value, row) => {
            const input = el("input", {
              type: "number", id: `plan-${field}-${row.zone}`, class: "plan-input", step: "any", min: 0,
              max: field === "x" || field === "w" ? plan.width : plan.height, inputmode: "decimal",
              "aria-label": t("facilities.plan.input_label", { field: fieldLabel(field), zone: row.name || row.zone }),
            });
            input.value = String(value);
            input.addEventListener("input", () => {
              const zone = zoneOf(row.zone);
              const number = input.valueAsNumber;
              if (!Number.isFinite(number)) return;
              zone[field] = number;
              input.removeAttribute("aria-invalid");
              layout(zone);
              recheck();
            });
            return input;
          },
        })),
        { key: "source", label: t("facilities.plan.col.source"), format: (value) => sourceLabel(value) },
      ];
      const rows = [...draft].sort((a, b) => (a.name || a.zone).localeCompare(b.name || b.zone, shared.LOCALE, { numeric: true }));
      const table = shared.table(columns, rows.map((z) => ({ ...z, name: z.name || z.zone })), { caption: t("facilities.plan.table_caption") });
      // The table may scroll sideways on a narrow screen: the keyboard can reach it.
      shared.setAttrs(table, { tabindex: 0, role: "region", "aria-label": t("facilities.plan.table_caption") });
      $("#plan-table").replaceChildren(
        table,
        el("p", { class: "hint" }, t("facilities.plan.units", { width: fmt.number(plan.width), height: fmt.number(plan.height) })),
      );
    }

    /** What is wrong with the draft, as sentences; the inputs at fault are marked. */
    function problems() {
      const found = [];
      for (const input of document.querySelectorAll("#plan-table .plan-input")) input.removeAttribute("aria-invalid");
      for (const zone of draft) {
        const name = zone.name || zone.zone;
        const bad = [];
        for (const field of FIELDS) {
          const input = document.getElementById(`plan-${field}-${zone.zone}`);
          const number = input ? input.valueAsNumber : zone[field];
          if (!Number.isFinite(number)) {
            bad.push(field);
            found.push({ zone: zone.zone, field, text: t("facilities.plan.error.number", { zone: name, field: fieldLabel(field) }) });
          }
        }
        if (!bad.length) {
          if (zone.w <= 0 || zone.h <= 0) {
            bad.push(zone.w <= 0 ? "w" : "h");
            found.push({ zone: zone.zone, field: bad[0], text: t("facilities.plan.error.size", { zone: name }) });
          } else if (zone.x < 0 || zone.y < 0 || zone.x + zone.w > plan.width || zone.y + zone.h > plan.height) {
            // The field to correct: a negative corner, else the size that reaches beyond the plan.
            let field = "h";
            if (zone.x < 0) field = "x";
            else if (zone.y < 0) field = "y";
            else if (zone.x + zone.w > plan.width) field = "w";
            bad.push(field);
            found.push({ zone: zone.zone, field, text: t("facilities.plan.error.outside", {
              zone: name, width: fmt.number(plan.width), height: fmt.number(plan.height),
            }) });
          }
        }
        for (const field of bad) document.getElementById(`plan-${field}-${zone.zone}`)?.setAttribute("aria-invalid", "true");
      }
      return found;
    }

    /** While problems are shown, show what is still wrong as the admin corrects it. */
    function recheck() {
      if (errors.hidden) return;
      const list = problems();
      const shown = [...errors.querySelectorAll("li")].map((li) => li.textContent).join("\n");
      if (shown !== list.map((p) => p.text).join("\n") || !list.length) showErrors(list); // unchanged: not announced again
    }

    function showErrors(list, extra) {
      errors.hidden = !list.length && !extra;
      errors.replaceChildren(
        ...(list.length || extra ? [el("p", {}, t("facilities.plan.not_saved"))] : []),
        ...(list.length ? [el("ul", {}, ...list.map((p) => el("li", {}, p.text)))] : []),
        ...(extra ? [extra] : []),
      );
    }

    async function save() {
      if (!draft || saving) return;
      const found = problems();
      showErrors(found);
      if (found.length) {
        document.getElementById(`plan-${found[0].field}-${found[0].zone}`)?.focus();
        return;
      }
      saving = true;
      const live = current;
      const button = $("#plan-save");
      button.disabled = true;
      $("#plan-cancel").disabled = true; // a save under way is not cancelled: its answer is shown
      button.textContent = t("facilities.plan.saving");
      try {
        // A save replaces the kept layout: zones sent are kept where drawn, the others follow the site file.
        // So a zone the site file places and the admin left alone is not sent (it keeps following the file);
        // every other zone is, so that the plan saved is the plan seen.
        const before = new Map(plan.zones.map((z) => [z.zone, z]));
        const moved = (z) => FIELDS.some((f) => before.get(z.zone)?.[f] !== z[f]);
        const body = {
          zones: draft.filter((z) => z.source !== "site" || moved(z)).map(({ zone, x, y, w, h }) => ({ zone, x, y, w, h })),
        };
        const headers = draftTag ? { "If-Match": draftTag } : {};
        const saved = await planOf(api("/site/plan", { method: "PUT", body, headers, raw: true }));
        if (!live()) return;
        const fresh = Array.isArray(saved.answer?.zones) ? saved : await planOf(api("/site/plan", { raw: true }));
        if (!live()) return;
        plan = fresh.answer;
        planTag = fresh.tag;
        stopEdit(t("facilities.plan.saved"));
        renderNotes();
      } catch (err) {
        if (err instanceof shared.AuthError || !live()) return;
        if (err instanceof shared.HttpError && err.status === 412) {
          await savedOver(live);
          return;
        }
        showErrors([], rejection(err));
      } finally {
        saving = false;
        button.disabled = false;
        $("#plan-cancel").disabled = false;
        button.textContent = t("facilities.plan.save");
      }
    }

    /**
     * Someone saved the plan since this edit began: say who and when, keep the edit, and base it on theirs,
     * so that Save replaces their layout knowingly and Cancel shows it.
     */
    async function savedOver(live) {
      let text;
      try {
        const { answer, tag } = await planOf(api("/site/plan", { raw: true }));
        if (!live() || !draft) return;
        plan = answer;
        planTag = tag;
        draftTag = tag;
        text = answer.updated_by
          ? t("facilities.plan.saved_over", { who: answer.updated_by, when: fmt.dateTime(answer.updated_at, timeZone) })
          : t("facilities.plan.saved_over_reset");
        renderNotes();
      } catch (err) {
        if (err instanceof shared.AuthError || !live()) return;
        text = t("facilities.plan.saved_over_unread"); // the edit stays based on the old plan: Save is refused again
      }
      showErrors([], el("p", {}, text));
    }

    /** The server's refusal in the page's words; its own sentence (English) kept, marked as such, for an admin to act on. */
    function rejection(err) {
      const named = (draft || []).find((z) => new RegExp(`(^|[^\\w-])${z.zone.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^\\w-]|$)`).test(err.message));
      if (named) document.getElementById(`plan-x-${named.zone}`)?.setAttribute("aria-invalid", "true");
      const text = err.status === 422 && named
        ? t("facilities.plan.rejected_zone", { zone: named.name || named.zone })
        : err.status === 422 ? t("facilities.plan.rejected") : t("facilities.plan.save_failed");
      return el("p", {}, `${text} `, el("span", { class: "muted" }, t("facilities.plan.server_said")), " ",
        el("span", { lang: "en" }, err.message));
    }

    editButton.addEventListener("click", startEdit);
    $("#plan-save").addEventListener("click", save);
    $("#plan-cancel").addEventListener("click", () => stopEdit(t("facilities.plan.cancelled")));
    shared.onWidthChange(holder, () => {
      if (plan && !drag) render();
    });

    /** Start again for a new session: nothing drawn, no edit under way. */
    function reset(options) {
      ({ api, canEdit, stateOf, current, timeZone } = options);
      plan = null;
      planTag = null;
      draft = null;
      draftTag = null;
      drag = null;
      painted = "";
      editor.hidden = true;
      editButton.hidden = true;
      status.textContent = "";
      $("#plan-notes").replaceChildren();
      holder.replaceChildren(el("p", { class: "placeholder" }, t("common.loading")));
    }

    return {
      reset,
      load,
      paint,
      get editing() {
        return Boolean(draft);
      },
    };
  }

  let instance = null;

  /**
   * The page's floor plan for a session (after each login): `api` is the page's ctx.api; `canEdit` whether the
   * user is an admin; `stateOf(zoneId)` the zone's current state {key (a CSS class suffix), symbol, label, short (drawn)};
   * `current()` false once the session ended; `timeZone` the site's. The controls are wired once; a new session
   * starts afresh.
   */
  function mount(options) {
    instance = instance || create();
    instance.reset(options);
    return instance;
  }

  window.officewellFloorPlan = { mount };
})();
