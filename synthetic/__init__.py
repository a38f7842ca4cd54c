"""Synthetic data for the demo and the tests: the office simulator and the centre generator.

Downstream of `sensors` and `models` (it imports their rules instead of restating them); product code —
`sensors`, `gateway`, `records`, `models`, `api`, `dashboards` and the CLI's own commands — never
imports it. Only the demo, `officewell simulate`, the tests and the benchmarks do.

- `synthetic.office`: a deterministic office of sound, light and air, minute by minute per device.
- `synthetic.centre`: a realistic customer service centre (staff, absences, calls, NKI) with planted effects.
"""

from synthetic.errors import NotInSiteError, SyntheticError, SyntheticInputError

__all__ = ["NotInSiteError", "SyntheticError", "SyntheticInputError"]
