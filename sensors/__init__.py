"""Office sensors: the quantity table, the Reading type, payload decoders, the site and a simulator.

This package imports none of officewell's other packages.
"""
