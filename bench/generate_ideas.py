"""Generate large idea boxes in the project's database (bench/ideas_generator.py).

    .venv/bin/python -m bench.generate_ideas       # 500 communities, 100,000 ideas, 2M supports
    .venv/bin/python -m bench.generate_ideas --communities 20 --ideas 2000 --supports 20000

Generated agents (bench/generator.py), communities with their members, charter, themes and
idea box, ideas in French with their statuses and answers, supports over two years, comments,
follows. The settings are those of ``manage.py`` (``DJANGO_SETTINGS_MODULE``,
``maillage.settings.dev`` by default). Refused under production settings
(``DEMO_DATA_ALLOWED``).
"""

from bench.generator_command import add_agents, new_parser, parse, run_generator, setup_and_run


def parse_args(argv=None):
    parser = new_parser("bench.generate_ideas", __doc__)
    parser.add_argument("--communities", type=int, default=500)
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--supports", type=int, default=2_000_000)
    parser.add_argument("--comments", type=int, default=300_000)
    parser.add_argument(
        "--long-comments", type=int, default=400, help="comments of the busiest box's idea"
    )
    add_agents(parser)
    return parse(
        parser,
        argv,
        positive=("communities", "ideas", "supports", "comments", "long_comments", "agents"),
    )


def generate(args, stdout=None):
    """Generate what ``args`` asks (Django being set up) and print the counts; ``SystemExit``
    with the reason when refused."""
    from bench.ideas_generator import generate_ideas

    return run_generator(
        lambda log: generate_ideas(
            communities=args.communities,
            ideas=args.ideas,
            supports=args.supports,
            comments=args.comments,
            long_comments=args.long_comments,
            agents=args.agents,
            seed=args.seed,
            log=log,
        ),
        args,
        lambda made: (
            f"Boîtes à idées générées en {made['seconds']:.1f} s : {made['communities']} "
            f"communautés, {made['memberships']} adhésions, {made['ideas']} idées, "
            f"{made['supports']} soutiens (dont {made['recent_supports']} ces 30 derniers "
            f"jours), {made['comments']} commentaires, {made['follows']} abonnements. La plus "
            f"grande ({made['big_box_ideas']} idées) : /communautes/{made['community']}/idees/."
        ),
        stdout,
    )


def main(argv=None):
    setup_and_run(generate, parse_args(argv))


if __name__ == "__main__":
    main()
