from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from intraprenad.accounts.models import OrgUnit
from intraprenad.policy import services


class Command(BaseCommand):
    help = "Import a guidelines file (TOML) as a new draft revision and print its id."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the guidelines file.")
        parser.add_argument("--board", help="Short name of the board (overrides the file's board).")
        parser.add_argument("--user", help="Username of the person importing (default: the first superuser).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from None
        board = None
        if options["board"]:
            board = OrgUnit.objects.filter(short_name=options["board"], kind__in=OrgUnit.DECISION_BODIES).first()
            if board is None:
                raise CommandError(_("There is no board with the short name %(board)s.") % {"board": options["board"]})
        user = self._user(options["user"])
        try:
            revision = services.import_revision(by=user, text=text, filename=path.name, board=board)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(revision.pk))

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        user = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError(
                _("There is no active user %(username)s.") % {"username": username}
                if username
                else _("Give --user: there is no superuser to import as.")
            )
        return user
