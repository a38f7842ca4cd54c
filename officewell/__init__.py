"""officewell: settings, the command line and the wiring of sensors, gateway, stores and API."""

__version__ = "0.1.0"
