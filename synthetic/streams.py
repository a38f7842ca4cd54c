"""Independent, named random streams, so that changing one part of the centre leaves the others alone."""

from __future__ import annotations

import zlib

import numpy as np

from synthetic.errors import SyntheticInputError


def check_seed(seed: int) -> int:
    """Refuse seeds a SeedSequence cannot take."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SyntheticInputError(f"seed must be a non-negative integer, got {seed!r}")
    return seed


def stream(seed: int, name: str, *keys: int) -> np.random.Generator:
    """A generator determined by the seed, a stream name and integer keys (an employee, a month …)."""
    check_seed(seed)
    # crc32 is stable across runs and platforms, unlike hash().
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode()), *keys]))
