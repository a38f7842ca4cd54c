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
