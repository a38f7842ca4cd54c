"""What the commands and the demo run: the gateway loop, simulated history and live publishing, the centre import.

Runners take typed Settings and opened parts and do the work; they print nothing (the commands do).
"""
