"""Every call the dashboards make, and the hostile readings request of issue 9, timed on the demo: before and after.

For each of two trees — "before", a commit extracted with `git archive` into a temporary directory, and
"after", this working tree — the benchmark starts `officewell demo` in its own process (its own data dir,
free ports), exactly as a user would, and then:

1. times every call the facilities and goals pages make, as those pages of that tree make them (the first
   call and the median of the next five, over one kept-alive connection as a browser would), with sizes;
2. restarts the demo on the same data (a fresh process: nothing kept) and opens the Goals page in headless
   Chromium as a manager: login click to complete (`body[data-ready]`), then again in a new tab;
3. sends issue 9's quoted request (one-second windows since 1970, as facilities), alone and four at once,
   sampling the server's resident memory every 50 ms and /healthz every half second.

It prints the figures side by side. Stop a run with Ctrl-C; the demos are stopped with it.

    .venv/bin/python benchmarks/dashboard_calls.py --before 02c14b9
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
QUOTED = "/api/v1/readings?quantity=co2_ppm&window=1s&start=1970-01-01T00:00:00Z&stop=2026-12-01T00:00:00Z"
CHARTED = ("co2_ppm", "temperature_c", "humidity_pct", "sound_dba", "illuminance_lux")
REPEATS = 5


@dataclass
class Timed:
    """One call: status, size, the first call's time and the median of the repeats (seconds)."""

    status: int
    size: int
    first: float
    median: float


@dataclass
class Figures:
    """What one tree measured."""

    calls: dict[str, Timed | None] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    page: dict[str, float] = field(default_factory=dict)
    hostile: dict[str, str] = field(default_factory=dict)


# ----- the demo ---------------------------------------------------------------------------------


