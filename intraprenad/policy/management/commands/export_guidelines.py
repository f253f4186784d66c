from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from intraprenad.policy.guideline_file import dump_guideline_file
from intraprenad.policy.models import GuidelineRevision
from intraprenad.policy.queries import revision_data


class Command(BaseCommand):
    help = "Write a guideline revision as a guidelines file (TOML), to standard output or --output."

    def add_arguments(self, parser):
        parser.add_argument("revision_id", type=int)
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        revision = GuidelineRevision.objects.filter(pk=options["revision_id"]).first()
        if revision is None:
            raise CommandError(_("There are no guidelines with id %(id)s.") % {"id": options["revision_id"]})
        text = dump_guideline_file(revision_data(revision))
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
