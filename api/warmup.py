"""Fill what the pages ask for first, in the background, when the API starts: so the first visit is fast too.

Sensor health's slow parts (a week of CO2, two hours of everything), the goal figures the Goals
page opens with (the centre's last 53 weeks, its NKI, this year's and last year's tertial reports, and
beneath them the calls per day and team of both years), and last, the slowest, the analysis of the
last two years that the evidence routes serve by default, are computed once; requests that come
meanwhile wait for them rather than computing them again. Best effort: a failure is logged, and the
first request computes what is missing. The app waits for it (and for refreshes under way) as it stops,
before the stores are closed.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from api.deps import Services
from api.routes.gateway import health_parts
from api.routes.goals import nki_figures, tertial_figures, weekly_figures
from api.schemas import IsoWeekPublic
from models.goals import TOTAL

log = logging.getLogger(__name__)


def warm(services: Services) -> None:
    """Compute sensor health's slow parts and this and last year's goal figures (blocking)."""
    now = services.now()
    try:
        for part in health_parts(services):
            part.get(now)
        records = services.records
        if records is not None:
            today = services.today()
            # As /goals asks: the centre's 53 weeks up to today, its NKI, the report of this year and the last.
            weekly_figures(services, records, IsoWeekPublic.containing(today).start - timedelta(weeks=52), today, TOTAL)
            nki_figures(services, records, TOTAL)
            for year in (today.year, today.year - 1):
                tertial_figures(services, records, year, with_weeks=False)
            if services.analyse is not None:  # the evidence routes' default period: the last two years
                from models.analysis import default_period

                services.caches.analyses.get(records, default_period(today, None, None), services.analyse, now)
    except Exception:  # best effort: the first request computes what is missing
        log.exception("warming the API's caches failed")


def warm_in_background(services: Services) -> threading.Thread:
    """Start warm() in a daemon thread; its thread."""
    thread = threading.Thread(target=warm, args=(services,), name="officewell-warm-up", daemon=True)
    thread.start()
    return thread
