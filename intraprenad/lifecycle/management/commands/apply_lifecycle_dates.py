"""Daily job: decided terminations take effect on their day, and agreement periods that ended without renewal expire.

Run once a day (cron or the django-q2 schedule of migration lifecycle 0003), e.g.
`python manage.py apply_lifecycle_dates`. Idempotent: an ended intraprenad has nothing due, so running it again, or
late, is safe. `--today` applies the dates as of another day (for catching up).
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intraprenad.core.commands import day_option
from intraprenad.lifecycle.rules import DueAction
from intraprenad.lifecycle.services import apply_due_dates


class Command(BaseCommand):
    help = (
        "End the intraprenader whose decided termination takes effect, and those whose agreement period ended "
        "without renewal (the agreement expires). Reports periods that ended while a renewal is not yet signed. "
        "Safe to run repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Apply the dates as of this day (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        today = day_option(
            options["today"],
            format_error=_("Give the day as YYYY-MM-DD."),
            future_error=_("The dates cannot be applied as of a day in the future."),
        )
        outcomes = apply_due_dates(today=today)
        ended = 0
        for outcome in outcomes:
            name = outcome.intraprenad.name
            if outcome.action.kind == DueAction.TERMINATE:
                ended += 1
                self.stdout.write(
                    _("Ended: %(name)s – the board's termination (case %(case)s) took effect on %(date)s.")
                    % {
                        "name": name,
                        "case": outcome.termination.case.case_number,
                        "date": outcome.action.ended_on.isoformat(),
                    }
                )
            elif outcome.action.kind == DueAction.EXPIRE:
                ended += 1
                self.stdout.write(
                    _("Ended: %(name)s – the agreement period ended on %(end)s without renewal; the agreement expired.")
                    % {"name": name, "end": outcome.agreement.period_end.isoformat()}
                )
            else:
                self.stdout.write(
                    _(
                        "Check: %(name)s – the agreement period ended on %(end)s but the renewal is not signed "
                        "(%(status)s); the agreement is left in force."
                    )
                    % {
                        "name": name,
                        "end": outcome.agreement.period_end.isoformat(),
                        "status": outcome.agreement.renewed_by.get_status_display(),
                    }
                )
        self.stdout.write(ngettext("%(n)s intraprenad ended.", "%(n)s intraprenader ended.", ended) % {"n": ended})
