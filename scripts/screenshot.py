"""Take the README's screenshot: run `officewell demo`, log in as facilities in headless Chromium.

Usage: .venv/bin/python scripts/screenshot.py [OUTPUT.png]   (default docs/img/facilities.png)
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
from pathlib import Path

from playwright.sync_api import sync_playwright

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


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img" / "facilities.png"
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
            user = next(u for u in info["users"] if u["role"] == "facilities")
            time.sleep(6)  # one round of live readings
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(f"{info['url']}/facilities")
                page.fill("#username", user["username"])
                page.fill("#password", user["password"])
                page.click("#login-form button[type=submit]")
                page.wait_for_selector('.zone-card[data-zone="z3"] .value[data-quantity="co2_ppm"]')
                page.locator('.zone-card[data-zone="z3"]').click()
                page.wait_for_selector('#charts svg[data-quantity="co2_ppm"] path')
                page.wait_for_timeout(2500)
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=True)
                browser.close()
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(20)
    print(f"saved {out}")


if __name__ == "__main__":
    main()
