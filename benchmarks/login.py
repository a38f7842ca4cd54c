"""Memory and answers of the API under 200 concurrent wrong logins: without the throttle (as before) and with it.

Each mode runs the real app under uvicorn in its own process (so its resident memory is its own); the
driver fires N concurrent wrong passwords for one user, samples the server's RSS every 20 ms, and then
tries the right password once.

    .venv/bin/python benchmarks/login.py --concurrent 200
"""

from __future__ import annotations

import argparse
import secrets
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import free_port  # noqa: E402

PASSWORD = "the-right-password-42"  # noqa: S105 - a benchmark user
SECRET = secrets.token_hex(16)


def serve(port: int, throttled: bool) -> None:
    """Serve the API with one user; `throttled=False` admits every check at once and never locks (as before)."""
    import uvicorn

    from api.app import create_app
    from api.deps import Services
    from api.security import Role
    from api.throttle import LoginThrottle, ThrottleRules
    from api.tokens import TokenSigner
    from api.users import MemoryUserDirectory
    from gateway.deadletter_log import MemoryDeadLetterLog
    from gateway.stores import MemoryReadingStore
    from sensors.site import load_site

    users = MemoryUserDirectory()
    users.add("anna", Role.HR, PASSWORD)
    rules = ThrottleRules() if throttled else ThrottleRules(user_failures=10**9, address_failures=10**9,
                                                            concurrent_checks=10**6)  # fmt: skip
    services = Services(
        load_site(ROOT / "examples" / "site.toml"),
        MemoryReadingStore(),
        MemoryDeadLetterLog(),
        users,
        TokenSigner(SECRET),
        login_throttle=LoginThrottle(rules),
    )
    uvicorn.run(create_app(services), host="127.0.0.1", port=port, log_level="error")


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(throttled: bool, concurrent: int) -> dict[str, object]:
    """One mode: start its server, attack it, measure."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port), "--mode", str(int(throttled))])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        baseline = rss_mb(proc.pid)
        peak = baseline
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, rss_mb(proc.pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()

        def attempt(i: int) -> int:
            with httpx.Client(base_url=url, timeout=120) as client:
                body = {"username": "anna", "password": f"guess-{i}"}
                return client.post("/api/v1/auth/token", data=body).status_code

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrent) as pool:
            codes = list(pool.map(attempt, range(concurrent)))
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
        right = httpx.post(url + "/api/v1/auth/token", data={"username": "anna", "password": PASSWORD}).status_code
        return {
            "baseline_mb": baseline,
            "peak_mb": peak,
            "seconds": seconds,
            "codes": {c: codes.count(c) for c in sorted(set(codes))},
            "right_password": right,
        }
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    """Parse the arguments; serve one mode or drive both."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, bool(args.mode))
        return
    print(f"{args.concurrent} concurrent wrong logins for one user, then the right password once")
    results = {}
    for label, throttled in (("without throttle (before)", False), ("with throttle", True)):
        r = results[label] = run(throttled, args.concurrent)
        print(
            f"  {label:<26} RSS {r['baseline_mb']:.0f} -> peak {r['peak_mb']:.0f} MB in {r['seconds']:.1f} s; "
            f"answers {r['codes']}; right password then: {r['right_password']}"
        )
    before, after = results["without throttle (before)"], results["with throttle"]
    growth_before = float(before["peak_mb"]) - float(before["baseline_mb"])  # type: ignore[arg-type]
    growth_after = float(after["peak_mb"]) - float(after["baseline_mb"])  # type: ignore[arg-type]
    print(f"  memory growth with throttle / without: {growth_after:.0f} / {growth_before:.0f} MB"
          f" = {growth_after / max(growth_before, 1e-9):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
