"""The evidence routes on a generated year in real stores: what each role sees, limits, and one analysis per import."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cache import AnalysisFigures
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from models.analysis import Period
from officewell.runners.analyze import load_catalogue, load_evidence, run_analysis
from tests.support.centre import CentreStores, with_a_done_action

NOW = datetime(2026, 1, 2, 12, tzinfo=UTC)  # a Friday: the default period ends on Sunday 2025-12-28
PERIOD = {"since": "2025-01-06", "until": "2025-12-28"}


class Counting:
    """The wiring's analysis on the test stores, counting its calls."""

    def __init__(self, site, stores) -> None:
        self.site, self.stores, self.calls = site, stores, []
        self.evidence, self.catalogue = load_evidence(), load_catalogue()

    def __call__(self, period: Period):
        self.calls.append(period)
        return run_analysis(
            self.site, self.stores.store, self.stores.records, self.evidence, period, catalogue=self.catalogue
        )


@pytest.fixture(scope="module")
def analyse(example_site, centre_stores):
    return Counting(example_site, centre_stores)


@pytest.fixture(scope="module")
def client(example_site, centre_stores, analyse):
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, f"{role.value}-password")
    services = Services(
        example_site, centre_stores.store, MemoryDeadLetterLog(), users, TokenSigner("e" * 40),
        records=centre_stores.records, analyse=analyse, now=lambda: NOW,
    )  # fmt: skip
    with TestClient(create_app(services)) as client:  # the warm-up computes the default period's analysis
        yield client


def headers(client, role: Role) -> dict[str, str]:
    token = client.post("/api/v1/auth/token", data={"username": role.value, "password": f"{role.value}-password"})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_every_role_with_the_evidence_area_sees_the_associations(client):
    for role in Role:
        response = client.get("/api/v1/evidence/associations", params=PERIOD, headers=headers(client, role))
        assert response.status_code == 200, role
        body = response.json()
        assert body["period"] == {"start": "2025-01-06", "end": "2025-12-28"}
        assert body["data"]["teams"] == 12
        assert len(body["associations"]) == 54
        first = body["associations"][0]
        assert {"rate_ratio", "ci_low", "ci_high", "prior", "combined", "confidence", "statement", "n"} <= set(first)
        # The count of sick spells or days behind an association can be one group's: HR and admin only.
        sick = [a for a in body["associations"] if a["outcome"] != "answer_rate"]
        answers = [a for a in body["associations"] if a["outcome"] == "answer_rate"]
        counted = role in (Role.HR, Role.ADMIN)
        assert all((a["events"] is not None) == counted for a in sick), role
        assert all(a["events"] is not None for a in answers), role
        assert all("events in" not in (a["reason"] or "") for a in body["associations"])
    assert client.get("/api/v1/evidence/associations").status_code == 401


def test_associations_filter_by_quantity_and_outcome(client):
    body = client.get(
        "/api/v1/evidence/associations",
        params={**PERIOD, "quantity": "co2_ppm", "outcome": "short_term_sick_spells"},
        headers=headers(client, Role.MANAGER),
    ).json()
    assert sorted((a["quantity"], a["outcome"], a["lag_weeks"]) for a in body["associations"]) == [
        ("co2_ppm", "short_term_sick_spells", lag) for lag in (0, 1, 2)
    ]
    assert body["associations"][0]["prior"]["source"]


