"""Helpers for the MQTT topics of device formats."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sensors.site import Site


def device_ids(site: Site, format_name: str) -> tuple[str, ...]:
    """The ids of the site's devices of one format, usable inside a topic filter."""
    # '+', '#' and NUL are wildcards or illegal in topics; such an id can never appear in one.
    return tuple(d.id for d in site.devices if d.format == format_name and not set(d.id) & {"+", "#", "\0"})


def filters(template: str, ids: Iterable[str] | None, wildcard: str, roots: Sequence[str]) -> tuple[str, ...]:
    """Per topic root: one filter per device id (template with {root} and {id}), or the wildcard when unbound."""
    if ids is None:
        return tuple(dict.fromkeys(wildcard.format(root=root) for root in roots))
    devices = list(ids)
    return tuple(dict.fromkeys(template.format(root=root, id=device) for root in roots for device in devices))


def roots_for(site: Site, format_name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """The topic roots a site's file gives a format (`[topics]`), else the format's default."""
    return site.topics.get(format_name, default)


def split_root(topic: str, roots: Sequence[str]) -> tuple[str, str] | None:
    """(root, rest) for the longest root the topic lies under, or None."""
    for root in sorted(roots, key=len, reverse=True):
        if topic.startswith(root + "/"):
            return root, topic[len(root) + 1 :]
    return None
