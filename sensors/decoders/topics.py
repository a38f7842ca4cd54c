"""Helpers for the MQTT topics of device formats."""

from __future__ import annotations

from collections.abc import Iterable

from sensors.site import Site


def device_ids(site: Site, format_name: str) -> tuple[str, ...]:
    """The ids of the site's devices of one format, usable inside a topic filter."""
    # '+', '#' and NUL are wildcards or illegal in topics; such an id can never appear in one.
    return tuple(d.id for d in site.devices if d.format == format_name and not set(d.id) & {"+", "#", "\0"})


def filters(template: str, ids: Iterable[str] | None, wildcard: str) -> tuple[str, ...]:
    """One filter per device id (template with {id}), or the format-wide wildcard filter when unbound."""
    if ids is None:
        return (wildcard,)
    return tuple(dict.fromkeys(template.format(id=device) for device in ids))
