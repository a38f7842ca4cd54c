import json
import logging

from officewell.logs import configure_logging


def test_json_lines_carry_extra_fields(capsys):
    configure_logging("INFO", "json")
    logging.getLogger("officewell.gateway").warning("outbox full: %d bytes", 42, extra={"outbox_bytes": 42})
    line = capsys.readouterr().err.strip().splitlines()[-1]
    body = json.loads(line)
    assert body["level"] == "WARNING"
    assert body["logger"] == "officewell.gateway"
    assert body["message"] == "outbox full: 42 bytes"
    assert body["outbox_bytes"] == 42
    assert body["ts"].endswith("+00:00")
    configure_logging("INFO", "text")


def test_a_newline_in_a_value_cannot_forge_a_log_line(capsys):
    configure_logging("INFO", "text")
    topic = "officewell/kc-main/z1/x\n2026-11-30 20:00:00,000 ERROR officewell.api: admin logged in\x1b[31m"
    logging.getLogger("officewell.gateway").info("dead letter on %s: %s", topic, "unknown device")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert "\\n2026-11-30 20:00:00,000 ERROR" in lines[0]
    assert "\x1b" not in lines[0]
    assert "\\x1b[31m" in lines[0]


def test_a_huge_value_is_cut(capsys):
    for fmt in ("text", "json"):
        configure_logging("INFO", fmt)
        logging.getLogger("officewell.gateway").info("dead letter on %s", "t/" * 30_000)
        (line,) = capsys.readouterr().err.splitlines()
        assert len(line) < 2200
        assert "more characters)" in line
    configure_logging("INFO", "text")
