from datetime import UTC, datetime, timedelta

import pytest

from gateway.errors import InvalidRequestError
from gateway.pipeline import MAX_PAYLOAD_BYTES, Limits, Pipeline

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TOPIC = "officewell/kc-main/z1/aq-01"


@pytest.fixture
def pipeline(example_site):
    return Pipeline(example_site)


def test_good_message_becomes_one_reading(pipeline):
    out = pipeline.handle(TOPIC, b'{"ts": "2026-11-24T09:59:00Z", "co2_ppm": 812, "sound_dba": 52.3}', NOW)
    [reading] = out.readings
    assert (reading.site, reading.zone, reading.device) == ("kc-main", "z1", "aq-01")
    assert reading.ts == datetime(2026, 11, 24, 9, 59, tzinfo=UTC)
    assert dict(reading.values) == {"co2_ppm": 812.0, "sound_dba": 52.3}
    assert out.dead_letters == ()


def test_partly_bad_message_keeps_the_valid_quantities_and_dead_letters_the_rest(pipeline):
    payload = b'{"co2_ppm": 700, "temperature_c": 99, "humidity_pct": "dry", "foo": 1}'
    out = pipeline.handle(TOPIC, payload, NOW)
    assert dict(out.readings[0].values) == {"co2_ppm": 700.0}
    [letter] = out.dead_letters
    assert letter.partial
    assert "temperature_c: 99 °C outside the plausible range -20–60" in letter.reason
    assert "humidity_pct: expected a number" in letter.reason
    assert letter.payload == payload
    assert out.ignored_keys == 1


def test_missing_ts_takes_the_time_of_receipt(pipeline):
    out = pipeline.handle(TOPIC, b'{"co2_ppm": 500}', NOW)
    assert out.readings[0].ts == NOW


def test_an_unregistered_native_device_is_a_dead_letter_even_in_a_known_zone(pipeline):
    out = pipeline.handle("officewell/kc-main/z1/rogue-01", b'{"co2_ppm": 8666}', NOW)
    assert out.readings == ()
    [letter] = out.dead_letters
    assert letter.reason == (
        "unregistered native device 'rogue-01' (its message names zone 'z1'): add it to the site file "
        '([[devices]] with its id, its zone and format = "native")'
    )
    assert out.unregistered_devices == ("rogue-01",)
    [seen] = out.seen
    assert (seen.device, seen.zone, seen.registered) == ("rogue-01", "z1", False)


def test_a_listed_device_whose_message_is_refused_is_not_counted_as_heard_from(pipeline):
    """Sensor health must not call a device healthy whose messages all end as dead letters."""
    wrong_zone = pipeline.handle("officewell/kc-main/z2/aq-01", b'{"co2_ppm": 500}', NOW)
    assert wrong_zone.readings == ()
    assert wrong_zone.seen == ()
    implausible = pipeline.handle(TOPIC, b'{"co2_ppm": -5}', NOW)
    assert implausible.readings == ()
    assert implausible.seen == ()
    [ok] = pipeline.handle(TOPIC, b'{"co2_ppm": 500, "battery": 80}', NOW).seen
    assert (ok.device, ok.zone, ok.registered) == ("aq-01", "z1", True)


def test_a_topic_with_control_characters_is_stored_escaped_and_capped(pipeline):
    topic = "officewell/kc-main/z1/x\n2026-11-30 20:00:00 ERROR forged" + "/y" * 30_000
    [letter] = pipeline.handle(topic, b'{"co2_ppm": 500}', NOW).dead_letters
    assert "\n" not in letter.topic
    assert "\\n2026-11-30" in letter.topic
    assert len(letter.topic) < 600
    assert len(letter.reason) < 1100


BAD = [
    ("malformed JSON", TOPIC, b'{"co2_ppm": 5', "not valid JSON"),
    ("non-UTF-8", TOPIC, b'{"co2_ppm": "\xe9"}', "not UTF-8"),
    ("unknown topic", "sensors/room1", b'{"co2_ppm": 500}', "unknown topic 'sensors/room1'"),
    ("wrong site", "officewell/other/z1/aq-01", b'{"co2_ppm": 500}', "site 'other' is not this gateway's site"),
    ("unknown zone", "officewell/kc-main/z99/aq-01", b'{"co2_ppm": 500}', "unknown zone 'z99'"),
    ("device in the wrong zone", "officewell/kc-main/z2/aq-01", b'{"co2_ppm": 500}', "sits in zone 'z1'"),
    ("wrong type", TOPIC, b'{"co2_ppm": "high"}', "co2_ppm: expected a number"),
    ("boolean", TOPIC, b'{"co2_ppm": true}', "co2_ppm: expected a number, got true"),
    ("out of range", TOPIC, b'{"co2_ppm": 20000}', "outside the plausible range 250–10000"),
    ("negative lux", TOPIC, b'{"illuminance_lux": -5}', "illuminance_lux: -5 lx outside"),
    ("huge float", TOPIC, b'{"co2_ppm": 1e999}', "not a finite number"),
    ("NaN literal", TOPIC, b'{"co2_ppm": NaN}', "NaN is not a JSON number"),
    ("no known quantity", TOPIC, b'{"battery": 80}', "no known quantity in the message (ignored keys: battery)"),
    ("empty object", TOPIC, b"{}", "no known quantity"),
    ("empty payload", TOPIC, b"", "not valid JSON"),
    ("huge payload", TOPIC, b'{"x": "' + b"a" * MAX_PAYLOAD_BYTES + b'"}', "exceeds the 16384-byte limit"),
    ("far future", TOPIC, b'{"ts": "2027-01-01T00:00:00Z", "co2_ppm": 500}', "ahead of receipt"),
    ("far past", TOPIC, b'{"ts": "2015-02-02T14:19:00Z", "co2_ppm": 500}', "older than 30 days"),
    ("not an object", TOPIC, b"[500]", "must be a JSON object"),
    ("newline in a topic", TOPIC + "\n", b'{"co2_ppm": 500}', "is not officewell/{site}/{zone}/{device}"),
]


@pytest.mark.parametrize(("case", "topic", "payload", "reason"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_dead_letter_with_a_reason(pipeline, case, topic, payload, reason):
    out = pipeline.handle(topic, payload, NOW)
    assert out.readings == ()
    [letter] = out.dead_letters
    assert reason in letter.reason, letter.reason
    assert not letter.partial
    assert letter.topic == topic.replace("\n", "\\n")  # stored with its control characters escaped
    assert letter.payload_size == len(payload)
    assert len(letter.payload) <= 16 * 1024


def test_limits_are_configurable(example_site):
    pipeline = Pipeline(example_site, Limits(max_age=timedelta(days=5000)))
    out = pipeline.handle(TOPIC, b'{"ts": "2015-02-02T14:19:00Z", "co2_ppm": 500}', NOW)
    assert len(out.readings) == 1


def test_naive_receipt_time_is_a_programming_error(pipeline):
    with pytest.raises(InvalidRequestError, match="timezone-aware"):
        pipeline.handle(TOPIC, b"{}", datetime(2026, 1, 1))  # noqa: DTZ001


def test_subscriptions_cover_the_native_topics(pipeline):
    assert pipeline.topic_filters() == ["officewell/kc-main/+/+"]
