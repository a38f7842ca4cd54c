"""Take the README's screenshots: run `officewell demo`, log in as each page's role in headless Chromium.

Usage: .venv/bin/python scripts/screenshot.py [NAME ...] [--out DIR]
  NAME: facilities, zone, hr, risk, board, feedback, goals (default: all); DIR: docs/img by default.
Each page is shot 1200 × 1320 px from its top, once its figures are drawn (the period report's image,
docs/img/report.png, is its PDF's first page: tests/report renders it).
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _facilities(page: Page) -> None:
    page.wait_for_selector('.zone-card[data-zone="z3"] .value[data-quantity="co2_ppm"]')
    page.locator('.zone-card[data-zone="z3"]').click()
    page.wait_for_selector('#charts svg[data-quantity="co2_ppm"] path')


def _risk(page: Page) -> None:
    cells = page.locator(".heat-button[data-team]")
    cells.first.wait_for()
    # The riskiest cell's drivers, as a manager would open them first.
    risks = cells.evaluate_all("bs => bs.map((b) => parseFloat(b.textContent.replace(',', '.')) || 0)")
    cells.nth(risks.index(max(risks))).click()
    page.wait_for_selector("#risk-details-body h3")


# The demo starts with an empty improvement board: the picture shows one as a centre's weekly meeting has it.
BOARD = (
    {"title": "Injustera ventilationen i svarsgrupp 3", "zone": "z3", "action": "ventilation_rebalancing",
     "owner": "Fastighet", "due_date": "2027-01-29", "status": "in_progress",
     "description": "CO₂ över 1 000 ppm de flesta eftermiddagar."},
    {"title": "Ljudabsorbenter vid telefonerna", "zone": "z5", "action": "acoustic_absorbers",
     "owner": "Anna Lind", "due_date": "2027-02-26", "status": "proposed"},
    {"title": "Byt filter i aggregatet", "zone": "z1", "action": "filter_change", "owner": "Fastighet",
     "status": "done"},
    {"title": "Skrivbordslampor i svarsgrupp 7", "zone": "z7", "action": "task_lights", "owner": "Chef",
     "due_date": "2026-12-18", "status": "proposed"},
)  # fmt: skip


def _fill_board(url: str, username: str, password: str) -> None:
    token = httpx.post(f"{url}/api/v1/auth/token", data={"username": username, "password": password}, timeout=60)
    token.raise_for_status()
    auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    for item in BOARD:
        httpx.post(f"{url}/api/v1/board/items", json=item, headers=auth, timeout=60).raise_for_status()


def _attached(page: Page, selector: str) -> None:
    page.locator(selector).first.wait_for(state="attached")


@dataclass(frozen=True)
class Shot:
    """One README image: the page, as whom, and what to wait for (or do) before the picture."""

    name: str
    role: str
    path: str
    ready: Callable[[Page], None] | None = None


SHOTS = (
    Shot("facilities", "facilities", "/facilities", _facilities),
    Shot("zone", "facilities", "/zone?zone=z3", lambda p: p.locator("#zone-now .now-tile").first.wait_for()),
    Shot("hr", "hr", "/hr", lambda p: _attached(p, "#hr-chart-forest-table tbody tr")),
    Shot("risk", "manager", "/risk", _risk),
    Shot("board", "manager", "/board", lambda p: p.wait_for_selector(".board-card")),
    Shot(
        "feedback",
        "manager",
        "/feedback",
        lambda p: p.locator("#failure-chart-table tbody tr").first.wait_for(state="attached"),
    ),
    Shot("goals", "manager", "/goals?lang=en", lambda p: p.wait_for_selector('body[data-ready="true"]')),
)


def main() -> None:
    args = sys.argv[1:]
    out_dir = ROOT / "docs" / "img"
    if "--out" in args:
        at = args.index("--out")
        out_dir = Path(args[at + 1])
        del args[at : at + 2]
    unknown = sorted(set(args) - {s.name for s in SHOTS})
    if unknown:
        raise SystemExit(f"no such screenshot: {', '.join(unknown)} (known: {', '.join(s.name for s in SHOTS)})")
    wanted = [s for s in SHOTS if not args or s.name in args]
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed: run scripts/install-system-deps.sh")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "demo"
        officewell = Path(sys.executable).with_name("officewell")
        proc = subprocess.Popen(
            [
                str(officewell),
                "demo",
                "--port",
                str(free_port()),
                "--mqtt-port",
                str(free_port()),
                "--data-dir",
                str(data_dir),
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            while not (data_dir / "demo.json").exists():
                if proc.poll() is not None:
                    raise SystemExit("the demo stopped before it was ready")
                time.sleep(0.2)
            info = json.loads((data_dir / "demo.json").read_text())
            passwords = {u["role"]: (u["username"], u["password"]) for u in info["users"]}
            time.sleep(6)  # one round of live readings
            if any(shot.name == "board" for shot in wanted):
                _fill_board(info["url"], *passwords["manager"])
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
                for shot in wanted:
                    context = browser.new_context(viewport={"width": 1200, "height": 1320})
                    page = context.new_page()
                    page.goto(f"{info['url']}{shot.path}")
                    username, password = passwords[shot.role]
                    page.fill("#username", username)
                    page.fill("#password", password)
                    page.click("#login-form button[type=submit]")
                    page.locator("#app-view").wait_for(state="visible")
                    page.set_default_timeout(300_000)  # the first analysis of the demo's history takes its time
                    if shot.ready is not None:
                        shot.ready(page)
                    page.wait_for_timeout(2500)  # charts finish their animation
                    out = out_dir / f"{shot.name}.png"
                    out.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(out))
                    context.close()
                    print(f"saved {out}")
                browser.close()
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(20)


if __name__ == "__main__":
    main()
