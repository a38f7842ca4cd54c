/* officewell · what the facilities page (/facilities) and the goal page (/goals) share.
 *
 * Plain ES2020, no build step: a classic script, loaded before the page's own script, that defines
 * one global, window.officewellSession: DOM helpers, time-zone formatting and the time-zone note,
 * chart helpers, the API errors, and the login / authorised fetch / logout of a page, with the navigation
 * to the pages the role may see (the API's `areas`; each link names its area in data-area). The bearer
 * token lives in sessionStorage under the same keys on both pages, so a tab moving between
 * /facilities and /goals (or reloading) stays logged in. The pages compute no server rule (bands,
 * ISO weeks, targets, who may see what): the API sends them.
 * All data is inserted with textContent / setAttribute, never as HTML.
 */
(() => {
  "use strict";

  const API = "/api/v1";
  const SVG_NS = "http://www.w3.org/2000/svg";

  // ---------------------------------------------------------------- language

  // The page's catalog, as the server rendered it into <script id="messages" type="application/json">
  // (dashboards/i18n): the same words on the server and here. `LANG` is the page's language, `LOCALE`
  // the locale numbers and dates are written in ("sv-SE": 94,1 %, 1 dec. 2026).
  const catalogNode = document.getElementById("messages");
  const MESSAGES = catalogNode ? JSON.parse(catalogNode.textContent || "{}") : {};
  const LANG = document.documentElement.lang || "en";
  const LOCALE = catalogNode?.dataset.locale || (LANG === "sv" ? "sv-SE" : "en-GB");

  /** The message `key` ("common.login.title") with its {placeholders} filled from `params`; the key itself if unknown. */
  function t(key, params = {}) {
    const text = MESSAGES[key];
    if (text == null) return key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  }

  const numberFormats = new Map();
  function numberFormat(options) {
    const key = JSON.stringify(options);
    if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(LOCALE, options));
    return numberFormats.get(key);
  }

  /** Numbers, shares, weeks and dates written the way the page's language writes them. */
  const fmt = {
    /** 1 234,5 — `digits` decimals exactly; "–" for null. */
    number(value, digits = 0) {
      if (value == null || Number.isNaN(value)) return "–";
      return numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
    },
    /** A share 0–1 as 94,1 % (sv) or 94.1% (en). */
    percent(share, digits = 1) {
      if (share == null || Number.isNaN(share)) return "–";
      return numberFormat({ style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(share);
    },
    /** "v. 48" / "week 48"; with `year`, "v. 48 2026". */
    week(week, year) {
      return year == null ? t("common.week", { week }) : t("common.week_year", { week, year });
    },
    /** "T3 2026". */
    tertial(year, tertial) {
      return t("common.tertial", { year, tertial });
    },
    /** A date ("2026-11-30" or a Date) as "30 nov. 2026" / "30 Nov 2026". */
    date(value, options = { day: "numeric", month: "short", year: "numeric" }) {
      if (value == null) return "–";
      const date = typeof value === "string" && value.length === 10 ? new Date(`${value}T12:00:00Z`) : new Date(value);
      const zone = typeof value === "string" && value.length === 10 ? { timeZone: "UTC" } : {};
      return new Intl.DateTimeFormat(LOCALE, { ...options, ...zone }).format(date);
    },
    /** A month ("2026-11" or "2026-11-01") as "nov. 2026" / "Nov 2026". */
    month(value) {
      return fmt.date(`${String(value).slice(0, 7)}-15`, { month: "short", year: "numeric" });
    },
    /** An instant as a date and time in the browser's zone, or `timeZone`. */
    dateTime(value, timeZone) {
      if (value == null) return "–";
      const options = { dateStyle: "medium", timeStyle: "short", ...(timeZone ? { timeZone } : {}) };
      return new Intl.DateTimeFormat(LOCALE, options).format(new Date(value));
    },
  };

  const ROLE_LABELS = {
    facilities: t("common.role.facilities"), hr: t("common.role.hr"),
    manager: t("common.role.manager"), admin: t("common.role.admin"),
  };
  const STORAGE = {
    token: "officewell.token", user: "officewell.username", role: "officewell.role", areas: "officewell.areas",
  };

  // ---------------------------------------------------------------- DOM helpers

  const $ = (sel, root = document) => root.querySelector(sel);

  function setAttrs(node, attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value == null || value === false) continue;
      if (key === "class") node.setAttribute("class", value);
      else if (key === "text") node.textContent = value;
      // Through the CSSOM: the Content-Security-Policy (api/headers.py) refuses style attributes set as markup.
      else if (key === "style") node.style.cssText = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    for (const child of children) {
      if (child == null || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function svg(tag, attrs = {}, text) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    if (text != null) node.textContent = text;
    return node;
  }

  /** Run `init` once the document is parsed. */
  function whenReady(init) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
    else init();
  }

  // ---------------------------------------------------------------- time zone

  const BROWSER_TZ = new Intl.DateTimeFormat().resolvedOptions().timeZone;

  /** Formatting in one time zone (`zone`, else the browser's): `timeZone`, the IANA name used;
   * `format(options)`, an en-GB Intl.DateTimeFormat there; `partsOf(date)`, {year, month (1-12), day,
   * hour, minute} there. */
  function timeIn(zone) {
    const timeZone = resolveTimeZone(zone);
    const format = (options, locale = "en-GB") => new Intl.DateTimeFormat(locale, { timeZone, ...options });
    const parts = format({
      year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23",
    }, "en-US");
    function partsOf(date) {
      const out = {};
      for (const part of parts.formatToParts(date)) {
        if (part.type !== "literal") out[part.type] = Number(part.value);
      }
      out.hour %= 24;
      return out;
    }
    return { timeZone, format, partsOf };
  }

  /** The IANA name to show times in: `zone` (e.g. Europe/Stockholm) if this browser knows it, else the browser's. */
  function resolveTimeZone(zone) {
    if (!zone) return BROWSER_TZ;
    try {
      return new Intl.DateTimeFormat("en-GB", { timeZone: zone }).resolvedOptions().timeZone;
    } catch (_) {
      return BROWSER_TZ; // RangeError: a name this browser does not know
    }
  }

  /** "Europe/Stockholm (CET)": the zone and its current abbreviation. */
  function zoneLabel(timeZone) {
    const zoneName = new Intl.DateTimeFormat(LOCALE, { timeZone, timeZoneName: "short" });
    const short = zoneName.formatToParts(new Date()).find((p) => p.type === "timeZoneName")?.value;
    const name = timeZone || t("common.tz.local");
    return short && short !== name ? `${name} (${short})` : name;
  }

  /** The site's name in the header and the document title ("<page> · <site> · officewell"). */
  function showSite(site, page) {
    const name = site?.name || site?.id || "";
    $("#site-name").textContent = name;
    $("#site-info").hidden = !name;
    document.title = name ? `${page} · ${name} · officewell` : `${page} · officewell`;
  }

  // ---------------------------------------------------------------- tables and Chart.js charts

  /**
   * A table: `columns` [{key, label, num?, format?(value, row)}], `rows` objects; `caption` for screen readers.
   * Cells are text (or a Node a format returns), never HTML.
   */
  function table(columns, rows, { caption, className = "data-table" } = {}) {
    const head = el("tr", {}, ...columns.map((c) => el("th", { scope: "col", class: c.num ? "num" : null }, c.label)));
    const body = rows.map((row) =>
      el("tr", {}, ...columns.map((c, i) => {
        const value = c.format ? c.format(row[c.key], row) : row[c.key];
        const cell = value instanceof Node ? value : String(value ?? "–");
        return el(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, class: c.num ? "num" : null }, cell);
      })),
    );
    return el("div", { class: "table-wrap" },
      el("table", { class: className }, caption ? el("caption", { class: "sr-only" }, caption) : null,
        el("thead", {}, head), el("tbody", {}, ...body)));
  }

  /**
   * Draw a Chart.js chart (dashboards/static/vendor/chartjs) on the canvas `id`, replacing one drawn before:
   * no animation, the page's locale, sized by its box. `data` {columns, rows} also fills the chart's table
   * (`#<id>-table`, from the `chart` macro) so the figures can be read without seeing the chart.
   */
  function chart(id, config, data) {
    const canvas = document.getElementById(id);
    if (!canvas || typeof window.Chart === "undefined") return null;
    window.Chart.getChart(canvas)?.destroy();
    const options = config.options || {};
    const drawn = new window.Chart(canvas, {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, locale: LOCALE, ...options },
    });
    const holder = document.getElementById(`${id}-table`);
    if (holder && data) holder.replaceChildren(table(data.columns, data.rows, { caption: canvas.getAttribute("aria-label") }));
    return drawn;
  }

  // ---------------------------------------------------------------- a page's start

  /**
   * The life of a simple page: the login (shared), the site in the header, then `load(ctx)` — and again
   * every `refreshS` seconds if given. A role that may not enter the page's area (body[data-area]) sees the
   * role message instead. `ctx`: {api, login, site, current()} — `current()` is false once the user
   * logged out or another load began, so a late answer is dropped.
   */
  function startPage({ load, refreshS, onEnd }) {
    const area = document.body.dataset.area;
    const title = document.title.split(" · ")[0];
    const state = { token: null, username: null, role: null, generation: 0 };
    let timer = null;
    const views = ["#app-view", "#footer", "#role-view"];
    const session = create({
      state,
      views,
      onStart: async (login) => {
        state.generation += 1;
        const generation = state.generation;
        Object.assign(state, { token: login.token, username: login.username, role: login.role });
        $("#login-view").hidden = true;
        session.showUser(login.username, login.role);
        const site = await session.api("/site").catch(() => null);
        if (generation !== state.generation) return;
        if (site) showSite(site, title);
        if (!(login.areas || []).includes(area)) {
          $("#role-view").hidden = false;
          return;
        }
        $("#app-view").hidden = false;
        $("#footer").hidden = false;
        const ctx = { api: session.api, login, site, current: () => generation === state.generation };
        const run = async () => {
          try {
            await load(ctx);
          } catch (err) {
            if (err instanceof AuthError || !ctx.current()) return;
            banner(t("common.error.load", { what: title, detail: err.message }));
          }
        };
        await run();
        if (refreshS && ctx.current()) timer = window.setInterval(run, refreshS * 1000);
      },
      onEnd: () => {
        window.clearInterval(timer);
        timer = null;
        if (onEnd) onEnd();
      },
    });
    session.start();
    return session;
  }

  /** Show `message` in the page's warning banner; null hides it. */
  function banner(message) {
    const node = $("#connection-banner");
    if (!node) return;
    node.hidden = !message;
    node.textContent = message || "";
  }

  // ---------------------------------------------------------------- charts

  /** A number rounded to tenths, for SVG coordinates. */
  const round1 = (n) => Math.round(n * 10) / 10;

  /** A 1, 2 or 5 times a power of ten that cuts `span` into about `target` steps. */
  function niceStep(span, target) {
    const raw = span / Math.max(1, target);
    const mag = 10 ** Math.floor(Math.log10(raw));
    const norm = raw / mag;
    const step = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
    return step * mag;
  }

  /**
   * The hover read-out of a chart drawn `width` × `height` (SVG units) in `root`: moving over `hit` calls
   * `read(x)` with the pointer's x in SVG units, which fills `tip` and answers the point {x, y} to mark;
   * `tip` is placed above it (`above` px, at least `margin` px inside the chart), `cursor` shown. Leaving hides both.
   */
  function hoverReadout({ root, hit, tip, cursor, width, height, margin, above, read }) {
    hit.addEventListener("mousemove", (event) => {
      const box = root.getBoundingClientRect();
      const at = read(((event.clientX - box.left) / box.width) * width);
      cursor.setAttribute("visibility", "visible");
      tip.hidden = false;
      tip.style.left = `${Math.min(Math.max((at.x / width) * box.width, margin), box.width - margin)}px`;
      tip.style.top = `${Math.max(0, (at.y / height) * box.height - above)}px`;
    });
    hit.addEventListener("mouseleave", () => {
      cursor.setAttribute("visibility", "hidden");
      tip.hidden = true;
    });
  }

  /** Call `redraw` (debounced) whenever `node`'s width changes: window resizes, panels appearing. */
  function onWidthChange(node, redraw) {
    let timer = null;
    let lastWidth = 0;
    new ResizeObserver((entries) => {
      const width = Math.round(entries[0].contentRect.width);
      if (width === lastWidth) return;
      lastWidth = width;
      window.clearTimeout(timer);
      timer = window.setTimeout(redraw, 120);
    }).observe(node);
  }

  // ---------------------------------------------------------------- API

  class AuthError extends Error {}

  class HttpError extends Error {
    constructor(status, detail) {
      super(detail || `HTTP ${status}`);
      this.status = status;
    }
  }

  async function detailOf(res) {
    try {
      const body = await res.json();
      if (typeof body.detail === "string") return body.detail;
      if (Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join("; ");
    } catch (_) {
      /* not JSON */
    }
    return `${res.status} ${res.statusText}`.trim();
  }

  // ---------------------------------------------------------------- login / logout

  /** Show the links of the navigation (`nav.topnav a[data-area]`) to the pages the role may see, as the
   * API's `areas` say, and hide the others; before a login none shows. */
  function showNav(areas) {
    for (const link of document.querySelectorAll("nav.topnav a[data-area]")) {
      link.hidden = !(areas || []).includes(link.dataset.area);
    }
  }

  /**
   * The login of one page. `state` is the page's state ({token, username, role, generation});
   * `views` the selectors hidden along with the session bar while the login form shows;
   * `onStart({token, username, role, areas})` starts the page (`areas`: what the role may see, as the
   * API says: "environment", "gateway", "goals"); `onEnd()` stops its work at logout;
   * `onForbidden(path)` may handle a 403 of the current session (true: handled, the call fails as AuthError).
   */
  function create({ state, views, onStart, onEnd, onForbidden }) {
    /**
     * Call the API as the logged-in user. GET by default; `method` and a JSON `body` for writes
     * (POST, PUT, PATCH); `raw: true` answers the Response itself (a PDF to download) instead of its JSON;
     * `headers` adds headers (If-Match). A 204 answers null.
     */
    async function api(path, { method = "GET", body, raw = false, headers = {} } = {}) {
      const generation = state.generation;
      const sent = { Authorization: `Bearer ${state.token}`, Accept: raw ? "*/*" : "application/json", ...headers };
      if (body !== undefined) sent["Content-Type"] = "application/json";
      let res;
      try {
        res = await fetch(API + path, {
          method,
          headers: sent,
          body: body === undefined ? undefined : JSON.stringify(body),
          cache: "no-store",
        });
      } catch (_) {
        throw new HttpError(0, t("common.error.unreachable"));
      }
      if (res.status === 401) {
        if (generation === state.generation) sessionExpired();
        throw new AuthError(t("common.error.not_logged_in"));
      }
      if (res.status === 403 && onForbidden && generation === state.generation && onForbidden(path)) {
        throw new AuthError(t("common.error.forbidden"));
      }
      if (!res.ok) throw new HttpError(res.status, await detailOf(res));
      if (raw) return res;
      if (res.status === 204) return null;
      return res.json();
    }

    function showLogin(notice) {
      for (const sel of views) $(sel).hidden = true;
      showNav([]);
      $("#session-bar").hidden = true;
      $("#site-info").hidden = true;
      $("#login-view").hidden = false;
      const box = $("#login-notice");
      box.hidden = !notice;
      box.textContent = notice || "";
      $("#login-error").hidden = true;
      $("#password").value = "";
      const user = $("#username");
      if (!user.value && state.username) user.value = state.username;
      (user.value ? $("#password") : user).focus();
    }

    function showLoginError(message) {
      const box = $("#login-error");
      box.textContent = message;
      box.hidden = false;
    }

    async function onLogin(event) {
      event.preventDefault();
      const username = $("#username").value.trim();
      const password = $("#password").value;
      $("#login-error").hidden = true;
      if (!username || !password) {
        showLoginError(t("common.login.empty"));
        (username ? $("#password") : $("#username")).focus();
        return;
      }
      const button = $("#login-submit");
      button.disabled = true;
      button.textContent = t("common.login.busy");
      try {
        const res = await fetch(`${API}/auth/token`, {
          method: "POST",
          body: new URLSearchParams({ username, password }),
          headers: { Accept: "application/json" },
        });
        if (res.status === 401) {
          showLoginError(t("common.login.rejected", { detail: await detailOf(res) }));
          $("#password").select();
          $("#password").focus();
          return;
        }
        if (!res.ok) {
          showLoginError(t("common.login.failed", { detail: await detailOf(res) }));
          return;
        }
        const body = await res.json();
        $("#password").value = "";
        begin({ token: body.access_token, username: body.username, role: body.role, areas: body.areas });
      } catch (_) {
        showLoginError(t("common.login.unreachable"));
      } finally {
        button.disabled = false;
        button.textContent = t("common.login.submit");
      }
    }

    /** Keep the login (for a reload or the other page) and start the page with it. */
    function begin(login) {
      sessionStorage.setItem(STORAGE.token, login.token);
      sessionStorage.setItem(STORAGE.user, login.username);
      sessionStorage.setItem(STORAGE.role, login.role);
      sessionStorage.setItem(STORAGE.areas, JSON.stringify(login.areas || []));
      started(login);
    }

    /** Start the page for a login, with the navigation to the role's pages only. */
    function started(login) {
      showNav(login.areas);
      onStart(login);
    }

    /** Drop what the page still has on its way and stop its timers; the login stays. */
    function stopWork() {
      state.generation += 1;
      if (onEnd) onEnd();
    }

    function endSession() {
      stopWork();
      state.token = null;
      sessionStorage.removeItem(STORAGE.token);
      sessionStorage.removeItem(STORAGE.role);
      sessionStorage.removeItem(STORAGE.areas);
    }

    function logout() {
      endSession();
      showLogin(t("common.login.logged_out"));
    }

    function sessionExpired() {
      endSession();
      showLogin(t("common.login.expired"));
    }

    /** The session bar: who is logged in, as what. */
    function showUser(username, role) {
      $("#session-bar").hidden = false;
      $("#user-name").textContent = username || "";
      $("#user-role").textContent = ROLE_LABELS[role] || role || "";
    }

    /** Resume a stored login; one stored without its areas asks the API who it is (/me) first. */
    async function resume(token) {
      const username = sessionStorage.getItem(STORAGE.user);
      const role = sessionStorage.getItem(STORAGE.role);
      const areas = JSON.parse(sessionStorage.getItem(STORAGE.areas) || "null");
      if (Array.isArray(areas)) {
        started({ token, username, role, areas });
        return;
      }
      state.token = token;
      try {
        const me = await api("/me");
        begin({ token, username: me.username, role: me.role, areas: me.areas });
      } catch (err) {
        if (!(err instanceof AuthError)) showLogin(t("common.login.resume_failed", { detail: err.message }));
      }
    }

    /** Wire the login form and the logout button, then resume a stored login or show the form. */
    function start() {
      $("#login-form").addEventListener("submit", onLogin);
      $("#logout").addEventListener("click", logout);
      const token = sessionStorage.getItem(STORAGE.token);
      state.username = sessionStorage.getItem(STORAGE.user);
      if (token) resume(token);
      else showLogin();
    }

    return { api, showLogin, stopWork, endSession, logout, sessionExpired, showUser, start };
  }

  window.officewellSession = {
    API, STORAGE, ROLE_LABELS, BROWSER_TZ, LANG, LOCALE, MESSAGES, t, fmt,
    table, chart, startPage, banner,
    $, el, svg, setAttrs, whenReady,
    resolveTimeZone, timeIn, zoneLabel, showSite, showNav,
    round1, niceStep, hoverReadout, onWidthChange,
    AuthError, HttpError, detailOf,
    create,
  };
})();