@contextmanager
def demo(tree: Path, data_dir: Path) -> Iterator[tuple[dict[str, Any], int]]:
    """`officewell demo` of `tree` on `data_dir`: its demo.json and its process id, until the block ends."""
    log = (data_dir.parent / f"{data_dir.name}.log").open("ab")
    command = [sys.executable, "-m", "officewell", "demo", "--json", "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        [*command, "--port", "0", "--mqtt-port", "0"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},  # that tree's packages before the installed ones
        stdout=subprocess.PIPE,
        stderr=log,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the demo of {tree} did not start; see {log.name}")
        info = json.loads(line)
        time.sleep(5)  # let the gateway take the first live readings
        yield info, process.pid
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


def passwords(info: dict[str, Any]) -> dict[str, str]:
    return {user["role"]: user["password"] for user in info["users"]}


def logged_in(info: dict[str, Any], role: str) -> httpx.Client:
    """A kept-alive client with the role's bearer token (close it)."""
    client = httpx.Client(base_url=info["url"], timeout=600)
    token = client.post("/api/v1/auth/token", data={"username": role, "password": passwords(info)[role]})
    token.raise_for_status()
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return client


@contextmanager
def client_for(info: dict[str, Any], role: str) -> Iterator[httpx.Client]:
    """A logged-in client for the block."""
    client = logged_in(info, role)
    try:
        yield client
    finally:
        client.close()


# ----- 1. the pages' calls ----------------------------------------------------------------------


def timed(client: httpx.Client, path: str) -> Timed:
    durations = []
    response = None
    for _ in range(1 + REPEATS):
        started = time.perf_counter()
        response = client.get(path)
        durations.append(time.perf_counter() - started)
    assert response is not None
    return Timed(response.status_code, len(response.content), durations[0], statistics.median(durations[1:]))


def facilities_calls(now: datetime) -> dict[str, str]:
    """What /facilities asks for (the same in both trees): labels and paths."""
    window = {"zone": "z1", "start": (now - timedelta(hours=24)).isoformat(), "stop": now.isoformat(), "window": "5m"}
    calls = {f"GET /{p}": f"/api/v1/{p}" for p in ("site", "quantities", "zones", "latest")}
    for quantity in CHARTED:
        calls[f"GET /readings {quantity} z1 24 h 5m"] = (
            f"/api/v1/readings?{urlencode({'quantity': quantity, **window})}"
        )
    calls["GET /dead-letters?limit=10"] = "/api/v1/dead-letters?limit=10"
    calls["GET /sensors/health"] = "/api/v1/sensors/health"
    return calls


def goals_calls(client: httpx.Client, after: bool) -> dict[str, str | None]:
    """What /goals asks for: every group's 53 weeks, all NKI, the report with weeks before; what it shows after."""
    today = client.get("/api/v1/site").json()["today"]
    year = today[:4]
    weekly = "/api/v1/goals/answer-rate/weekly"
    if not after:
        return {
            "weekly answer rate, chart": f"{weekly}?weeks=53&end={today}",
            "weekly answer rate, heat map": None,  # the chart's call had every group's 53 weeks
            "NKI": "/api/v1/goals/nki",
            f"tertial report {year}": f"/api/v1/goals/tertial/{year}",
        }
    centre = f"{weekly}?weeks=53&team=total&end={today}"
    body = client.get(centre).json()  # the page's second call depends on the first: the newest week with calls
    with_calls = {w["week"] for w in body["weeks"] if w["offered"] > 0}
    weeks = [w for w in body["calendar"] if w["week"] in with_calls] or body["calendar"]
    newest = body["calendar"].index(weeks[-1])
    heat = body["calendar"][max(0, newest - 12) : newest + 1]
    return {
        "weekly answer rate, chart": centre,
        "weekly answer rate, heat map": f"{weekly}?{urlencode({'start': heat[0]['start'], 'end': heat[-1]['end']})}",
        "NKI": "/api/v1/goals/nki?team=total",
        f"tertial report {year}": f"/api/v1/goals/tertial/{year}?with_weeks=false",
    }


def measure_calls(info: dict[str, Any], after: bool) -> tuple[dict[str, Timed | None], dict[str, str]]:
    out: dict[str, Timed | None] = {}
    paths: dict[str, str] = {}
    now = datetime.now(UTC).replace(microsecond=0)
    with client_for(info, "facilities") as facilities:
        for label, path in facilities_calls(now).items():
            out[f"facilities  {label}"] = timed(facilities, path)
    with client_for(info, "manager") as manager:
        for label, goal_path in goals_calls(manager, after).items():
            out[f"goals       {label}"] = timed(manager, goal_path) if goal_path else None
            if goal_path:
                paths[label] = goal_path
    return out, paths


# ----- 2. the Goals page in Chromium ------------------------------------------------------------


def measure_page(info: dict[str, Any]) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            for visit in ("first visit (fresh server)", "second visit"):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.goto(f"{info['url']}/goals")
                page.fill("#username", "manager")
                page.fill("#password", passwords(info)["manager"])
                started = time.perf_counter()
                page.click("#login-submit")
                page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
                out[visit] = time.perf_counter() - started
                context.close()
        finally:
            browser.close()
    return out


# ----- 3. the quoted request ----------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def watching(info: dict[str, Any], pid: int) -> Iterator[dict[str, float]]:
    """The server's peak RSS (MB) and slowest /healthz (s) while the block runs."""
    seen = {"peak_mb": rss_mb(pid), "healthz_s": 0.0, "healthz_failed": 0}
    stop = threading.Event()

    def memory() -> None:
        while not stop.wait(0.05):
            seen["peak_mb"] = max(seen["peak_mb"], rss_mb(pid))

    def health() -> None:
        with httpx.Client(base_url=info["url"], timeout=120) as client:
            while not stop.wait(0.5):
                started = time.perf_counter()
                try:
                    client.get("/healthz").raise_for_status()
                except httpx.HTTPError:  # refused, reset or a 5xx: the server could not answer
                    seen["healthz_failed"] += 1
                seen["healthz_s"] = max(seen["healthz_s"], time.perf_counter() - started)

    threads = [threading.Thread(target=memory, daemon=True), threading.Thread(target=health, daemon=True)]
    for thread in threads:
        thread.start()
    try:
        yield seen
    finally:
        stop.set()
        for thread in threads:
            thread.join(130)


def measure_hostile(info: dict[str, Any], pid: int, concurrent: int) -> dict[str, str]:
    out = {}
    idle = rss_mb(pid)
    with client_for(info, "facilities") as client, watching(info, pid) as seen:
        started = time.perf_counter()
        response = client.get(QUOTED)
        elapsed = time.perf_counter() - started
    out["alone"] = (
        f"{response.status_code} in {elapsed:.2f} s, {len(response.content) / 1e6:.1f} MB; "
        f"RSS {idle:,.0f} -> peak {seen['peak_mb']:,.0f} MB; slowest /healthz {seen['healthz_s']:.2f} s"
        f"{_failed(seen)}"
    )
    idle = rss_mb(pid)
    clients = [logged_in(info, "facilities") for _ in range(concurrent)]
    try:
        with watching(info, pid) as seen, ThreadPoolExecutor(concurrent) as pool:
            started = time.perf_counter()
            statuses = list(pool.map(lambda c: c.get(QUOTED).status_code, clients))
            elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            client.close()
    out[f"{concurrent} at once"] = (
        f"{'/'.join(map(str, sorted(set(statuses))))} in {elapsed:.2f} s; RSS {idle:,.0f} -> peak "
        f"{seen['peak_mb']:,.0f} MB; slowest /healthz {seen['healthz_s']:.2f} s{_failed(seen)}"
    )
    return out


def _failed(seen: dict[str, float]) -> str:
    return f" ({seen['healthz_failed']:.0f} failed)" if seen["healthz_failed"] else ""


# ----- a run ------------------------------------------------------------------------------------


def run(tree: Path, work: Path, name: str, after: bool, concurrent: int) -> Figures:
    figures = Figures()
    data = work / name
    print(f"[{name}] starting the demo of {tree} …", file=sys.stderr, flush=True)
    with demo(tree, data) as (info, _pid):
        figures.calls, figures.paths = measure_calls(info, after)
    print(f"[{name}] restarting it for the page and the quoted request …", file=sys.stderr, flush=True)
    with demo(tree, data) as (info, pid):
        figures.page = measure_page(info)
        figures.hostile = measure_hostile(info, pid, concurrent)
    return figures


def export(ref: str, into: Path) -> Path:
    """The tree of commit `ref`, extracted into `into`."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def report(before: Figures, after: Figures, ref: str) -> None:
    print(f"\nbefore = {ref}, after = this tree; the demo's data (30 days of readings, 400 days of centre history)")
    print(f"{'call':<56}{'before: first':>14}{'median':>10}{'bytes':>10}  |", end="")
    print(f"{'after: first':>13}{'median':>10}{'bytes':>10}")
    for label in after.calls:
        cols = []
        for side in (before.calls.get(label), after.calls.get(label)):
            cols.append(f"{ms(side.first):>13}{ms(side.median):>10}{side.size:>10,}" if side else f"{'—':>33}")
        print(f"{label:<56}{cols[0]:>34}  |{cols[1]:>33}")
    for name, figures in (("before", before), ("after", after)):
        print(f"  goal calls {name}: " + "; ".join(figures.paths.values()))
    print()
    for visit in before.page:
        print(
            f"Goals page, login click to complete, {visit:<28} "
            f"before {ms(before.page[visit]):>9}   after {ms(after.page[visit]):>9}"
        )
    print(f"\nissue 9 item 1, GET {QUOTED} (facilities)")
    for key in before.hostile:
        print(f"  {key:<10} before: {before.hostile[key]}")
        print(f"  {'':<10} after:  {after.hostile[key]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="HEAD", help="the commit to compare with (default HEAD)")
    parser.add_argument("--concurrent", type=int, default=4, help="how many quoted requests at once (default 4)")
    parser.add_argument("--keep", action="store_true", help="keep the demos' data dirs and logs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="officewell-bench-"))
    try:
        old = export(args.before, work / "tree-before")
        before = run(old, work, "before", after=False, concurrent=args.concurrent)
        after = run(ROOT, work, "after", after=True, concurrent=args.concurrent)
        report(before, after, args.before)
    finally:
        if args.keep:
            print(f"data and logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
