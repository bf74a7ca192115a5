"""`luntan search reindex`: rebuilds the search index while the site serves (luntan.search.index).
`luntan search eval`: the relevance of search measured on a set of documents and queries, in a scratch site
(luntan.search.evaluation). `luntan search bench`: indexing and query speed on a large synthetic forum
(luntan.search.bench). Each subcommand's options are its module's `add_arguments`."""

from importlib import import_module

from django.utils.translation import gettext_lazy

from luntan.core.management.base import TranslatedCommand

SUBCOMMANDS = {"reindex": "luntan.search.index", "eval": "luntan.search.evaluation", "bench": "luntan.search.bench"}


class Command(TranslatedCommand):
    help = gettext_lazy("Rebuilds the search index (reindex), measures its relevance (eval) or speed (bench).")  # type: ignore[assignment]

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        for name, module in SUBCOMMANDS.items():
            import_module(module).add_arguments(commands.add_parser(name))

    def handle(self, *args, subcommand: str, **options) -> None:
        options.pop("stdout", None)  # call_command(..., stdout=) passes it in the options as well
        import_module(SUBCOMMANDS[subcommand]).run(self.stdout, **options)
