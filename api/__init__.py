"""The HTTP API (FastAPI): thin routes over the stores, protected by bearer tokens and roles."""