def test_the_warm_up_computes_the_default_period_once(example_site, centre_stores):
    from api.warmup import warm

    counting = Counting(example_site, centre_stores)
    users = MemoryUserDirectory()
    users.add(Role.HR.value, Role.HR, f"{Role.HR.value}-password")
    services = Services(
        example_site, centre_stores.store, MemoryDeadLetterLog(), users, TokenSigner("e" * 40),
        records=centre_stores.records, analyse=counting, now=lambda: NOW,
    )  # fmt: skip
    with TestClient(create_app(services)) as client:  # starts a warm-up of its own in the background
        warm(services)  # and this one waits for it, or computes: either way one analysis in all
        (warmed,) = counting.calls  # two years of whole weeks up to the Sunday before NOW
        assert warmed.end == date(2025, 12, 28)
        assert (warmed.end - warmed.start).days + 1 == 104 * 7
        hr = headers(client, Role.HR)
        for path in ("associations", "exposure", "actions"):
            assert client.get(f"/api/v1/evidence/{path}", headers=hr).status_code == 200
        assert len(counting.calls) == 1  # served from what the warm-up computed


def test_exposure_per_zone_and_week(client):
    body = client.get(
        "/api/v1/evidence/exposure", params={**PERIOD, "zone": "z3", "quantity": "co2_ppm"},
        headers=headers(client, Role.FACILITIES),
    ).json()  # fmt: skip
    assert len(body["weeks"]) == 51
    assert {w["zone"] for w in body["weeks"]} == {"z3"}
    assert all(w["status"] == "ok" and w["completeness"] > 0.99 for w in body["weeks"])
    assert [w["week_start"] for w in body["weeks"]] == sorted(w["week_start"] for w in body["weeks"])
    for week in body["weeks"]:  # each Monday's ISO week, as Swedish calendars number it
        monday = date.fromisoformat(week["week_start"])
        assert monday.weekday() == 0
        assert week["iso_week"] == f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
    assert len({w["iso_week"] for w in body["weeks"]}) == 51
    assert (body["weeks"][0]["week_start"], body["weeks"][0]["iso_week"]) == ("2025-01-06", "2025-W02")
    (summary,) = body["summary"]
    assert summary["unit"] == "ppm"
    assert summary["weeks_with_data"] == 51


def test_hr_sees_actions_on_each_teams_own_rate_others_on_the_centres(client):
    own = client.get("/api/v1/evidence/actions", params=PERIOD, headers=headers(client, Role.HR)).json()
    assert own["baseline"] == "each team's own short-term sick days"
    services = client.app.state.services
    period = Period(date(2025, 1, 6), date(2025, 12, 28))
    _, analysis = services.caches.analyses.get(services.records, period, services.analyse, NOW)
    _, team_rates = analysis.ranked_actions(team_rates=True)
    _, centre_rate = analysis.ranked_actions(team_rates=False)
    assert team_rates != centre_rate  # the baselines differ, so the two rankings must too
    key = ("zone", "action", "expected_sick_days_avoided_per_year", "rank")
    assert [tuple(a[k] for k in key) for a in own["actions"]] == [tuple(a[k] for k in key) for a in team_rates[:100]]
    for role in (Role.MANAGER, Role.FACILITIES):
        centre = client.get("/api/v1/evidence/actions", params=PERIOD, headers=headers(client, role)).json()
        assert centre["baseline"] == "the centre's average"
        # One rate for every group: the days a zone's action avoids no longer tell that group's sick leave.
        assert [tuple(a[k] for k in key) for a in centre["actions"]] == [
            tuple(a[k] for k in key) for a in centre_rate[:100]
        ]
    admin = client.get("/api/v1/evidence/actions", params=PERIOD, headers=headers(client, Role.ADMIN)).json()
    assert admin["baseline"] == own["baseline"]
    ranks = [a["rank"] for a in own["actions"]]
    assert ranks == sorted(ranks)
    assert ranks[0] == 1


def test_each_action_says_how_much_it_rests_on_the_sites_own_data(client):
    hr = headers(client, Role.HR)
    actions = client.get("/api/v1/evidence/actions", params={**PERIOD, "limit": 500}, headers=hr).json()["actions"]
    associations = client.get(
        "/api/v1/evidence/associations", params={**PERIOD, "outcome": "short_term_sick_spells"}, headers=hr
    ).json()["associations"]
    # The actions rank on the combined sick-spell estimate at lag 0: its local weight is the association's.
    weight = {a["quantity"]: a["local_weight"] for a in associations if a["lag_weeks"] == 0}
    estimated = [a for a in actions if a["quantity"] in weight and a["confidence"] != "none"]
    assert estimated, "the planted centre has estimates to rank on"
    for row in estimated:
        assert row["local_weight"] == pytest.approx(weight[row["quantity"]], abs=1e-3)
        assert 0 <= row["local_weight"] <= 1
    assert any(0 < row["local_weight"] < 1 for row in estimated)  # site and research combined, not one alone


