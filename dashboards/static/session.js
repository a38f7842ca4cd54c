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
  const ROLE_LABELS = { facilities: "Facilities", hr: "HR", manager: "Manager", admin: "Administrator" };
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
    const zoneName = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "short" });
    const short = zoneName.formatToParts(new Date()).find((p) => p.type === "timeZoneName")?.value;
    const name = timeZone || "local time";
    return short && short !== name ? `${name} (${short})` : name;
  }

  /** Fill #site-tz ("<what> in Europe/Stockholm (CET)") when the site's zone is not the browser's;
   * returns the phrase for the page's own notes ("local time" or "the site's local time, …"). */
  function renderSiteTz(timeZone, what, title) {
    const differs = Boolean(timeZone) && timeZone !== BROWSER_TZ;
    const note = $("#site-tz");
    note.hidden = !differs;
    note.textContent = differs ? `${what} in ${zoneLabel(timeZone)}` : "";
    note.title = differs ? `${title}; your computer is set to ${BROWSER_TZ || "another time zone"}.` : "";
    return differs ? `the site's local time, ${zoneLabel(timeZone)}` : "local time";
  }

  /** The site's name in the header and the document title ("<page> · <site> · officewell"). */
  function showSite(site, page) {
    const name = site?.name || site?.id || "";
    $("#site-name").textContent = name;
    $("#site-info").hidden = !name;
    document.title = name ? `${page} · ${name} · officewell` : `${page} · officewell`;
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
    async function api(path) {
      const generation = state.generation;
      let res;
      try {
        res = await fetch(API + path, {
          headers: { Authorization: `Bearer ${state.token}`, Accept: "application/json" },
          cache: "no-store",
        });
      } catch (_) {
        throw new HttpError(0, "Cannot reach the server");
      }
      if (res.status === 401) {
        if (generation === state.generation) sessionExpired();
        throw new AuthError("Not logged in");
      }
      if (res.status === 403 && onForbidden && generation === state.generation && onForbidden(path)) {
        throw new AuthError("Not allowed");
      }
      if (!res.ok) throw new HttpError(res.status, await detailOf(res));
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
        showLoginError("Enter your username and password.");
        (username ? $("#password") : $("#username")).focus();
        return;
      }
      const button = $("#login-submit");
      button.disabled = true;
      button.textContent = "Logging in…";
      try {
        const res = await fetch(`${API}/auth/token`, {
          method: "POST",
          body: new URLSearchParams({ username, password }),
          headers: { Accept: "application/json" },
        });
        if (res.status === 401) {
          showLoginError(`${await detailOf(res)}. Check them and try again.`);
          $("#password").select();
          $("#password").focus();
          return;
        }
        if (!res.ok) {
          showLoginError(`Could not log in: ${await detailOf(res)}`);
          return;
        }
        const body = await res.json();
        $("#password").value = "";
        begin({ token: body.access_token, username: body.username, role: body.role, areas: body.areas });
      } catch (_) {
        showLoginError("Cannot reach the server. Check the network connection and try again.");
      } finally {
        button.disabled = false;
        button.textContent = "Log in";
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
      showLogin("You are logged out.");
    }

    function sessionExpired() {
      endSession();
      showLogin("Your session has ended. Please log in again.");
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
        if (!(err instanceof AuthError)) showLogin(`Could not resume the session: ${err.message}`);
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
    API, STORAGE, ROLE_LABELS, BROWSER_TZ,
    $, el, svg, setAttrs, whenReady,
    resolveTimeZone, timeIn, zoneLabel, renderSiteTz, showSite, showNav,
    round1, niceStep, hoverReadout, onWidthChange,
    AuthError, HttpError, detailOf,
    create,
  };
})();
