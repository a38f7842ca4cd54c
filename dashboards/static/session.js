/* officewell · what the facilities page (/facilities) and the goal page (/goals) share.
 *
 * Plain ES2020, no build step: a classic script, loaded before the page's own script, that defines
 * one global, window.officewellSession: DOM helpers, the time-zone note, the API errors, and the
 * login / authorised fetch / logout of a page. The bearer token lives in sessionStorage under the same
 * keys on both pages, so a tab moving between /facilities and /goals (or reloading) stays logged in.
 * All data is inserted with textContent / setAttribute, never as HTML.
 */
(() => {
  "use strict";

  const API = "/api/v1";
  const SVG_NS = "http://www.w3.org/2000/svg";
  const ROLE_LABELS = { facilities: "Facilities", hr: "HR", manager: "Manager", admin: "Administrator" };
  const STORAGE = { token: "officewell.token", user: "officewell.username", role: "officewell.role" };

  // ---------------------------------------------------------------- DOM helpers

  const $ = (sel, root = document) => root.querySelector(sel);

  function setAttrs(node, attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value == null || value === false) continue;
      if (key === "class") node.setAttribute("class", value);
      else if (key === "text") node.textContent = value;
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

  // ---------------------------------------------------------------- time zone

  const BROWSER_TZ = new Intl.DateTimeFormat().resolvedOptions().timeZone;

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

  /**
   * The login of one page. `state` is the page's state ({token, username, role, generation});
   * `views` the selectors hidden along with the session bar while the login form shows;
   * `onStart(token, username, role)` starts the page; `onEnd()` stops its work at logout;
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
        sessionStorage.setItem(STORAGE.token, body.access_token);
        sessionStorage.setItem(STORAGE.user, body.username);
        sessionStorage.setItem(STORAGE.role, body.role);
        $("#password").value = "";
        onStart(body.access_token, body.username, body.role);
      } catch (_) {
        showLoginError("Cannot reach the server. Check the network connection and try again.");
      } finally {
        button.disabled = false;
        button.textContent = "Log in";
      }
    }

    function endSession() {
      state.generation += 1;
      if (onEnd) onEnd();
      state.token = null;
      sessionStorage.removeItem(STORAGE.token);
      sessionStorage.removeItem(STORAGE.role);
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

    /** Wire the login form and the logout button, then resume a stored login or show the form. */
    function start() {
      $("#login-form").addEventListener("submit", onLogin);
      $("#logout").addEventListener("click", logout);
      const token = sessionStorage.getItem(STORAGE.token);
      state.username = sessionStorage.getItem(STORAGE.user);
      if (token) onStart(token, state.username, sessionStorage.getItem(STORAGE.role));
      else showLogin();
    }

    return { api, showLogin, endSession, logout, sessionExpired, showUser, start };
  }

  window.officewellSession = {
    API, STORAGE, ROLE_LABELS, BROWSER_TZ,
    $, el, svg, setAttrs,
    resolveTimeZone, zoneLabel, renderSiteTz, showSite,
    AuthError, HttpError, detailOf,
    create,
  };
})();
