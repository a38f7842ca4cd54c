"""Web pages for the centre's people; they talk to the API over HTTP only."""

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
