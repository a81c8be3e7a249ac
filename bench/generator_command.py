"""The frame of the large-data generators' commands (``python -m bench.generate_forums``,
``generate_wiki``, ``generate_documents``): their arguments, the refusal under production
settings (``DEMO_DATA_ALLOWED``), the progress lines of ``--verbose`` and Django's setup.

A command module keeps its own ``parse_args(argv)`` and ``generate(args, stdout=None)`` (the
tests call them) and writes them with these::

    def parse_args(argv=None):
        parser = new_parser("bench.generate_x", __doc__)
        parser.add_argument("--things", type=int, default=1000)
        add_agents(parser)
        return parse(parser, argv, positive=("things", "agents"))

    def generate(args, stdout=None):
        from bench.x_generator import generate_x

        return run_generator(
            lambda log: generate_x(things=args.things, ..., log=log),
            args,
            lambda made: f"X généré en {made['seconds']:.1f} s : …",
            stdout,
        )

    def main(argv=None):
        setup_and_run(generate, parse_args(argv))
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def new_parser(module, doc):
    """A parser for ``python -m <module>``, described by the first line of ``doc``."""
    return argparse.ArgumentParser(prog=f"python -m {module}", description=doc.split("\n")[0])


def add_agents(parser, default=3000):
    """``--agents``: the generated agents made first (0 reuses those already there)."""
    parser.add_argument(
        "--agents",
        type=int,
        default=default,
        help="agents to generate first; 0 uses the generated agents already there",
    )


def parse(parser, argv, *, positive):
    """Add ``--seed`` and ``--verbose``, parse ``argv`` and refuse a negative number among the
    arguments named in ``positive``."""
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", "-v", action="store_true", help="say each step")
    args = parser.parse_args(argv)
    if min(getattr(args, name) for name in positive) < 0:
        parser.error("Les nombres doivent être positifs.")
    return args


def run_generator(generate, args, summary, stdout=None):
    """Call ``generate(log=…)`` (Django being set up) and print ``summary(made)``; return what
    it made. ``SystemExit`` with the reason under production settings or when ``generate``
    refuses its numbers (a ``ValueError``)."""
    from django.conf import settings

    stdout = stdout or sys.stdout
    if not settings.DEMO_DATA_ALLOWED:
        raise SystemExit("Les données générées sont interdites avec ces réglages.")
    log = (lambda message: print(f"  … {message}", file=stdout)) if args.verbose else None
    try:
        made = generate(log)
    except ValueError as error:
        raise SystemExit(str(error)) from error
    print(summary(made), file=stdout)
    return made


def setup_and_run(generate, args):
    """Set Django up with ``manage.py``'s settings (``DJANGO_SETTINGS_MODULE``,
    ``maillage.settings.dev`` by default), then ``generate(args)``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    generate(args)
