"""`officewell serve` behind a proxy: whom it believes X-Forwarded-* from, and which origins may call it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from officewell.cli import app
from officewell.settings import SettingsError, build_settings
from tests.conftest import EXAMPLE_SITE
from tests.officewell.conftest import KEY

runner = CliRunner()


@pytest.fixture
def served(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """What `serve` hands uvicorn.run, which is not started."""
    clean_env.setenv("OFFICEWELL_SITE", str(EXAMPLE_SITE))
    clean_env.setenv("OFFICEWELL_DATA_DIR", str(tmp_path))
    clean_env.setenv("OFFICEWELL_SECRET_KEY", KEY)
    clean_env.delenv("FORWARDED_ALLOW_IPS", raising=False)
    calls: dict[str, Any] = {}

    def run(asgi: Any, **options: Any) -> None:
        calls.update(options, app=asgi)

    clean_env.setattr("uvicorn.run", run)
    return calls


def test_serve_trusts_forwarded_headers_from_loopback_only_by_default(served: dict[str, Any]) -> None:
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert served["proxy_headers"] is True
    assert served["forwarded_allow_ips"] == ["127.0.0.1", "::1"]
    answer = TestClient(served["app"]).get("/healthz", headers={"Origin": "https://intranet.example"})
    assert "access-control-allow-origin" not in answer.headers


def test_serve_takes_the_proxies_and_origins_from_the_environment(
    served: dict[str, Any], clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("OFFICEWELL_FORWARDED_ALLOW_IPS", "10.0.0.5, 10.1.0.0/16")
    clean_env.setenv("OFFICEWELL_CORS_ORIGINS", '["https://intranet.example"]')
    assert runner.invoke(app, ["serve"]).exit_code == 0
    assert served["forwarded_allow_ips"] == ["10.0.0.5", "10.1.0.0/16"]
    answer = TestClient(served["app"]).get("/healthz", headers={"Origin": "https://intranet.example"})
    assert answer.headers["access-control-allow-origin"] == "https://intranet.example"


def test_uvicorns_own_variable_is_refused_rather_than_ignored(
    served: dict[str, Any], clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "set OFFICEWELL_FORWARDED_ALLOW_IPS" in " ".join(result.output.split())
    assert served == {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://a.example, http://b.example:8080", ["https://a.example", "http://b.example:8080"]),
        ('["https://a.example"]', ["https://a.example"]),
        ("", []),
    ],
)
def test_cors_origins_are_a_json_list_or_commas(clean_env: pytest.MonkeyPatch, value: str, expected: list[str]) -> None:
    clean_env.setenv("OFFICEWELL_CORS_ORIGINS", value)
    assert build_settings().cors_origins == expected


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("OFFICEWELL_CORS_ORIGINS", "https://a.example/", "is not an origin"),
        ("OFFICEWELL_CORS_ORIGINS", "intranet.example", "is not an origin"),
        ("OFFICEWELL_CORS_ORIGINS", '["https://a.example"', "not a JSON list"),
        ("OFFICEWELL_FORWARDED_ALLOW_IPS", "proxy.example", "is not an IP address or network"),
        ("OFFICEWELL_FORWARDED_ALLOW_IPS", "10.0.0.5/24", "is not an IP address or network"),
        ("OFFICEWELL_FORWARDED_ALLOW_IPS", "*, 10.0.0.5", "give it alone"),
    ],
)
def test_what_uvicorn_or_a_browser_would_never_match_is_refused(
    clean_env: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    clean_env.setenv(variable, value)
    with pytest.raises(SettingsError, match=says) as caught:
        build_settings()
    assert variable in str(caught.value)


def test_serve_logs_requests_in_the_configured_format(tmp_path: Path) -> None:
    """A real `officewell serve`: its access log and start-up lines are JSON lines like the rest of its log."""
    import json
    import os
    import subprocess
    import sys

    import httpx

    from tests.conftest import free_port, wait_for_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFFICEWELL_")}
    env |= {
        "OFFICEWELL_SITE": str(EXAMPLE_SITE), "OFFICEWELL_DATA_DIR": str(tmp_path), "OFFICEWELL_SECRET_KEY": KEY,
        "OFFICEWELL_LOG_FORMAT": "json", "OFFICEWELL_ALERTS": "false",
    }  # fmt: skip
    exe = Path(sys.executable).with_name("officewell")
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)], stdout=out, stderr=out, env=env
        )
        try:
            wait_for_port(port, timeout_s=60)
            assert httpx.get(f"http://127.0.0.1:{port}/healthz?probe=1", timeout=10).status_code == 200
        finally:
            server.terminate()
            server.wait(30)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON: none in uvicorn's own format
    access = [r for r in records if r["logger"] == "uvicorn.access"]
    assert any("GET /healthz?probe=1" in r["message"] and "200" in r["message"] for r in access), lines
    assert any(r["logger"] == "uvicorn.error" and "Uvicorn running" in r["message"] for r in records), lines
