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

from bench.generator_command import add_agents, new_parser, parse, run_generator, setup_and_run


def parse_args(argv=None):
    parser = new_parser("bench.generate_documents", __doc__)
    parser.add_argument("--files", type=int, default=10_000, help="files of the big folder")
    parser.add_argument("--other-files", type=int, default=500, help="files in other folders")
    parser.add_argument("--folders", type=int, default=30)
    parser.add_argument("--long-versions", type=int, default=200)
    parser.add_argument("--comments", type=int, default=30)
    add_agents(parser)
    positive = ("files", "other_files", "folders", "long_versions", "comments", "agents")
    return parse(parser, argv, positive=positive)


def generate(args, stdout=None):
    """Generate what ``args`` asks (Django being set up) and print the counts; ``SystemExit``
    with the reason when refused."""
    from bench.documents_generator import generate_documents

    return run_generator(
        lambda log: generate_documents(
            files=args.files,
            other_files=args.other_files,
            folders=args.folders,
            long_versions=args.long_versions,
            comments=args.comments,
            agents=args.agents,
            seed=args.seed,
            log=log,
        ),
        args,
        lambda made: (
            f"Bibliothèque générée en {made['seconds']:.1f} s : {made['folders']} dossiers, "
            f"{made['files']} fichiers dont {made['big_folder_files']} dans un seul dossier et "
            f"{made['deleted']} à la corbeille, {made['versions']} versions, {made['comments']} "
            f"commentaires. La bibliothèque : /communautes/{made['community']}/documents/."
        ),
        stdout,
    )


def main(argv=None):
    setup_and_run(generate, parse_args(argv))


if __name__ == "__main__":
    main()
