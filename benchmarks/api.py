"""The API under 50 dashboards polling it at once, against the demo's data, with GET /healthz as the floor.

Starts `officewell demo` in a subprocess (a temporary data dir, small history so the set-up is short;
its MQTT broker, simulator and gateway keep writing live readings meanwhile) and waits for its
demo.json, or uses a running demo (`--demo-json`). Then N concurrent clients (httpx, one connection
each, like one browser each) replay what the pages poll, on the pages' own schedule divided by `--speed`:

- facilities page (role facilities): GET /latest and /dead-letters?limit=10 every 3 s, /sensors/health
  every 30 s, and the five 24-hour readings charts (5-minute windows) of a zone every minute
  (dashboards/static/facilities.js);
- goals page (role manager), read once per visit, a visit a minute: the centre's weekly answer rate
  over 53 weeks and the groups' over 13, the centre's NKI, the tertial report (dashboards/static/goals.js);
  and the evidence's ranked actions and the forecast, which goals.js does not ask for yet;
- and every client GET /healthz every 3 s: the floor — the cost of the server, the connection and this
  driver, with no store behind it — measured in the same run, so each route's ×healthz says what the
  route itself adds.

Every route is asked once before the clock starts (the forecast is computed on its first request and
kept), then `--warmup` seconds of load are thrown away and `--seconds` measured. Per route: requests,
throughput, p50 / p95 / p99 / max latency, errors (any status >= 400 or a failed request). Target: p95
under 100 ms on every route, no errors. `--speed 0` drops the schedule: each client asks again as soon
as it has its answer (the mix kept), which measures capacity rather than the dashboards' load. The
driver shares the machine's cores with the server.

The server's CPU over the measured window is reported when its process is known (started here, or
`--server-pid`), and the driver's own.

    .venv/bin/python benchmarks/api.py [--clients 50] [--seconds 30] [--speed 1] [--json]
    .venv/bin/python benchmarks/api.py --demo-json officewell-demo/demo.json --server-pid PID  # one running
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

OFFICEWELL = Path(sys.executable).parent / "officewell"
API = "/api/v1"
TARGET_P95_MS = 100.0
QUANTITIES = ("co2_ppm", "temperature_c", "humidity_pct", "sound_dba", "illuminance_lux")  # facilities.js
FLOOR = "GET /healthz"

# A request: (route label, path, query), the label the path template the table groups by.
Request = tuple[str, str, dict[str, str | int]]


@dataclass(frozen=True)
class Poll:
    """Requests a page makes together, every `every_s` seconds of its own schedule."""

    every_s: float
    requests: Callable[[datetime], list[Request]]


@dataclass(frozen=True)
class Page:
    """A dashboard page: the role it is logged in as and what it polls."""

    name: str
    role: str
    polls: tuple[Poll, ...]


def facilities_page(zone: str) -> Page:
    """The facilities page with `zone` selected (facilities.js: refresh 3 s, health 30 s, charts 60 s)."""

    def charts(now: datetime) -> list[Request]:
        window = {"zone": zone, "start": _iso(now - timedelta(hours=24)), "stop": _iso(now), "window": "5m"}
        return [(f"GET {API}/readings", f"{API}/readings", {"quantity": q, **window}) for q in QUANTITIES]

    return Page(
        "facilities",
        "facilities",
        (
            Poll(3.0, lambda _: [(f"GET {API}/latest", f"{API}/latest", {})]),
            Poll(3.0, lambda _: [(f"GET {API}/dead-letters", f"{API}/dead-letters", {"limit": 10})]),
            Poll(30.0, lambda _: [(f"GET {API}/sensors/health", f"{API}/sensors/health", {})]),
            Poll(60.0, charts),
            Poll(3.0, lambda _: [(FLOOR, "/healthz", {})]),
        ),
    )


def goals_page(today: str, year: int) -> Page:
    """The goals page, a visit a minute (goals.js reads once per visit), with the evidence and the forecast."""
    thirteen_weeks_ago = (datetime.fromisoformat(today) - timedelta(weeks=13)).date().isoformat()

    def visit(_: datetime) -> list[Request]:
        weekly = f"GET {API}/goals/answer-rate/weekly"
        return [
            (weekly, f"{API}/goals/answer-rate/weekly", {"weeks": 53, "team": "total", "end": today}),
            (weekly, f"{API}/goals/answer-rate/weekly", {"start": thirteen_weeks_ago, "end": today}),
            (f"GET {API}/goals/nki", f"{API}/goals/nki", {"team": "total"}),
            (f"GET {API}/goals/tertial/{{year}}", f"{API}/goals/tertial/{year}", {"with_weeks": "false"}),
            (f"GET {API}/evidence/actions", f"{API}/evidence/actions", {}),
            (f"GET {API}/forecast", f"{API}/forecast", {}),
        ]

    return Page("goals", "manager", (Poll(60.0, visit), Poll(3.0, lambda _: [(FLOOR, "/healthz", {})])))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")  # as the page's Date.toISOString()


# -- the server -----------------------------------------------------------------------------------------


@dataclass
class Server:
    """A demo to load: its URL and logins, and the process if this benchmark started it."""

    url: str
    users: dict[str, dict[str, str]]  # role -> {"username", "password"}
    process: subprocess.Popen[bytes] | None = None
    setup_s: float = 0.0
    pid: int | None = None  # of a server not started here, to read its CPU time

    def stop(self) -> None:
        """Stop the demo this benchmark started (SIGTERM: it closes its stores), if it did."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_demo(data_dir: Path, days: int, history_days: int, timeout_s: float) -> Server:
    """Run `officewell demo` on free ports in `data_dir` and wait for its demo.json (it appears once serving)."""
    command = [str(OFFICEWELL), "demo", "--data-dir", str(data_dir), "--port", "0", "--mqtt-port", "0"]
    command += ["--days", str(days), "--history-days", str(history_days), "--json"]
    started = time.perf_counter()
    log = (data_dir.parent / "demo.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=data_dir.parent)
    demo_json = data_dir / "demo.json"
    while not demo_json.exists():
        if process.poll() is not None:
            raise RuntimeError(f"officewell demo stopped (exit {process.returncode}); see {log.name}")
        if time.perf_counter() - started > timeout_s:
            process.terminate()
            raise TimeoutError(f"officewell demo not ready after {timeout_s:.0f} s; see {log.name}")
        time.sleep(0.2)
    server = read_demo_json(demo_json)
    server.process = process
    server.setup_s = time.perf_counter() - started
    return server


def read_demo_json(path: Path) -> Server:
    """The URL and one login per role of a running demo."""
    info = json.loads(path.read_text(encoding="utf-8"))
    return Server(info["url"], {user["role"]: user for user in info["users"]})


def log_in(url: str, users: dict[str, dict[str, str]], roles: set[str]) -> dict[str, dict[str, str]]:
    """A bearer header per role (one login each: the clients of a role share it, as tabs share a session)."""
    headers = {}
    with httpx.Client(base_url=url, timeout=30) as client:
        for role in sorted(roles):
            user = users[role]
            answer = client.post(f"{API}/auth/token", data={"username": user["username"], "password": user["password"]})
            answer.raise_for_status()
            headers[role] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    return headers


# -- the load -------------------------------------------------------------------------------------------


@dataclass
class Samples:
    """Per route: latencies (s) of the requests that started in the measured window, and its errors."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    window: tuple[float, float] = (math.inf, math.inf)
    server_cpu_s: float = math.nan  # CPU the server spent in the window (nan: its process unknown)
    driver_cpu_s: float = math.nan  # CPU this driver spent in the window: it shares the machine

    def add(self, route: str, started: float, elapsed: float, status: int | None) -> None:
        """Count one request if it started inside the measured window."""
        if not self.window[0] <= started < self.window[1]:
            return
        self.latencies.setdefault(route, []).append(elapsed)
        self.errors.setdefault(route, 0)
        if status is None or status >= 400:
            self.errors[route] += 1
        by_status = self.statuses.setdefault(route, {})
        by_status[status or 0] = by_status.get(status or 0, 0) + 1


async def run_client(
    page: Page, client: httpx.AsyncClient, headers: dict[str, str], speed: float, stop_at: float,
    samples: Samples, rng: random.Random,
) -> None:  # fmt: skip
    """Replay a page's polls until `stop_at`: each poll on its schedule (staggered), or back to back (speed 0).

    The schedule runs on the page's own clock, so with `speed` 0 the mix stays the pages' even though
    nothing waits.
    """
    due = [rng.uniform(0, poll.every_s) for poll in page.polls]
    clock = 0.0  # the page's time, seconds since it opened
    began = time.perf_counter()
    while True:
        i = min(range(len(due)), key=due.__getitem__)
        clock = due[i]
        if speed > 0:
            wait = began + clock / speed - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
        if time.perf_counter() >= stop_at:
            return
        for route, path, query in page.polls[i].requests(datetime.now(UTC)):
            started = time.perf_counter()
            try:
                answer = await client.get(path, params=query, headers=headers)
                await answer.aread()
                status: int | None = answer.status_code
            except httpx.HTTPError:
                status = None
            samples.add(route, started, time.perf_counter() - started, status)
        due[i] = clock + page.polls[i].every_s


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) used so far by a process: this one, or `pid` (Linux /proc)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime in clock ticks


async def measure_cpu(samples: Samples, server_pid: int | None) -> None:
    """The CPU seconds the server and this driver spend in the measured window (the server's when its pid is known)."""
    await asyncio.sleep(max(0.0, samples.window[0] - time.perf_counter()))
    driver, server = cpu_seconds(), cpu_seconds(server_pid) if server_pid else math.nan
    await asyncio.sleep(max(0.0, samples.window[1] - time.perf_counter()))
    samples.driver_cpu_s = cpu_seconds() - driver
    samples.server_cpu_s = cpu_seconds(server_pid) - server if server_pid else math.nan


async def load(
    server: Server, pages: list[Page], headers: dict[str, dict[str, str]], speed: float, warmup_s: float,
    seconds: float, seed: int,
) -> Samples:  # fmt: skip
    """Run every page as its own client for `warmup_s` + `seconds`; sample the last `seconds`."""
    rng = random.Random(seed)
    samples = Samples()
    now = time.perf_counter()
    samples.window = (now + warmup_s, now + warmup_s + seconds)
    server_pid = server.pid or (server.process.pid if server.process else None)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)  # one connection per page, as a browser
    timeout = httpx.Timeout(60.0)
    clients = [httpx.AsyncClient(base_url=server.url, limits=limits, timeout=timeout) for _ in pages]
    try:
        await asyncio.gather(
            measure_cpu(samples, server_pid),
            *(
                run_client(
                    page, client, headers[page.role], speed, samples.window[1], samples, random.Random(rng.random())
                )
                for page, client in zip(pages, clients, strict=True)
            ),
        )
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    return samples


def prime(server: Server, pages: list[Page], headers: dict[str, dict[str, str]]) -> dict[str, float]:
    """Ask each distinct request once, in turn: what is computed on first use (the forecast) is kept after it."""
    seen: dict[str, float] = {}
    with httpx.Client(base_url=server.url, timeout=600) as client:
        for page in pages:
            for poll in page.polls:
                for route, path, query in poll.requests(datetime.now(UTC)):
                    key = f"{path}?{sorted(query.items())}"
                    if key in seen:
                        continue
                    started = time.perf_counter()
                    answer = client.get(path, params=query, headers=headers[page.role])
                    seen[key] = time.perf_counter() - started
                    if answer.status_code >= 400:
                        raise RuntimeError(f"{route} answered {answer.status_code}: {answer.text[:300]}")
    return seen


# -- the report -----------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples: Samples, seconds: float) -> dict[str, dict[str, Any]]:
    """Per route, slowest p95 first: requests, throughput, latency percentiles (ms), errors, ×healthz."""
    floor = percentile(samples.latencies.get(FLOOR, []), 50)
    rows: dict[str, dict[str, Any]] = {}
    for route, latencies in samples.latencies.items():
        p50 = percentile(latencies, 50)
        rows[route] = {
            "requests": len(latencies),
            "per_s": len(latencies) / seconds,
            "p50_ms": p50 * 1000,
            "p95_ms": percentile(latencies, 95) * 1000,
            "p99_ms": percentile(latencies, 99) * 1000,
            "max_ms": max(latencies) * 1000,
            "errors": samples.errors.get(route, 0),
            "statuses": {str(k): v for k, v in sorted(samples.statuses.get(route, {}).items())},
            "x_healthz_p50": p50 / floor if floor and not math.isnan(floor) else math.nan,
        }
    return dict(sorted(rows.items(), key=lambda item: -item[1]["p95_ms"]))


def print_table(rows: dict[str, dict[str, Any]], config: dict[str, Any]) -> None:
    """The per-route table, the totals and the verdict against the target."""
    print(
        f"{config['clients']} clients ({config['facilities_clients']} facilities, {config['goals_clients']} goals), "
        f"speed {config['speed']}, {config['seconds']:.0f} s measured after {config['warmup_s']:.0f} s warm-up; "
        f"demo set-up {config['setup_s']:.0f} s"
    )
    head = f"{'route':<38} {'req':>6} {'req/s':>7}" + "".join(
        f"{c:>9}" for c in ("p50 ms", "p95 ms", "p99 ms", "max ms")
    )
    head += f" {'err':>4} {'×hz':>5}"
    print(head)
    print("-" * len(head))
    for route, row in rows.items():
        print(
            f"{route:<38} {row['requests']:>6} {row['per_s']:>7.1f} {row['p50_ms']:>9.1f} {row['p95_ms']:>9.1f} "
            f"{row['p99_ms']:>9.1f} {row['max_ms']:>9.1f} {row['errors']:>4} {row['x_healthz_p50']:>5.1f}"
        )
    total = sum(row["requests"] for row in rows.values())
    errors = sum(row["errors"] for row in rows.values())
    print(f"{'all':<38} {total:>6} {total / config['seconds']:>7.1f} {'':>36} {errors:>4}")
    seconds = config["seconds"]
    server, driver = config["server_cpu_s"], config["driver_cpu_s"]
    if not math.isnan(server):
        print(f"server CPU {server / seconds:.2f} cores ({1000 * server / max(total, 1):.1f} ms a request), ", end="")
    print(f"this driver's CPU {driver / seconds:.2f} cores, of the machine's {os.cpu_count()}")
    verdict = verdict_of(rows)
    print(f"target p95 < {TARGET_P95_MS:.0f} ms and no errors: {'met' if verdict['met'] else 'MISSED'}; "
          f"slowest: {verdict['slowest']} (p95 {verdict['slowest_p95_ms']:.1f} ms)")  # fmt: skip


def verdict_of(rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Whether every route's p95 is under the target with no errors, and which route is slowest."""
    slowest = next(iter(rows))
    met = all(row["p95_ms"] < TARGET_P95_MS and row["errors"] == 0 for row in rows.values())
    return {"met": met, "slowest": slowest, "slowest_p95_ms": rows[slowest]["p95_ms"]}


# -- the run --------------------------------------------------------------------------------------------


def main() -> None:
    """Start (or find) the demo, log in, prime, load it, and report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients, one page each")
    parser.add_argument("--goals-share", type=float, default=0.2, help="share of the clients on the goals page")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before measuring")
    parser.add_argument("--speed", type=float, default=1.0, help="the pages' schedule × this (0: back to back)")
    parser.add_argument("--days", type=int, default=2, help="demo: days of history at every minute")
    parser.add_argument("--history-days", type=int, default=120, help="demo: days of history in all")
    parser.add_argument("--demo-json", type=Path, help="load a running demo (its demo.json) instead of starting one")
    parser.add_argument("--server-pid", type=int, help="with --demo-json: the demo's process, to report its CPU")
    parser.add_argument("--seed", type=int, default=7, help="the clients' staggering and zones")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON, nothing else")
    args = parser.parse_args()

    say = (lambda *_: None) if args.json else (lambda text: print(text, file=sys.stderr, flush=True))
    with tempfile.TemporaryDirectory(prefix="officewell-bench-api-") as tmp:
        if args.demo_json:
            server = read_demo_json(args.demo_json)
            server.pid = args.server_pid
        else:
            say(f"starting officewell demo (--days {args.days} --history-days {args.history_days}) ...")
            server = start_demo(Path(tmp) / "demo", args.days, args.history_days, timeout_s=900)
            say(f"demo ready at {server.url} after {server.setup_s:.0f} s")
        try:
            rows, config, primed = run(server, args, say)
        finally:
            server.stop()
    if args.json:
        print(json.dumps({"config": config, "primed_s": primed, "routes": rows, "verdict": verdict_of(rows)}, indent=2))
    else:
        print_table(rows, config)


def run(
    server: Server, args: argparse.Namespace, say: Callable[[str], None]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, float]]:
    """Log in, build the pages, prime every request once, then load and summarise."""
    rng = random.Random(args.seed)
    goals_clients = round(args.clients * args.goals_share)
    headers = log_in(server.url, server.users, {"facilities", "manager"})
    with httpx.Client(base_url=server.url, timeout=30) as client:
        zones = [zone["id"] for zone in client.get(f"{API}/zones", headers=headers["facilities"]).json()]
        site = client.get(f"{API}/site", headers=headers["manager"]).json()
    today = site["today"]
    pages = [goals_page(today, int(today[:4])) for _ in range(goals_clients)]
    pages += [facilities_page(rng.choice(zones)) for _ in range(args.clients - goals_clients)]
    say("priming every request once (the forecast is computed on its first request) ...")
    primed = prime(server, pages, headers)
    say(f"primed in {sum(primed.values()):.1f} s; {args.warmup:.0f} s warm-up, then {args.seconds:.0f} s measured ...")
    samples = asyncio.run(load(server, pages, headers, args.speed, args.warmup, args.seconds, args.seed))
    config = {
        "clients": args.clients,
        "facilities_clients": args.clients - goals_clients,
        "goals_clients": goals_clients,
        "speed": args.speed,
        "seconds": args.seconds,
        "warmup_s": args.warmup,
        "setup_s": server.setup_s,
        "days": args.days,
        "history_days": args.history_days,
        "server_cpu_s": samples.server_cpu_s,
        "driver_cpu_s": samples.driver_cpu_s,
    }
    primed_by_route = {key: round(s, 3) for key, s in sorted(primed.items(), key=lambda item: -item[1])[:5]}
    return summary(samples, args.seconds), config, primed_by_route


if __name__ == "__main__":
    main()
