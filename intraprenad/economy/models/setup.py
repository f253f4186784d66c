"""Which units are followed, which ledger objects belong to them, and how accounts map to lines."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intraprenad.accounts.models import OrgUnit
from intraprenad.economy.lines import Line

from ._scoped import scoped


class LedgerSettings(models.Model):
    """One row per deployment: the ledger dimension that identifies result units."""

    unit_dimension = models.CharField(
        _("dimension for result units"),
        max_length=10,
        default="1",
        help_text=_("SIE dimension number; 1 is cost centre/responsibility (kostnadsställe/ansvar)."),
    )
    warning_recipients_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ledger settings")
        verbose_name_plural = _("ledger settings")

    def __str__(self) -> str:
        return f"dim {self.unit_dimension}"

    @classmethod
    def current(cls) -> "LedgerSettings":
        return cls.objects.get_or_create(pk=1)[0]


class ResultUnit(models.Model):
    """An organisational unit followed in the economy: an intraprenad's unit or a comparable unit."""

    org_unit = models.OneToOneField(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="result_unit"
    )
    is_comparison = models.BooleanField(
        _("comparable unit"), default=False, help_text=_("A unit run by the administration, for comparison.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = scoped("org_unit_id").as_manager()

    class Meta:
        verbose_name = _("result unit")
        verbose_name_plural = _("result units")
        ordering = ["org_unit__name"]

    def __str__(self) -> str:
        return self.org_unit.name

    @property
    def scope_unit_id(self) -> int:
        return self.org_unit_id


class LedgerObject(models.Model):
    """A ledger object (e.g. responsibility 41020) that belongs to a result unit."""

    result_unit = models.ForeignKey(
        ResultUnit, verbose_name=_("result unit"), on_delete=models.CASCADE, related_name="ledger_objects"
    )
    dimension = models.CharField(_("dimension"), max_length=10, default="1")
    object_id = models.CharField(_("object"), max_length=40)

    objects = scoped("result_unit__org_unit_id").as_manager()

    class Meta:
        verbose_name = _("ledger object")
        verbose_name_plural = _("ledger objects")
        ordering = ["dimension", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "object_id"], name="ledgerobject_unique"),
            models.CheckConstraint(condition=~Q(object_id=""), name="ledgerobject_object_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.object_id}"

    @property
    def scope_unit_id(self) -> int:
        return self.result_unit.org_unit_id


class AccountLineRule(models.Model):
    """Accounts starting with `prefix` belong to `line` (longest prefix wins)."""

    prefix = models.CharField(_("account prefix"), max_length=10, unique=True)
    line = models.CharField(_("line"), max_length=12, choices=Line.choices)

    class Meta:
        verbose_name = _("account mapping")
        verbose_name_plural = _("account mappings")
        ordering = ["prefix"]
        constraints = [
            models.CheckConstraint(condition=Q(line__in=Line.values), name="accountlinerule_line_valid"),
            models.CheckConstraint(condition=Q(prefix__regex=r"^[0-9]+$"), name="accountlinerule_prefix_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}* → {self.get_line_display()}"
