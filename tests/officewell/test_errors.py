"""The command line catches the packages' own errors; the runners turn the synthetic ones into officewell's."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time

import pytest

from models.errors import ModelInputError
from models.staffing import interval_offsets
from officewell.console import known_errors
from officewell.errors import OfficewellError, SimulationError
from officewell.runners.centre import import_demo_centre
from officewell.runners.simulate import simulator_for
from records.store import RecordsStore
from sensors.site import parse_site


def _reported(call: Callable[[], object]) -> str:
    """What a command would print: the message of one of the known errors (anything else propagates)."""
    try:
        call()
    except known_errors() as exc:
        return str(exc)
    return "nothing raised"


def test_a_bad_model_input_is_one_of_the_errors_a_command_reports():
    assert _reported(lambda: interval_offsets(time(8), time(17), 0)) == "interval_minutes must be positive"
    assert issubclass(ModelInputError, known_errors())
    assert ValueError not in known_errors()  # built-ins are bugs, not messages for the user


def test_a_seed_the_simulator_refuses_is_an_officewell_error(example_site):
    with pytest.raises(SimulationError, match="cannot simulate site 'kc-main': seed must be a non-negative integer"):
        simulator_for(example_site, -1, datetime(2026, 11, 1, tzinfo=UTC))


def test_a_site_without_teams_gives_no_demo_centre_and_imports_nothing(tmp_path):
    site = parse_site('[site]\nid = "kc-main"\n[[zones]]\nid = "z1"\n')
    store = RecordsStore.open(f"sqlite:///{tmp_path / 'records.db'}", "k" * 40)
    with pytest.raises(OfficewellError, match=r"cannot generate a centre for site 'kc-main': .*no zone with teams"):
        import_demo_centre(store, site, tmp_path / "centre", date(2026, 11, 24), days=30)
    assert not (tmp_path / "centre").exists()
    assert store.calls_frame().empty
    store.close()
