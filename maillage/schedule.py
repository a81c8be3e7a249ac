"""The platform's periodic jobs, registered by the apps from their ``AppConfig.ready()`` and run
by one command beside the task worker, ``manage.py scheduler`` (``make run`` and the compose
stack start it): the e-mail digests, the reminders of indicators missing at their due date, the
purge of expired personal data, the nightly rollups.

    schedule.register("calls.indicator_reminders", indicator_reminders_tick, every=300)

A job is a function ``(now) -> int`` (how many things it did). Each tick must be safe to run as
often as wanted, from several processes and after any downtime: what it does is keyed by a unique
row (a digest per period, a reminder per due date, a purge logged once), so a restart or a second
scheduler never does it twice and what was due during a downtime is done at the next tick. A job
that fails is logged and tried again at its next turn; the others run all the same.

This module imports no app.
"""

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    # (now) -> int: what the tick did.
    function: object
    # Seconds between two runs.
    every: int = 60


_jobs = {}


def register(name, function, *, every=60):
    """Run ``function(now)`` every ``every`` seconds; registering a name again replaces it."""
    _jobs[name] = Job(name=name, function=function, every=every)


def jobs():
    return sorted(_jobs.values(), key=lambda job: job.name)


def get(name):
    return _jobs[name]


def run_due(now, last_runs):
    """Run the jobs whose turn has come at ``now`` (a ``datetime``); ``last_runs`` maps a job's
    name to the ``datetime`` of its last run and is updated. Returns ``{name: result}`` of the
    jobs run (``None`` for a job that failed)."""
    results = {}
    for job in jobs():
        last = last_runs.get(job.name)
        if last is not None and (now - last).total_seconds() < job.every:
            continue
        last_runs[job.name] = now
        try:
            results[job.name] = job.function(now)
        except Exception:  # one failing job must not stop the others
            logger.exception("Scheduled job %s failed", job.name)
            results[job.name] = None
    return results
