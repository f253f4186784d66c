"""Year-end closings, the result fund ledger and action plans after a deficit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intraprenad.cases.models import Case, Paragraph
from intraprenad.lifecycle.models import Intraprenad, Termination
from intraprenad.policy.models import GuidelineRevision

from ._scoped import scoped
from .budget import Budget
from .setup import ResultUnit


class YearEndClosing(models.Model):
    """The year-end result of an intraprenad against its budget, and how it is split.

    Prepared (and re-prepared) as a draft by the economist; decided by the board, after which it
    never changes. Reopening needs a new decision; the reopened closing stays as history and its
    fund movement is reversed, and a new draft can be prepared.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DECIDED = "decided", _("Decided")
        REOPENED = "reopened", _("Reopened")

    intraprenad = models.ForeignKey(Intraprenad, on_delete=models.PROTECT, related_name="closings")
    result_unit = models.ForeignKey(ResultUnit, on_delete=models.PROTECT, related_name="closings")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    revision = models.ForeignKey(
        GuidelineRevision, verbose_name=_("guidelines"), on_delete=models.PROTECT, related_name="+"
    )
    budget = models.ForeignKey(Budget, verbose_name=_("budget"), on_delete=models.PROTECT, related_name="+")
    turnover_ore = models.BigIntegerField(_("turnover (öre)"))
    budget_result_ore = models.BigIntegerField(_("budgeted net result (öre)"))
    actual_result_ore = models.BigIntegerField(_("actual net result (öre)"))
    deviation_ore = models.BigIntegerField(_("result against budget (öre)"))
    lines = models.JSONField(
        _("income statement"),
        default=dict,
        blank=True,
        help_text=_('Budget and actual per line in öre when prepared: {line: {"budget": n, "actual": n}}.'),
    )
    unit_share_ore = models.BigIntegerField(_("unit's share (öre)"), default=0)
    board_share_ore = models.BigIntegerField(_("board's share (öre)"), default=0)
    capped_ore = models.BigIntegerField(_("above the fund cap, to the board (öre)"), default=0)
    cap_ore = models.BigIntegerField(_("fund cap (öre)"), null=True, blank=True)
    fund_opening_ore = models.BigIntegerField(_("fund opening balance (öre)"), default=0)
    fund_movement_ore = models.BigIntegerField(_("to (+) or from (−) the fund (öre)"), default=0)
    fund_closing_ore = models.BigIntegerField(_("fund closing balance (öre)"), default=0)
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("prepared"))
    decision = models.ForeignKey(
        Paragraph, verbose_name=_("decision"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopen_decision = models.ForeignKey(
        Paragraph,
        verbose_name=_("decision to reopen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = scoped("result_unit__org_unit_id").as_manager()

    class Meta:
        verbose_name = _("year-end closing")
        verbose_name_plural = _("year-end closings")
        ordering = ["-year", "result_unit"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "decided", "reopened"]), name="yearendclosing_status_valid"
            ),
            models.UniqueConstraint(
                fields=["intraprenad", "year"],
                condition=~Q(status="reopened"),
                name="yearendclosing_one_open_per_year",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | Q(decision__isnull=False), name="yearendclosing_decided_has_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intraprenad} {self.year}"

    @property
    def scope_unit_id(self) -> int:
        return self.result_unit.org_unit_id


class FundMovement(models.Model):
    """One movement in an intraprenad's result fund. Append-only; every movement rests on a decision."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Surplus allocated")
        DEFICIT = "deficit", _("Deficit borne by the unit")
        USE = "use", _("Approved use")
        REVERSAL = "reversal", _("Reversal of a reopened closing")

    intraprenad = models.ForeignKey(Intraprenad, on_delete=models.PROTECT, related_name="fund_movements")
    result_unit = models.ForeignKey(ResultUnit, on_delete=models.PROTECT, related_name="fund_movements")
    year = models.PositiveSmallIntegerField(_("year"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount_ore = models.BigIntegerField(_("amount (öre)"))
    purpose = models.CharField(_("purpose"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=300)
    decision = models.ForeignKey(Paragraph, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="+")
    closing = models.ForeignKey(
        YearEndClosing, null=True, blank=True, on_delete=models.PROTECT, related_name="fund_movements"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("fund movement", "recorded"))

    objects = scoped("result_unit__org_unit_id").as_manager()

    class Meta:
        verbose_name = _("result fund movement")
        verbose_name_plural = _("result fund movements")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["allocation", "deficit", "use", "reversal"]), name="fundmovement_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(kind="use") | Q(amount_ore__lt=0), name="fundmovement_use_negative"),
            models.CheckConstraint(condition=~Q(kind="use") | ~Q(purpose=""), name="fundmovement_use_has_purpose"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def scope_unit_id(self) -> int:
        return self.result_unit.org_unit_id


class ActionPlan(models.Model):
    """Required after a deficit: measures to restore balance by a deadline set by the guidelines."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESTORED = "restored", _("Balance restored")
        ESCALATED = "escalated", _("Not restored: ending raised with the board")
        CANCELLED = "cancelled", _("Cancelled with a reopened closing")

    intraprenad = models.ForeignKey(Intraprenad, on_delete=models.PROTECT, related_name="action_plans")
    result_unit = models.ForeignKey(ResultUnit, on_delete=models.PROTECT, related_name="action_plans")
    closing = models.OneToOneField(YearEndClosing, on_delete=models.PROTECT, related_name="action_plan")
    deficit_ore = models.BigIntegerField(_("deficit to restore (öre)"))
    deadline = models.DateField(_("balance restored by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(_("analysis and summary"), blank=True)
    created_at = models.DateTimeField(_("created"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    termination = models.ForeignKey(Termination, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = scoped("result_unit__org_unit_id").as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "restored", "escalated", "cancelled"]), name="actionplan_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intraprenad} {self.closing.year}"

    @property
    def scope_unit_id(self) -> int:
        return self.result_unit.org_unit_id


class ActionMeasure(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        STARTED = "started", _("Started")
        DONE = "done", _("Done")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures")
    description = models.TextField(_("measure"))
    owner = models.CharField(_("owner"), max_length=120)
    due_on = models.DateField(_("due"))
    effect_ore = models.BigIntegerField(_("expected effect (öre)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["planned", "started", "done"]), name="measure_status_valid"),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class ActionFollowUp(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"))
    note = models.TextField(_("follow-up"))
    result_to_date_ore = models.BigIntegerField(_("result so far this year (öre)"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(pgettext_lazy("action plan follow-up", "recorded"))

    class Meta:
        verbose_name = _("action plan follow-up")
        verbose_name_plural = _("action plan follow-ups")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.date}"
