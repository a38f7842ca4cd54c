from pathlib import Path

import pytest

from sensors.errors import SiteFileError
from sensors.site import load_site, parse_site

GOOD = """
[site]
id = "kc-main"
name = "Kundcenter"
timezone = "Europe/Stockholm"
working_hours = { start = "08:00", end = "17:00", days = [1, 2, 3, 4, 5] }

[[zones]]
id = "z1"
name = "Answer group 1"
teams = ["team-1"]

[[devices]]
id = "aq-01"
zone = "z1"
format = "native"
"""


def test_contract_example_parses():
    site = parse_site(GOOD)
    assert site.id == "kc-main"
    assert site.zone("z1").teams == ("team-1",)
    assert site.device("native", "aq-01").zone == "z1"
    assert str(site.site.tz) == "Europe/Stockholm"


def test_example_site_has_twelve_answer_groups_of_three(example_site):
    groups = [z for z in example_site.zones if z.kind == "answer_group"]
    assert len(groups) == 12
    assert all(z.capacity == 3 and len(z.teams) == 1 for z in groups)
    assert {z.kind for z in example_site.zones} >= {"meeting_room", "break_room"}
    assert all(example_site.devices_in(z.id) for z in example_site.zones)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[site]\nid = 'x'\n[[zones]\n", "not valid TOML"),
        (GOOD.replace('id = "kc-main"', 'id = "kc main"'), "site.id"),
        (GOOD.replace('timezone = "Europe/Stockholm"', 'timezone = "Mars/Olympus"'), "unknown time zone"),
        (GOOD.replace('start = "08:00"', 'start = "18:00"'), "must be after start"),
        (GOOD.replace("days = [1, 2, 3, 4, 5]", "days = [0, 8]"), "weekdays are 1"),
        (GOOD.replace('id = "aq-01"', 'id = "aq 01"'), "native device id 'aq 01' must be 1–64 letters"),
        (GOOD.replace('id = "aq-01"', f'id = "{"a" * 65}"'), "it is a segment of its MQTT topic"),
        (GOOD.replace('zone = "z1"', 'zone = "z9"'), "devices[0] ('aq-01') names zone 'z9'"),
        (GOOD.replace('format = "native"', 'format = "modbus"'), "devices[0].format"),
        (GOOD.replace('name = "Answer group 1"', 'nmae = "Answer group 1"'), "zones[0].nmae: unknown key"),
        (GOOD + '\n[[zones]]\nid = "z1"\n', "repeated: z1"),
        (GOOD + '\n[[devices]]\nid = "aq-01"\nzone = "z1"\n', "listed twice"),
        ("[[zones]]\nid = 'z1'\n", "site: required but missing"),
        (GOOD.replace('id = "z1"\nname', 'id = "z1"\nventilation_lps = -3\nname'), "zones[0].ventilation_lps"),
    ],
)
def test_every_mistake_is_named(text, expected):
    with pytest.raises(SiteFileError) as err:
        parse_site(text, "broken.toml")
    assert expected in str(err.value)
    assert str(err.value).startswith("broken.toml: ")


def test_missing_file_is_named(tmp_path: Path):
    with pytest.raises(SiteFileError, match="site file not found"):
        load_site(tmp_path / "nope.toml")


def test_a_site_written_out_reads_back_the_same(tmp_path):
    from sensors.site import dump_site, load_site, save_site
    from tests.conftest import EXAMPLE_SITE

    site = load_site(EXAMPLE_SITE)
    faster = site.model_copy(update={"devices": tuple(d.model_copy(update={"interval_s": 5.0}) for d in site.devices)})
    path = save_site(faster, tmp_path / "site.toml")
    again = load_site(path)
    assert again == faster
    assert {d.interval_s for d in again.devices} == {5.0}
    assert "interval_s = 5.0" in dump_site(faster)
    assert not (tmp_path / "site.toml.tmp").exists()


def test_the_site_file_sets_topic_roots_per_format():
    from sensors.decoders import DECODERS
    from sensors.site import parse_site

    site = parse_site(
        '[site]\nid = "kc"\n[[zones]]\nid = "z1"\n'
        '[[devices]]\nid = "Air 1"\nzone = "z1"\nformat = "zigbee2mqtt"\n'
        '[topics]\nzigbee2mqtt = "z2m/plan-2"\nline-protocol = ["sensors/lp"]\n'
    )
    assert site.topics == {"zigbee2mqtt": ("z2m/plan-2",), "line-protocol": ("sensors/lp",)}
    zigbee = DECODERS["zigbee2mqtt"].bind(site)
    assert zigbee.topic_filters("kc") == ("z2m/plan-2/Air 1",)
    [sample] = zigbee.decode("z2m/plan-2/Air 1", b'{"co2": 640}')
    assert (sample.device, sample.values) == ("Air 1", {"co2_ppm": 640.0})
    assert DECODERS["line-protocol"].bind(site).topic_filters("kc") == ("sensors/lp/#",)
    assert DECODERS["tasmota"].bind(site).topic_filters("kc") == ()  # no Tasmota devices: nothing to hear


@pytest.mark.parametrize(
    ("topics", "message"),
    [
        ('native = "mine"', "native format's topic is fixed"),
        ('modbus = "m"', "unknown format 'modbus'"),
        ('zigbee2mqtt = "tele"', "overlaps tasmota's topics"),
        ('line-protocol = "officewell/lp"', "overlaps native's topics"),
        ('tasmota = "a/+/b"', "is not a topic root"),
        ("tasmota = []", "at least one topic root"),
    ],
)
def test_topic_roots_that_cannot_work_are_refused(topics, message):
    from sensors.site import parse_site

    with pytest.raises(SiteFileError, match=message):
        parse_site(f'[site]\nid = "kc"\n[[zones]]\nid = "z1"\n[topics]\n{topics}\n')
