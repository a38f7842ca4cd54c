"""What the command line prints: errors on stderr, one JSON document on stdout, a progress bar for long work."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


def fail(message: str, code: int = 2, *, as_json: bool = False) -> NoReturn:
    """Print `error: message` in red on stderr and exit with `code` (2: bad usage or settings).

    With `as_json` the error is the one JSON document on stdout, `{"error": message}`, as programs expect.
    """
    if as_json:
        print_json({"error": message, "exit_code": code})
    else:
        typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def known_errors(*extra: type[Exception]) -> tuple[type[Exception], ...]:
    """The packages' own error bases (and `extra`): a command turns these into one clean `error:` line.

    Imported on demand (an `except` clause evaluates this only when something was raised), so that
    `officewell --help` does not load the stores and the records database.
    """
    from gateway.errors import GatewayError
    from models.errors import ModelsError
    from officewell.errors import OfficewellError
    from records.errors import RecordsError
    from sensors.errors import SensorsError

    return (OfficewellError, SensorsError, GatewayError, RecordsError, ModelsError, *extra)


def print_json(document: Any) -> None:
    """One JSON document on stdout and nothing else there (contracts §7)."""
    print(json.dumps(document, ensure_ascii=False, default=str), flush=True)


class ProgressBar:
    """A progress bar on stderr that tolerates an unknown or growing total; silent when stderr is not a terminal."""

    def __init__(self, label: str, *, enabled: bool = True) -> None:
        """Show `label` beside the bar once the first update arrives."""
        self._label = label
        self._enabled = enabled and sys.stderr.isatty()
        self._bar: Progress | None = None
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        """Show `done` of `total`."""
        self._show(self._label, done, total)

    def stage(self, label: str) -> Callable[[int, int], None]:
        """An `update` for one stage of the work: the bar starts again under `label`."""

        def update(done: int, total: int) -> None:
            self._show(label, done, total)

        return update

    def _show(self, label: str, done: int, total: int) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(label, total=total)
        self._bar.update(self._task, description=label, completed=done, total=max(total, done))

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
