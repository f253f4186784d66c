"""Budgets per result unit and year, by line and month, versioned; and the index table."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intraprenad.cases.models import Paragraph
from intraprenad.economy.lines import Line

from ._scoped import scoped
from .setup import ResultUnit

RATE = {"max_digits": 6, "decimal_places": 2}


class BudgetIndex(models.Model):
    """The index for a budget year (e.g. SKR's PKV): separate rates for staff and other costs."""

    year = models.PositiveSmallIntegerField(_("budget year"), unique=True)
    personnel_percent = models.DecimalField(_("personnel costs (%)"), **RATE)
    other_percent = models.DecimalField(_("other operating costs (%)"), **RATE)
    revenue_percent = models.DecimalField(_("revenue and frame (%)"), default=Decimal("0"), **RATE)
    source = models.CharField(_("source"), max_length=200, help_text=_("E.g. SKR, PKV October 2024."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("budget index")
        verbose_name_plural = _("budget indexes")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class Budget(models.Model):
    """One version of a unit's budget for a year. An approved version never changes; a change is a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", pgettext_lazy("budget", "Approved")
        SUPERSEDED = "superseded", _("Superseded by a later version")

    result_unit = models.ForeignKey(
        ResultUnit, verbose_name=_("result unit"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    index = models.ForeignKey(
        BudgetIndex, verbose_name=_("index"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The rates of `index` when this version was indexed: the index table may be revised later (SKR
    # publishes several forecasts a year), and an approved budget must keep showing what it was built on.
    index_personnel_percent = models.DecimalField(_("personnel index used (%)"), null=True, blank=True, **RATE)
    index_other_percent = models.DecimalField(_("other costs index used (%)"), null=True, blank=True, **RATE)
    index_revenue_percent = models.DecimalField(_("revenue index used (%)"), null=True, blank=True, **RATE)
    index_source = models.CharField(_("index source used"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    decision = models.ForeignKey(
        Paragraph, verbose_name=_("decision"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = scoped("result_unit__org_unit_id").as_manager()

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["result_unit", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["result_unit", "year", "version"], name="budget_unique_version"),
            models.UniqueConstraint(
                fields=["result_unit", "year"], condition=Q(status="approved"), name="budget_one_approved_per_year"
            ),
            models.UniqueConstraint(
                fields=["result_unit", "year"], condition=Q(status="draft"), name="budget_one_draft_per_year"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "approved", "superseded"]), name="budget_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result_unit} {self.year} v{self.version}"

    @property
    def scope_unit_id(self) -> int:
        return self.result_unit.org_unit_id


class BudgetAmount(models.Model):
    """The budget of one line for one month, in result sign (revenue +, costs −), including one-time items."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="amounts")
    line = models.CharField(_("line"), max_length=12, choices=Line.choices)
    month = models.PositiveSmallIntegerField(_("month"))
    amount_ore = models.BigIntegerField(_("amount (öre)"))

    class Meta:
        verbose_name = _("budget amount")
        verbose_name_plural = _("budget amounts")
        constraints = [
            models.UniqueConstraint(fields=["budget", "line", "month"], name="budgetamount_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="budgetamount_month_range"),
        ]
        indexes = [models.Index(fields=["budget", "line", "month", "amount_ore"], name="budgetamount_covering")]

    def __str__(self) -> str:
        return f"{self.budget} {self.line} {self.month}"


class BudgetItem(models.Model):
    """A one-time item in a budget (e.g. the start-up frame increase); not carried into next year's base."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="items")
    line = models.CharField(_("line"), max_length=12, choices=Line.choices)
    description = models.CharField(_("description"), max_length=200)
    amount_ore = models.BigIntegerField(_("amount (öre)"))
    month = models.PositiveSmallIntegerField(_("month"), default=1)

    class Meta:
        verbose_name = _("one-time item")
        verbose_name_plural = _("one-time items")
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="budgetitem_month_range"),
        ]

    def __str__(self) -> str:
        return self.description
