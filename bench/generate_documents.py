"""Generate a large document library in the project's database (bench/documents_generator.py).

    .venv/bin/python -m bench.generate_documents                   # a folder of 10,000 files
    .venv/bin/python -m bench.generate_documents --files 1000 --long-versions 50

Generated agents (bench/generator.py), a community with its members and charter, its library's
folders, a folder of ``--files`` files with their versions (every version pointing at one of a
few small real files stored once), files in the other folders, a few in the bin, and one file of
``--long-versions`` versions and ``--comments`` comments. The settings are those of ``manage.py``
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
        prog="python -m bench.generate_documents", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--files", type=int, default=10_000, help="files of the big folder")
    parser.add_argument("--other-files", type=int, default=500, help="files in other folders")
    parser.add_argument("--folders", type=int, default=30)
    parser.add_argument("--long-versions", type=int, default=200)
    parser.add_argument("--comments", type=int, default=30)
    parser.add_argument(
        "--agents",
        type=int,
        default=3000,
        help="agents to generate first; 0 uses the generated agents already there",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", "-v", action="store_true", help="say each step")
    args = parser.parse_args(argv)
    numbers = (args.files, args.other_files, args.folders, args.long_versions, args.comments)
    if min(*numbers, args.agents) < 0:
        parser.error("Les nombres doivent être positifs.")
    return args


def generate(args, stdout=None):
    """Generate what ``args`` asks (Django being set up) and print the counts; ``SystemExit``
    with the reason when refused."""
    from django.conf import settings

    from bench.documents_generator import generate_documents

    stdout = stdout or sys.stdout
    if not settings.DEMO_DATA_ALLOWED:
        raise SystemExit("Les données générées sont interdites avec ces réglages.")
    try:
        made = generate_documents(
            files=args.files,
            other_files=args.other_files,
            folders=args.folders,
            long_versions=args.long_versions,
            comments=args.comments,
            agents=args.agents,
            seed=args.seed,
            log=(lambda message: print(f"  … {message}", file=stdout)) if args.verbose else None,
        )
    except ValueError as error:
        raise SystemExit(str(error)) from error
    print(
        f"Bibliothèque générée en {made['seconds']:.1f} s : {made['folders']} dossiers, "
        f"{made['files']} fichiers dont {made['big_folder_files']} dans un seul dossier et "
        f"{made['deleted']} à la corbeille, {made['versions']} versions, {made['comments']} "
        f"commentaires. La bibliothèque : /communautes/{made['community']}/documents/.",
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
