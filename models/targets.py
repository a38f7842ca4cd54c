"""The centre's goals (contracts §6): their defaults and their one type; the settings may change them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

TARGET_ANSWER_RATE = 0.95
NKI_TARGETS: Mapping[str, float] = MappingProxyType({"treatment": 4.3, "knowledge": 4.0})
# NKI scores lie on 1–5 (contracts §5); a share of calls answered lies in (0, 1].
NKI_SCALE = (1.0, 5.0)


@dataclass(frozen=True)
class GoalTargets:
    """The answer rate to reach every week (a share) and the NKI score to reach per dimension."""

    answer_rate: float = TARGET_ANSWER_RATE
    nki: Mapping[str, float] = field(default_factory=lambda: MappingProxyType(dict(NKI_TARGETS)))

    def __post_init__(self) -> None:
        """Refuse targets off their scales, naming the target."""
        if not 0 < self.answer_rate <= 1:
            raise ValueError(
                f"the answer-rate target {self.answer_rate!r} is a share above 0 and at most 1 (0.95 = 95 %)"
            )
        low, high = NKI_SCALE
        for dimension, target in self.nki.items():
            if not low <= target <= high:
                raise ValueError(f"the NKI target for {dimension} ({target!r}) lies outside the 1–5 scale")
        object.__setattr__(self, "nki", MappingProxyType(dict(self.nki)))
