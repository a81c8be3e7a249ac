"""Generate a large community wiki in the project's database (bench/wiki_generator.py).

    .venv/bin/python -m bench.generate_wiki                   # 20,000 pages, 100,000 revisions
    .venv/bin/python -m bench.generate_wiki --pages 2000 --revisions 10000 --long-revisions 100

Generated agents (bench/generator.py), a community with its members and charter, its wiki's tree
of pages in French with their revisions and links, and one page of ``--long-revisions``
revisions of about ``--long-size`` characters. The settings are those of ``manage.py``
(``DJANGO_SETTINGS_MODULE``, ``maillage.settings.dev`` by default). Refused under production
settings (``DEMO_DATA_ALLOWED``).
"""

from bench.generator_command import add_agents, new_parser, parse, run_generator, setup_and_run


def parse_args(argv=None):
    parser = new_parser("bench.generate_wiki", __doc__)
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--revisions", type=int, default=100_000)
    parser.add_argument("--long-revisions", type=int, default=1000)
    parser.add_argument("--long-size", type=int, default=50_000, help="characters")
    add_agents(parser)
    return parse(
        parser, argv, positive=("pages", "revisions", "long_revisions", "long_size", "agents")
    )


def generate(args, stdout=None):
    """Generate what ``args`` asks (Django being set up) and print the counts; ``SystemExit``
    with the reason when refused."""
    from bench.wiki_generator import generate_wiki

    return run_generator(
        lambda log: generate_wiki(
            pages=args.pages,
            revisions=args.revisions,
            long_revisions=args.long_revisions,
            long_size=args.long_size,
            agents=args.agents,
            seed=args.seed,
            log=log,
        ),
        args,
        lambda made: (
            f"Wiki généré en {made['seconds']:.1f} s : {made['pages']} pages, "
            f"{made['revisions']} révisions, {made['links']} liens, {made['memberships']} "
            f"membres. Le wiki : /communautes/{made['community']}/wiki/."
        ),
        stdout,
    )


def main(argv=None):
    setup_and_run(generate, parse_args(argv))


if __name__ == "__main__":
    main()
