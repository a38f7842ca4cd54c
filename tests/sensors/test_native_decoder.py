import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sensors.decoders import DECODERS, decoder_for
from sensors.decoders.native import NativeDecoder, native_topic
from sensors.errors import DecodeError, UnknownFormatError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "native"
TOPIC = native_topic("kc-main", "z1", "aq-01")
decoder = NativeDecoder()


def test_registry_names_the_native_decoder():
    assert decoder_for("native") is DECODERS["native"]
    with pytest.raises(UnknownFormatError, match="known: native"):
        decoder_for("modbus")


def test_contract_example():
    [sample] = decoder.decode(TOPIC, (FIXTURES / "contract_example.json").read_bytes())
    assert (sample.site, sample.zone, sample.device) == ("kc-main", "z1", "aq-01")
    assert sample.ts == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert sample.seq == 1841
    assert sample.values == {
        "co2_ppm": 812.0,
        "temperature_c": 22.4,
        "humidity_pct": 38.5,
        "sound_dba": 52.3,
        "illuminance_lux": 430.0,
    }
    assert sample.rejected == {}
    assert sample.ignored == ()


def test_epoch_seconds_and_unknown_keys_are_counted():
    [sample] = decoder.decode(TOPIC, (FIXTURES / "epoch_with_extras.json").read_bytes())
    assert sample.ts == datetime.fromtimestamp(1795507200, UTC)
    assert set(sample.values) == {"co2_ppm", "pm25_ugm3", "tvoc_ppb"}
    assert sample.ignored == ("battery_pct", "rssi")


def test_offsets_are_kept_and_wrong_types_rejected_per_key():
    [sample] = decoder.decode(TOPIC, (FIXTURES / "partly_bad.json").read_bytes())
    assert sample.ts == datetime(2026, 11, 24, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    assert sample.values == {"co2_ppm": 900.0, "humidity_pct": 250.0}  # range is the pipeline's job
    assert sample.rejected == {"temperature_c": 'expected a number, got "22.1"'}


def test_missing_ts_means_time_of_receipt():
    [sample] = decoder.decode(TOPIC, b'{"co2_ppm": 500}')
    assert sample.ts is None


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        (TOPIC, b"{not json", "not valid JSON"),
        (TOPIC, b"[1, 2]", "must be a JSON object, got list"),
        (TOPIC, b'"text"', "must be a JSON object, got str"),
        (TOPIC, b"\xff\xfe{}", "not UTF-8 (byte 0xff at offset 0)"),
        (TOPIC, b'{"co2_ppm": NaN}', "NaN is not a JSON number"),
        (TOPIC, b'{"co2_ppm": Infinity}', "Infinity is not a JSON number"),
        (TOPIC, b'{"ts": "yesterday", "co2_ppm": 500}', "not an RFC 3339 timestamp"),
        (TOPIC, b'{"ts": "2026-11-24T08:00:00", "co2_ppm": 500}', "has no UTC offset"),
        (TOPIC, b'{"ts": 1795507200000, "co2_ppm": 500}', "milliseconds sent as seconds"),
        (TOPIC, b'{"ts": true, "co2_ppm": 500}', "ts: expected"),
        (TOPIC, b'{"seq": "7", "co2_ppm": 500}', "seq: expected an integer"),
        (TOPIC, b'{"co2_ppm": ' + b"9" * 5000 + b"}", "not valid JSON"),
        (TOPIC, b"[" * 100_000, "not valid JSON"),
        ("officewell/kc-main/z1", b"{}", "is not officewell/{site}/{zone}/{device}"),
        ("officewell/kc-main/z 1/aq-01", b"{}", "segments of 1–64"),
    ],
)
def test_bad_messages_raise_with_a_reason(topic, payload, reason):
    with pytest.raises(DecodeError) as err:
        decoder.decode(topic, payload)
    assert reason in str(err.value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
keys = st.sampled_from(["ts", "seq", "co2_ppm", "temperature_c", "sound_dba", "other"]) | st.text(max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, json_values, max_size=8))
def test_fuzz_json_objects_decode_or_fail_with_a_reason(obj):
    payload = json.dumps(obj).encode()
    try:
        [sample] = decoder.decode(TOPIC, payload)
    except DecodeError as exc:
        assert str(exc)  # noqa: PT017 - fuzzing: either outcome is fine, a reasonless one is not
    else:
        assert all(isinstance(v, float) for v in sample.values.values())
        assert set(sample.values).isdisjoint(sample.rejected)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_arbitrary_bytes_never_escape(payload):
    try:
        decoder.decode(TOPIC, payload)
    except DecodeError as exc:
        assert str(exc)  # noqa: PT017 - fuzzing: either outcome is fine, a reasonless one is not


@pytest.mark.parametrize(
    "payload",
    [
        b'{"co2_ppm":450,"co2_ppm":4999}',
        b'{"ts":"2026-11-24T08:00:00Z","ts":1764000000,"co2_ppm":450}',
        b'{"co2_ppm":450,"meta":{"a":1,"a":2}}',
    ],
)
def test_a_repeated_key_rejects_the_message(payload):
    with pytest.raises(DecodeError, match="appears more than once in one JSON object"):
        decoder.decode(TOPIC, payload)


def test_repeated_keys_are_refused_in_every_json_format():
    body = b'{"temperature": 21.5, "temperature": 35.0}'
    with pytest.raises(DecodeError, match='key "temperature" appears more than once'):
        DECODERS["zigbee2mqtt"].decode("zigbee2mqtt/office air", body)
