"""The gateway raises its own errors, so that callers catch GatewayError (or a subclass), not built-ins."""

from datetime import datetime

import pytest

from gateway import errors
from gateway.errors import GatewayConfigError, GatewayError, InvalidRequestError
from gateway.mqtt import BrokerAddress
from gateway.outbox import Outbox
from gateway.pipeline import Pipeline
from gateway.service import Gateway, GatewayOptions
from gateway.stores import MemoryReadingStore


def test_a_persistent_session_without_a_client_id_is_a_configuration_error(example_site, tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    with pytest.raises(GatewayConfigError, match="persistent session needs a stable client id") as caught:
        Gateway(
            Pipeline(example_site),
            MemoryReadingStore(),
            outbox,
            BrokerAddress("127.0.0.1", 1883),
            GatewayOptions(client_id=None, persistent_session=True),
        )
    assert isinstance(caught.value, GatewayError)
    outbox.close()


def test_a_naive_receipt_time_is_the_gateways_error_naming_the_time(example_site):
    with pytest.raises(GatewayError, match=r"received_at must be timezone-aware, got datetime.datetime\(2026, 1, 1"):
        Pipeline(example_site).handle("officewell/kc-main/z1/aq-01", b"{}", datetime(2026, 1, 1))  # noqa: DTZ001


def test_argument_errors_stay_value_errors_for_older_callers():
    for name in ("GatewayConfigError", "InvalidRequestError", "LineProtocolError", "StoreQueryError", "StoreURLError"):
        error = getattr(errors, name)
        assert issubclass(error, GatewayError)
        assert issubclass(error, ValueError)
    assert issubclass(errors.StoreQueryError, InvalidRequestError)
