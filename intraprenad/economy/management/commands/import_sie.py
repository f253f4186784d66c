"""Import an SIE ledger file from the command line (e.g. a nightly export), or check it with --dry-run.

    python manage.py import_sie FILE [--dimension N] [--dry-run] [--json] [--allow-differences] [--user USERNAME]

`--json` prints one JSON object: the file's summary (`sie_type`, `fiscal_years`, `vouchers`, `transactions`,
`units` {object: {"YYYY-MM": {account class: öre}}}, `reconciliation` ...) and, unless --dry-run, `import`
{id, status, message}. Without --user the import is made as the first superuser, as the other import commands do.
A refusal exits with status 1 and the reason on stderr; so does a dry run of a file that would be refused.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from intraprenad.economy.models import LedgerImport
from intraprenad.economy.services import ledger

# The file's checksum (#KSUMMA) as the reconciliation records it, in words for the summary.
CHECKSUM_STATES = {
    "absent": pgettext_lazy("checksum", "absent"),
    "verified": pgettext_lazy("checksum", "verified"),
    "mismatch": pgettext_lazy("checksum", "does not match"),
}


class Command(BaseCommand):
    help = "Import an SIE file (types 1–4) into the ledger; --dry-run reads and reconciles it without storing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the SIE file.")
        parser.add_argument("--dimension", help="The dimension identifying result units (default: the setting).")
        parser.add_argument("--dry-run", action="store_true", help="Read and reconcile the file; store nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a summary.")
        parser.add_argument(
            "--allow-differences",
            action="store_true",
            help="Import a file whose vouchers do not balance or that disagrees with its own balances (recorded).",
        )
        parser.add_argument("--user", help="Username of the person importing (default: the first superuser).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from None
        user = self._user(options["user"])
        try:
            result = ledger.import_ledger(
                by=user,
                data=data,
                file_name=path.name,
                dimension=options["dimension"],
                dry_run=options["dry_run"],
                allow_differences=options["allow_differences"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            body = dict(result.summary or {})
            if not options["dry_run"]:
                body["import"] = {"id": result.pk, "status": result.status, "message": result.message}
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        else:
            self.stdout.write(self._summary(result, dry_run=options["dry_run"]))
        if options["dry_run"] and result.status == LedgerImport.Status.FAILED:
            raise CommandError(result.message)

    def _summary(self, result: LedgerImport, *, dry_run: bool) -> str:
        lines = [
            _("%(file)s: SIE type %(type)s, %(company)s%(orgnr)s.")
            % {
                "file": result.file_name,
                "type": result.sie_type or "–",
                "company": result.company or _("no company name"),
                "orgnr": f" ({result.orgnr})" if result.orgnr else "",
            }
        ]
        if result.fiscal_year_start:
            lines.append(
                _("Fiscal year %(start)s – %(end)s.")
                % {"start": result.fiscal_year_start.isoformat(), "end": result.fiscal_year_end.isoformat()}
            )
        lines.append(
            _("%(vouchers)s vouchers, %(transactions)s transactions.")
            % {"vouchers": result.voucher_count, "transactions": result.transaction_count}
        )
        rec = result.reconciliation or {}
        if rec.get("ok"):
            lines.append(_("Reconciliation: the file agrees with its own balances."))
        else:
            checksum = rec.get("ksumma", "absent")
            lines.append(
                _(
                    "Reconciliation: %(unbalanced)s unbalanced vouchers, %(differences)s differences, "
                    "checksum %(ksumma)s."
                )
                % {
                    "unbalanced": rec.get("unbalanced_count", len(rec.get("unbalanced_vouchers", []))),
                    "differences": rec.get("difference_count", len(rec.get("differences", []))),
                    "ksumma": CHECKSUM_STATES.get(checksum, checksum),
                }
            )
        if dry_run:
            lines.append(_("Dry run: nothing was stored."))
            if result.status == LedgerImport.Status.FAILED:
                lines.append(_("A real import would be refused."))
            else:
                lines.append(str(result.message))
        else:
            lines.append(
                _("Import %(id)s: %(status)s. %(message)s")
                % {"id": result.pk, "status": result.get_status_display(), "message": result.message}
            )
        return "\n".join(lines)

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
