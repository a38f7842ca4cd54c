"""Property tests: whatever arrives on a decoder's topics, only DecodeError escapes, and every reason is non-empty."""

import json
import math
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sensors.decoders.chirpstack import ChirpStackDecoder
from sensors.decoders.lineprotocol import LineProtocolDecoder
from sensors.decoders.tasmota import TasmotaDecoder
from sensors.decoders.ttn import TheThingsStackDecoder
from sensors.decoders.zigbee2mqtt import Zigbee2MqttDecoder
from sensors.errors import DecodeError
from sensors.quantities import QUANTITIES

DECODERS = {
    "zigbee2mqtt": (Zigbee2MqttDecoder(), "zigbee2mqtt/office/air 1"),
    "chirpstack": (ChirpStackDecoder(), "application/app/device/0101010101010101/event/up"),
    "ttn": (TheThingsStackDecoder(), "v3/app1@ttn/devices/dev1/up"),
    "tasmota": (TasmotaDecoder(tz=ZoneInfo("Europe/Stockholm")), "tele/tasmota_4BC990/SENSOR"),
    "line-protocol": (LineProtocolDecoder(), "lineprotocol/kc-main"),
}


def check(name: str, payload: bytes, topic: str | None = None) -> None:
    """Decode; a DecodeError must have a reason, and a sample must be well formed."""
    decoder, default_topic = DECODERS[name]
    try:
        samples = decoder.decode(topic or default_topic, payload)
    except DecodeError as exc:
        assert str(exc)  # noqa: PT017 - fuzzing: either outcome is fine, a reasonless one is not
        return
    for sample in samples:
        assert sample.device
        assert all(isinstance(v, float) and math.isfinite(v) for v in sample.values.values())
        assert set(sample.values).isdisjoint(sample.rejected)
        assert set(sample.values) | set(sample.rejected) <= set(QUANTITIES)
        assert all(reason for reason in sample.rejected.values())
        assert sample.ts is None or sample.ts.utcoffset() is not None
        assert sample.battery_pct is None or 0 <= sample.battery_pct <= 100


numbers = st.integers() | st.floats(allow_nan=False) | st.integers(min_value=10**300, max_value=10**320)
texts = st.text(max_size=20) | st.sampled_from(["21.5 °C", "71.6 °F", "300 ppb", "12 µg/m³", "3.4 V", "1e999", "x"])
units = st.sampled_from(["°C", "F", "K", "ppm", "ppb", "lux", "%", "dBA", "µg/m³", "°Ré", ""]) | st.text(max_size=5)
scalars = st.none() | st.booleans() | numbers | texts
with_units = st.fixed_dictionaries({"value": scalars}, optional={"unit": units | scalars})
json_values = st.recursive(
    scalars | with_units,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
times = st.sampled_from(["2022-07-18T09:34:15.775023242+00:00", "2019-11-03T20:45:37", "2024-10-27T02:30:00"])
times = times | scalars


def objects(keys: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    return st.dictionaries(keys | st.text(max_size=10), json_values, max_size=8)


z2m_keys = st.sampled_from(
    ["temperature", "humidity", "co2", "voc", "pm25", "illuminance", "illuminance_lux", "battery", "linkquality"]
)
codec_keys = st.sampled_from(
    [
        "co2",
        "CO2",
        "temperature",
        "humidity",
        "tvoc",
        "light",
        "pm2_5",
        "pm2.5",
        "LAeq",
        "LAFmax",
        "battery",
        *QUANTITIES,
    ]
)
tasmota_fields = st.sampled_from(["CarbonDioxide", "eCO2", "Temperature", "Humidity", "Illuminance", "TVOC", "PM2.5"])
tasmota_blocks = st.sampled_from(["SCD30", "SCD40", "BME280", "BH1750", "DS18B20-1", "ANALOG", "Switch1"])

shaped = {
    "zigbee2mqtt": st.fixed_dictionaries(
        {},
        optional={
            "last_seen": times | st.integers(),
            "device": st.fixed_dictionaries({"model": st.sampled_from(["VOCKQJK11LM", "TS0601"]) | scalars}),
        },
    ).flatmap(lambda meta: objects(z2m_keys).map(lambda obj: obj | meta)),
    "chirpstack": st.fixed_dictionaries(
        {
            "deviceInfo": st.fixed_dictionaries({"devEui": st.just("0101010101010101") | scalars}) | json_values,
            "object": objects(codec_keys) | json_values,
        },
        optional={"time": times, "fCnt": scalars},
    ),
    "ttn": st.fixed_dictionaries(
        {
            "end_device_ids": st.fixed_dictionaries({"device_id": st.just("dev1") | scalars}),
            "uplink_message": st.fixed_dictionaries(
                {"decoded_payload": objects(codec_keys) | json_values},
                optional={
                    "received_at": times,
                    "f_cnt": scalars,
                    "last_battery_percentage": st.fixed_dictionaries({"value": scalars}),
                },
            )
            | json_values,
        },
        optional={"received_at": times, "simulated": st.booleans()},
    ),
    "tasmota": st.fixed_dictionaries(
        {"TempUnit": st.sampled_from(["C", "F", "K", "R"]) | scalars},
        optional={"Time": times},
    ).flatmap(
        lambda meta: st.dictionaries(
            tasmota_blocks, st.dictionaries(tasmota_fields, json_values, max_size=4) | scalars, max_size=4
        ).map(lambda blocks: blocks | meta)
    ),
}

line_alphabet = st.sampled_from(list('environment,device=zone co2_ppm temperature_c "\\ 0123456789.-eiuTf#\n\r=é'))
lines = st.text(alphabet=line_alphabet, max_size=120) | st.lists(
    st.sampled_from(
        [
            "environment,device=a co2_ppm=500",
            "environment,device=a\\ b,zone=z1 temperature_c=22.4,humidity_pct=40i 1795507200000000000",
            'environment,device=a note="x\\"y",co2_ppm=t',
            "cpu,host=gw usage=1",
            "# comment",
            "",
        ]
    ),
    max_size=5,
).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(DECODERS)), st.binary(max_size=300))
def test_arbitrary_bytes_never_escape(name, payload):
    check(name, payload)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(DECODERS)), st.dictionaries(st.text(max_size=10), json_values, max_size=8))
def test_arbitrary_json_objects_decode_or_fail_with_a_reason(name, obj):
    check(name, json.dumps(obj).encode())


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(shaped)).flatmap(lambda name: st.tuples(st.just(name), shaped[name])))
def test_format_shaped_json_decodes_or_fails_with_a_reason(case):
    name, obj = case
    check(name, json.dumps(obj).encode())


@settings(max_examples=300, deadline=None)
@given(lines)
def test_arbitrary_lines_decode_or_fail_with_a_reason(text):
    check("line-protocol", text.encode())


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(DECODERS)), st.text(max_size=40), st.binary(max_size=40) | st.just(b"{}"))
def test_arbitrary_topics_under_a_decoders_root_never_escape(name, rest, payload):
    root = DECODERS[name][1].split("/", 1)[0]
    check(name, payload, f"{root}/{rest}")
