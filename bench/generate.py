"""Generate a large, realistic directory in the project's database (bench/generator.py).

    .venv/bin/python -m bench.generate --agents 20000 --services 2000

Services over every department, agents with skills, expertise, interests and languages, peer
endorsements and memberships of the open communities. The settings are those of ``manage.py``
(``DJANGO_SETTINGS_MODULE``, ``maillage.settings.dev`` by default), so the rows land where
``make run`` reads them. Refused under production settings (``DEMO_DATA_ALLOWED``).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--agents", type=int, default=20000)
    parser.add_argument(
        "--services",
        type=int,
        default=2000,
        help="services to create; 0 adds the agents to the services already there",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--endorsements", type=int, default=None, help="default: 2.5 per agent")
    parser.add_argument(
        "--password",
        default=None,
        help="one password for every generated agent (default: unusable passwords)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="say each step")
    args = parser.parse_args(argv)
    if args.agents < 0 or args.services < 0:
        parser.error("--agents and --services must be ≥ 0.")
    return args


def generate(args, stdout=None):
    """Generate what ``args`` asks (Django being set up) and print the counts; ``SystemExit``
    with the reason when refused."""
    from django.conf import settings

    from bench.generator import generate_directory

    stdout = stdout or sys.stdout
    if not settings.DEMO_DATA_ALLOWED:
        raise SystemExit("Les données générées sont interdites avec ces réglages.")
    try:
        made = generate_directory(
            agents=args.agents,
            services=args.services,
            seed=args.seed,
            endorsements=args.endorsements,
            password=args.password,
            log=(lambda message: print(f"  … {message}", file=stdout)) if args.verbose else None,
        )
    except ValueError as error:
        raise SystemExit(str(error)) from error
    print(
        f"Annuaire généré en {made['seconds']:.1f} s : {made['services']} services, "
        f"{made['agents']} agents, {made['tags']} étiquettes, {made['skills']} compétences "
        f"attribuées, {made['expertise']} expertises, {made['interests']} centres d'intérêt, "
        f"{made['languages']} langues, {made['endorsements']} recommandations, "
        f"{made['memberships']} adhésions.",
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