def test_actions_of_one_zone_and_a_limit(client):
    body = client.get(
        "/api/v1/evidence/actions", params={**PERIOD, "zone": "z5", "limit": 3}, headers=headers(client, Role.MANAGER)
    ).json()
    assert len(body["actions"]) == 3
    assert {a["zone"] for a in body["actions"]} == {"z5"}
    assert all(a["sources"] for a in body["actions"])


@pytest.mark.parametrize(
    ("path", "params", "words"),
    [
        ("associations", {"quantity": "radon"}, "unknown quantity"),
        ("associations", {"outcome": "happiness"}, "unknown outcome"),
        ("exposure", {"zone": "z99"}, "unknown zone"),
        ("actions", {"since": "2025-06-02", "until": "2025-03-02"}, "after"),
        ("actions", {"since": "2015-01-05", "until": "2025-03-02"}, "five years"),
        ("exposure", {"since": "1999-01-01"}, "outside the days"),
        ("actions", {"limit": 0}, "limit"),
    ],
)
def test_bad_requests_get_a_sentence(client, path, params, words):
    response = client.get(f"/api/v1/evidence/{path}", params=params, headers=headers(client, Role.HR))
    assert response.status_code == 422
    assert words in response.json()["detail"]


def test_without_an_analysis_configured_the_routes_say_so(example_site, centre_stores):
    users = MemoryUserDirectory()
    users.add("hr", Role.HR, "hr-password")
    services = Services(
        example_site, centre_stores.store, MemoryDeadLetterLog(), users, TokenSigner("e" * 40),
        records=centre_stores.records,
    )  # fmt: skip
    client = TestClient(create_app(services))
    token = client.post("/api/v1/auth/token", data={"username": "hr", "password": "hr-password"}).json()
    response = client.get("/api/v1/evidence/associations", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert response.status_code == 503
    assert "analysis" in response.json()["detail"]


@pytest.fixture(scope="module")
def board_client(example_site, centre_stores, tmp_path_factory):
    """A server whose records hold one done improvement (z3, ventilation, 2 June 2025)."""
    records = with_a_done_action(centre_stores, tmp_path_factory.mktemp("board"))
    stores = CentreStores(centre_stores.centre, records, centre_stores.store, centre_stores.start,
                          centre_stores.end, centre_stores.directory)  # fmt: skip
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, f"{role.value}-password")
    services = Services(
        example_site, centre_stores.store, MemoryDeadLetterLog(), users, TokenSigner("e" * 40),
        records=records, analyse=Counting(example_site, stores), now=lambda: NOW,
    )  # fmt: skip
    yield TestClient(create_app(services))
    records.close()


