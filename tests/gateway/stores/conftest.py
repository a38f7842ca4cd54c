"""The real servers of tests/services.py, for every test in this package."""

from tests.services import influxdb_server, victoria_metrics

__all__ = ["influxdb_server", "victoria_metrics"]
