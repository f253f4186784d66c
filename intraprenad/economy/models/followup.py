"""Forecasts entered by the unit head, and early warnings of a forecast deficit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ._scoped import scoped
from .setup import ResultUnit


class ForecastEntry(models.Model):
    """A full-year forecast of the net result entered by the unit head (or economist) after a month, with a comment.

    The latest entry for (unit, year, month) is the one shown; older entries are kept as history.
    """

    result_unit = models.ForeignKey(ResultUnit, on_delete=models.PROTECT, related_name="forecast_entries")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("after month"))
    result_ore = models.BigIntegerField(_("forecast net result for the year (öre)"))
    comment = models.TextField(_("comment"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered"))

    objects = scoped("result_unit__org_unit_id").as_manager()

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="forecastentry_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.result_unit} {self.year}-{self.month:02d}"

    @property
    def scope_unit_id(self) -> int:
        return self.result_unit.org_unit_id


class EarlyWarning(models.Model):
    """Raised once per unit, year and month when the forecast shows a deficit beyond the guidelines' threshold."""

    result_unit = models.ForeignKey(ResultUnit, on_delete=models.CASCADE, related_name="warnings")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("after month"))
    method = models.CharField(_("forecast method"), max_length=12)
    forecast_ore = models.BigIntegerField(_("forecast net result (öre)"))
    threshold_ore = models.BigIntegerField(_("threshold (öre)"))
    created_at = models.DateTimeField(_("raised"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    objects = scoped("result_unit__org_unit_id").as_manager()

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-year", "-month", "result_unit"]
        constraints = [
            models.UniqueConstraint(fields=["result_unit", "year", "month"], name="earlywarning_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.result_unit} {self.year}-{self.month:02d}"

    @property
    def scope_unit_id(self) -> int:
        return self.result_unit.org_unit_id
