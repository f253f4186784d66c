"""Imported ledgers: one row per import, its vouchers and transactions, and monthly actuals per unit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intraprenad.economy.lines import Line

from ._scoped import scoped
from .setup import ResultUnit


class LedgerImport(models.Model):
    """One imported file (SIE, or CSV/Excel from the template).

    The same file (same sha256) imported again changes nothing. A newer export of the same
    company and fiscal year replaces the older one (status `replaced`, its rows deleted).
    """

    class Source(models.TextChoices):
        SIE = "sie", _("SIE file")
        TABLE = "table", _("CSV/Excel template")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")
        REPLACED = "replaced", _("Replaced by a newer export")

    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.SIE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    stored_file = models.FileField(_("file"), upload_to="ledger/%Y/", blank=True)
    dimension = models.CharField(_("dimension"), max_length=10, default="1")
    sie_type = models.CharField(_("SIE type"), max_length=4, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    orgnr = models.CharField(_("organisation number"), max_length=20, blank=True)
    fiscal_year_start = models.DateField(_("fiscal year starts"), null=True, blank=True)
    fiscal_year_end = models.DateField(_("fiscal year ends"), null=True, blank=True)
    voucher_count = models.PositiveIntegerField(_("vouchers"), default=0)
    transaction_count = models.PositiveIntegerField(_("transactions"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    reconciliation = models.JSONField(_("reconciliation"), default=dict, blank=True)
    replaces = models.ForeignKey(
        "self", verbose_name=_("replaces"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed", "replaced"]),
                name="ledgerimport_status_valid",
            ),
            models.CheckConstraint(condition=Q(source__in=["sie", "table"]), name="ledgerimport_source_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="ledgerimport_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.file_name


class Voucher(models.Model):
    ledger_import = models.ForeignKey(LedgerImport, on_delete=models.CASCADE, related_name="vouchers")
    series = models.CharField(_("series"), max_length=20, blank=True)
    number = models.CharField(_("number"), max_length=40, blank=True)
    date = models.DateField(_("date"))
    text = models.CharField(_("text"), max_length=500, blank=True)
    line = models.PositiveIntegerField(_("line in file"), default=0)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["date", "series", "id"]

    def __str__(self) -> str:
        return f"{self.series} {self.number}".strip()


class Transaction(models.Model):
    """One counted #TRANS row (or one row of a CSV/Excel import). Written in bulk by the importer.

    `period` is the voucher month as YYYYMM; `object_id` the row's object of the import's dimension; `position`
    the row's place among the import's rows in file order. The importer gives an import's rows consecutive ids,
    ordered by object, period and position, and records the id range of every object and month in a
    `TransactionBlock`: the drill-down finds a figure's rows by those ranges of the primary key (ADR 20).
    """

    # No database constraints on these two keys: the importer is their only writer and gives the rows, their
    # vouchers and their import their ids in one transaction; checking a million keys doubles the import (ADR 19).
    # No index on the import either: an import's rows are one range of ids (ADR 20).
    ledger_import = models.ForeignKey(
        LedgerImport, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    voucher = models.ForeignKey(Voucher, on_delete=models.CASCADE, related_name="transactions", db_constraint=False)
    position = models.PositiveIntegerField(_("row in the file"), default=0)
    account = models.CharField(_("account"), max_length=20)
    object_id = models.CharField(_("object"), max_length=40, blank=True)
    object_list = models.CharField(_("objects"), max_length=200, blank=True)
    period = models.PositiveIntegerField(_("period"))
    amount_ore = models.BigIntegerField(_("amount (öre)"))
    trans_date = models.DateField(_("transaction date"), null=True, blank=True)
    text = models.CharField(_("text"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")

    def __str__(self) -> str:
        return f"{self.account} {self.amount_ore}"


class TransactionBlock(models.Model):
    """The transactions of one import for one object and month: the ids `first_id` to `last_id` (ADR 20).

    Written by the importer with the rows; the drill-down from a figure reads its rows by these ranges, and a
    replaced import's rows are deleted by them."""

    ledger_import = models.ForeignKey(LedgerImport, on_delete=models.CASCADE, related_name="blocks")
    object_id = models.CharField(_("object"), max_length=40, blank=True)
    period = models.PositiveIntegerField(_("period"))
    first_id = models.BigIntegerField(_("first transaction id"))
    last_id = models.BigIntegerField(_("last transaction id"))

    class Meta:
        verbose_name = _("block of transactions")
        verbose_name_plural = _("blocks of transactions")
        constraints = [
            models.UniqueConstraint(fields=["ledger_import", "object_id", "period"], name="transactionblock_unique"),
            models.CheckConstraint(condition=Q(first_id__lte=models.F("last_id")), name="transactionblock_range"),
        ]
        indexes = [models.Index(fields=["object_id", "period"], name="block_object_period")]

    def __str__(self) -> str:
        return f"{self.ledger_import_id} {self.object_id} {self.period}: {self.first_id}–{self.last_id}"


class MonthlyActual(models.Model):
    """The outcome of a result unit for one month and line, in result sign (revenue +, costs −).

    Derived: rebuilt from the transactions of all current imports whenever an import finishes or
    the mapping changes. Never edited by hand.
    """

    result_unit = models.ForeignKey(ResultUnit, on_delete=models.CASCADE, related_name="actuals")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    line = models.CharField(_("line"), max_length=12, choices=Line.choices)
    amount_ore = models.BigIntegerField(_("amount (öre)"))

    objects = scoped("result_unit__org_unit_id").as_manager()

    class Meta:
        verbose_name = _("monthly actual")
        verbose_name_plural = _("monthly actuals")
        constraints = [
            models.UniqueConstraint(fields=["result_unit", "year", "month", "line"], name="monthlyactual_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="monthlyactual_month_range"),
        ]
        # Covers the board overview's aggregate (the figures are read from the index alone).
        indexes = [
            models.Index(fields=["year", "result_unit", "line", "month", "amount_ore"], name="actual_year_unit_line")
        ]

    def __str__(self) -> str:
        return f"{self.result_unit_id} {self.year}-{self.month:02d} {self.line}"

    @property
    def scope_unit_id(self) -> int:
        return self.result_unit.org_unit_id
