import pytest

from sensors.decoders import DECODERS, decoder_for
from sensors.errors import SensorsError, SiteFileError, UnknownFormatError
from sensors.site import parse_site

SITE = parse_site('[site]\nid = "kc-main"\n[[zones]]\nid = "z1"\n')
TOPICS = {
    "native": "officewell/kc-main/z1/aq-01",
    "zigbee2mqtt": "zigbee2mqtt/office/air 1",
    "chirpstack": "application/app/device/0101010101010101/event/up",
    "ttn": "v3/app1@ttn/devices/dev1/up",
    "tasmota": "tele/tasmota_4BC990/SENSOR",
    "line-protocol": "lineprotocol/kc-main",
}


def site_with_format(name: str) -> str:
    return f'[site]\nid = "kc-main"\n[[zones]]\nid = "z1"\n[[devices]]\nid = "d1"\nzone = "z1"\nformat = "{name}"\n'


def test_the_site_file_accepts_exactly_the_registered_formats():
    for name in DECODERS:
        assert parse_site(site_with_format(name)).devices[0].format == name
    with pytest.raises(SiteFileError, match=r"format: .*unknown format 'modbus'; known: native, zigbee2mqtt"):
        parse_site(site_with_format("modbus"))


def test_every_format_has_a_decoder_under_its_name():
    for name, decoder in DECODERS.items():
        assert decoder.name == name
        assert decoder_for(name) is decoder


def test_unknown_formats_name_the_known_ones():
    with pytest.raises(UnknownFormatError, match="known: native, zigbee2mqtt, chirpstack, ttn, tasmota, line-protocol"):
        decoder_for("modbus")


def test_an_unknown_format_is_the_sensors_packages_error_with_a_plain_message():
    with pytest.raises(SensorsError) as caught:
        decoder_for("modbus")
    assert str(caught.value) == (
        "no decoder for format 'modbus'; known: native, zigbee2mqtt, chirpstack, ttn, tasmota, line-protocol"
    )
    assert isinstance(caught.value, KeyError)  # callers that caught KeyError still do


@pytest.mark.parametrize("name", sorted(DECODERS))
def test_each_topic_belongs_to_exactly_one_format(name):
    assert [other for other, decoder in DECODERS.items() if decoder.matches(TOPICS[name])] == [name]


@pytest.mark.parametrize("name", sorted(DECODERS))
def test_binding_keeps_the_format(name):
    bound = DECODERS[name].bind(SITE)
    assert bound.name == name
    assert bound.matches(TOPICS[name])
