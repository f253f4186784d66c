"""Daily job: escalate action plans whose deadline has passed without balance being restored.

Run once a day (cron or a django-q2 schedule), e.g. `python manage.py review_action_plans`. Idempotent: a plan is
escalated once, so running it again, or late, is safe. `--today` reviews as of another day (for catching up).
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intraprenad.core.commands import day_option
from intraprenad.economy.services.closing import review_action_plans


class Command(BaseCommand):
    help = (
        "Escalate open action plans past their deadline whose balance is not restored: the case for ending the "
        "intraprenad is raised for the board. Safe to run repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Review as of this day (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        today = day_option(
            options["today"],
            format_error=_("Give the day as YYYY-MM-DD."),
            future_error=_("The review cannot run as of a day in the future."),
        )
        escalated = review_action_plans(today=today)
        for plan in escalated:
            termination = plan.termination.case.case_number if plan.termination else "–"
            self.stdout.write(
                _("Escalated: %(plan)s (deadline %(deadline)s), termination case %(case)s")
                % {"plan": plan, "deadline": plan.deadline.isoformat(), "case": termination}
            )
        self.stdout.write(
            ngettext("%(n)s action plan escalated.", "%(n)s action plans escalated.", len(escalated))
            % {"n": len(escalated)}
        )
