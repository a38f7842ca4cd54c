"""ETags on what the dashboards poll: 304 when nothing changed, never on absence-derived answers."""

from __future__ import annotations

from datetime import timedelta

from api.security import Role
from sensors.reading import Reading
from tests.api.conftest import FIELD_NOW


def test_a_polled_route_answers_304_until_its_data_changes(field_api):
    headers = field_api.headers[Role.FACILITIES]
    first = field_api.client.get("/api/v1/latest", headers=headers)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    assert first.headers["cache-control"] == "private, no-cache"
    again = field_api.client.get("/api/v1/latest", headers=headers | {"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    field_api.services.store.write(
        [Reading("kc-main", "z1", "aq-01", FIELD_NOW - timedelta(seconds=30), {"co2_ppm": 1234.0})]
    )
    changed = field_api.client.get("/api/v1/latest", headers=headers | {"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag


def test_another_tag_or_none_gets_the_whole_answer(field_api):
    headers = field_api.headers[Role.MANAGER]
    plain = field_api.client.get("/api/v1/goals/nki", headers=headers)
    other = field_api.client.get("/api/v1/goals/nki", headers=headers | {"If-None-Match": 'W/"nope"'})
    assert other.status_code == 200
    assert other.json() == plain.json()
    strong = plain.headers["etag"].removeprefix("W/")
    assert field_api.client.get("/api/v1/goals/nki", headers=headers | {"If-None-Match": strong}).status_code == 304


def test_absence_derived_answers_are_never_tagged_or_cached(field_api):
    answer = field_api.client.get("/api/v1/absence", headers=field_api.headers[Role.HR])
    assert answer.status_code == 200
    assert "etag" not in answer.headers
    assert answer.headers["cache-control"] == "no-store"


def test_errors_are_not_tagged(field_api):
    answer = field_api.client.get("/api/v1/zones/nowhere/latest", headers=field_api.headers[Role.FACILITIES])
    assert answer.status_code == 404
    assert "etag" not in answer.headers
