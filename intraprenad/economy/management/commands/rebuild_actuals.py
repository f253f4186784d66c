"""Rebuild the monthly actuals from the current ledger imports (e.g. after restoring a backup).

    python manage.py rebuild_actuals [--year YYYY ...]

A system action: the actuals are derived data, rebuilt the same way after every import and mapping change.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from intraprenad.economy.models import MonthlyActual
from intraprenad.economy.services import ledger


class Command(BaseCommand):
    help = "Rebuild the monthly actuals of every result unit from the current ledger imports."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="Only this year (may be repeated).")

    def handle(self, *args, **options):
        ledger.rebuild_actuals(years=options["year"])
        self.stdout.write(_("%(n)s monthly actuals.") % {"n": MonthlyActual.objects.count()})
