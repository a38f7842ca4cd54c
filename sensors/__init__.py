"""Office sensors: the quantity table, the Reading type, payload decoders and the site file.

This package imports none of officewell's other packages. The light names load with the package; the
site file and the decoders (which load pydantic) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

from sensors.errors import (
    DecodeError,
    FieldError,
    InvalidReadingError,
    SensorsError,
    SiteFileError,
    UnitError,
    UnknownFormatError,
)
from sensors.quantities import QUANTITIES, QUANTITY_KEYS, Band, band_of
from sensors.reading import Reading, epoch_ns, from_epoch_ns

if TYPE_CHECKING:
    from sensors.decoders import DECODERS, Decoder, Sample, decoder_for
    from sensors.site import SEGMENT, Site, Zone, load_site, parse_site

# The heavier modules load the first time one of their public names is asked for.
__getattr__, _, _ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "decoders": ["DECODERS", "Decoder", "Sample", "decoder_for"],
        "site": ["SEGMENT", "Site", "Zone", "load_site", "parse_site"],
    },
)


__all__ = [
    "DECODERS",
    "QUANTITIES",
    "QUANTITY_KEYS",
    "SEGMENT",
    "Band",
    "DecodeError",
    "Decoder",
    "FieldError",
    "InvalidReadingError",
    "Reading",
    "Sample",
    "SensorsError",
    "Site",
    "SiteFileError",
    "UnitError",
    "UnknownFormatError",
    "Zone",
    "band_of",
    "decoder_for",
    "epoch_ns",
    "from_epoch_ns",
    "load_site",
    "parse_site",
]