def test_follow_up_shows_a_small_groups_sick_leave_to_hr_only(board_client):
    for role, shown in ((Role.HR, True), (Role.ADMIN, True), (Role.MANAGER, False), (Role.FACILITIES, False)):
        body = board_client.get("/api/v1/evidence/follow-up", params=PERIOD, headers=headers(board_client, role)).json()
        assert body["small_groups_shown"] is shown
        (item,) = body["follow_ups"]
        assert (item["zone"], item["action"], item["window"]["done_on"]) == (
            "z3",
            "ventilation_rebalancing",
            "2025-06-02",
        )
        by_outcome = {c["outcome"]: c for c in item["comparisons"]}
        assert by_outcome["exposure"]["quantity"] == "co2_ppm"
        assert by_outcome["exposure"]["status"] == "estimated"
        sick = by_outcome["short_term_sick_spells"]
        if shown:
            assert sick["status"] != "withheld"
            assert sick["group_size"] == 1  # team-3 has three people, one only in some summer weeks compared
            assert sick["events"] is not None
        else:
            assert sick["status"] == "withheld"
            for name in ("estimate", "treated_before", "events_before", "events", "control_before", "control_after"):
                assert sick[name] is None, name
            assert "HR only" in item["statement"]
        assert "others_size" not in sick  # the sizes behind the rule are not published
    other_zone = board_client.get(
        "/api/v1/evidence/follow-up", params={**PERIOD, "zone": "z5"}, headers=headers(board_client, Role.HR)
    ).json()
    assert other_zone["follow_ups"] == []  # z5's item is only proposed


# ----- the cache itself -------------------------------------------------------------------------------


class Records:
    """Stands in for the records store: only its data version is read."""

    def __init__(self) -> None:
        self.stamp = 1

    def data_version(self) -> int:
        return self.stamp


def test_an_import_makes_the_kept_analysis_useless_a_day_of_readings_only_stale():
    figures = AnalysisFigures(ttl=timedelta(hours=6))
    records, computed = Records(), []
    period = Period(date(2025, 1, 6), date(2025, 12, 28))

    def compute(p: Period) -> str:
        computed.append(p)
        return f"analysis {len(computed)}"

    first = figures.get(records, period, compute, NOW)  # type: ignore[arg-type]
    assert first == (NOW, "analysis 1")
    assert figures.get(records, period, compute, NOW + timedelta(hours=1)) == first  # type: ignore[arg-type]
    records.stamp = 2  # a file was imported: computed anew, and the caller waits for it
    assert figures.get(records, period, compute, NOW + timedelta(hours=2))[1] == "analysis 2"  # type: ignore[arg-type]
    # Older than the ttl: the kept one is served at once while a new one is computed behind.
    late = NOW + timedelta(hours=9)
    assert figures.get(records, period, compute, late)[1] == "analysis 2"  # type: ignore[arg-type]
    figures.join(10)
    assert figures.get(records, period, compute, late)[1] == "analysis 3"  # type: ignore[arg-type]
    assert len(computed) == 3


@pytest.mark.parametrize("route", ["associations", "actions", "follow-up"])
def test_each_read_of_absence_derived_evidence_is_audited_with_who_what_and_how_many(client, centre_stores, route):
    records = centre_stores.records
    before = records.audit_page(action="read", limit=1)[1]
    answer = client.get(f"/api/v1/evidence/{route}", params=PERIOD | {"zone": "z1"}, headers=headers(client, Role.HR))
    assert answer.status_code == 200
    entries, total = records.audit_page(action="read", limit=1)
    assert total == before + 1
    entry = entries[0]
    assert entry.actor == "hr"
    assert entry.resource == f"GET /evidence/{route}"
    assert entry.details["filters"] == PERIOD | {"zone": "z1"}
    assert entry.details["role"] == "hr"
    # Everyone on the roster in the analysed period: the generated centre has 36 people, some leave and are replaced.
    assert entry.details["people"] >= 36


def test_exposure_is_room_data_and_not_audited(client, centre_stores):
    records = centre_stores.records
    before = records.audit_page(action="read", limit=1)[1]
    assert client.get("/api/v1/evidence/exposure", params=PERIOD, headers=headers(client, Role.HR)).status_code == 200
    assert records.audit_page(action="read", limit=1)[1] == before


def test_a_refused_read_leaves_no_audit_entry(client, centre_stores):
    records = centre_stores.records
    before = records.audit_page(action="read", limit=1)[1]
    refused = client.get("/api/v1/evidence/associations", params={"quantity": "nope"}, headers=headers(client, Role.HR))
    assert refused.status_code == 422
    assert records.audit_page(action="read", limit=1)[1] == before
