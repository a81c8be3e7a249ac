"""Generate a large community wiki in the project's database (bench/wiki_generator.py).

    .venv/bin/python -m bench.generate_wiki                   # 20,000 pages, 100,000 revisions
    .venv/bin/python -m bench.generate_wiki --pages 2000 --revisions 10000 --long-revisions 100

Generated agents (bench/generator.py), a community with its members and charter, its wiki's tree
of pages in French with their revisions and links, and one page of ``--long-revisions``
revisions of about ``--long-size`` characters. The settings are those of ``manage.py``
(``DJANGO_SETTINGS_MODULE``, ``maillage.settings.dev`` by default). Refused under production
settings (``DEMO_DATA_ALLOWED``).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate_wiki", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--revisions", type=int, default=100_000)
    parser.add_argument("--long-revisions", type=int, default=1000)
    parser.add_argument("--long-size", type=int, default=50_000, help="characters")
    parser.add_argument(
        "--agents",
        type=int,
        default=3000,
        help="agents to generate first; 0 uses the generated agents already there",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", "-v", action="store_true", help="say each step")
    args = parser.parse_args(argv)
    if min(args.pages, args.revisions, args.long_revisions, args.long_size, args.agents) < 0:
        parser.error("Les nombres doivent être positifs.")
    return args


def generate(args, stdout=None):
    """Generate what ``args`` asks (Django being set up) and print the counts; ``SystemExit``
    with the reason when refused."""
    from django.conf import settings

    from bench.wiki_generator import generate_wiki

    stdout = stdout or sys.stdout
    if not settings.DEMO_DATA_ALLOWED:
        raise SystemExit("Les données générées sont interdites avec ces réglages.")
    try:
        made = generate_wiki(
            pages=args.pages,
            revisions=args.revisions,
            long_revisions=args.long_revisions,
            long_size=args.long_size,
            agents=args.agents,
            seed=args.seed,
            log=(lambda message: print(f"  … {message}", file=stdout)) if args.verbose else None,
        )
    except ValueError as error:
        raise SystemExit(str(error)) from error
    print(
        f"Wiki généré en {made['seconds']:.1f} s : {made['pages']} pages, {made['revisions']} "
        f"révisions, {made['links']} liens, {made['memberships']} membres. "
        f"Le wiki : /communautes/{made['community']}/wiki/.",
        file=stdout,
    )
    return made


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    generate(args)


if __name__ == "__main__":
    main()
