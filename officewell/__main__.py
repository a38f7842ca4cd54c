"""Allow `python -m officewell`."""

from officewell.cli import main

main()
