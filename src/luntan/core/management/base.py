from django.core.management.base import BaseCommand


class TranslatedCommand(BaseCommand):
    """A command whose help is a lazy translation (gettext_lazy): argparse formats only plain text, so the
    help is translated when the command's parser is made."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
