from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intraprenad.accounts.models import OrgUnit


class RevisionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Adopted guidelines are public documents; drafts are seen by staff of the organisation."""
        from intraprenad.accounts.access import has_perm

        if has_perm(user, "policy.view_revision"):
            return self
        return self.adopted()

    def adopted(self):
        return self.filter(status=GuidelineRevision.Status.ADOPTED)


class GuidelineRevision(models.Model):
    """One version of a municipality's or board's guidelines for intraprenader.

    Holds parameter values (declared in `policy.parameters`) and ordered required items.
    A draft may be edited; once adopted by a recorded decision it never changes: a change is a
    new revision. Applications, agreements and closings keep the revision they were decided under.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    title = models.CharField(_("title"), max_length=200)
    board = models.ForeignKey(
        OrgUnit,
        verbose_name=_("board"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guideline_revisions",
        help_text=_("Empty: applies to the whole municipality."),
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    valid_from = models.DateField(_("valid from"))
    parameters = models.JSONField(_("parameters"), default=dict)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
    )
    adopted_by = models.ForeignKey(
        "cases.Paragraph",
        verbose_name=_("adopted by decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("guideline revision")
        verbose_name_plural = _("guideline revisions")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "adopted"]), name="revision_status_valid"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(adopted_by__isnull=False, adopted_at__isnull=False),
                name="revision_adopted_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.valid_from:%Y-%m-%d})"

    @property
    def scope_unit_id(self) -> int | None:
        return self.board_id or OrgUnit.objects.filter(parent__isnull=True).values_list("pk", flat=True).first()

    @property
    def is_adopted(self) -> bool:
        return self.status == self.Status.ADOPTED

    def items_of(self, kind: str):
        return self.items.filter(kind=kind).order_by("order")


class RequiredItem(models.Model):
    """An ordered required item of a revision: an application section, an agreement clause,
    an evaluation area, or a permitted use of the result fund."""

    class Kind(models.TextChoices):
        APPLICATION_SECTION = "application_section", _("Application section")
        AGREEMENT_CLAUSE = "agreement_clause", _("Agreement clause")
        EVALUATION_AREA = "evaluation_area", _("Evaluation area")
        FUND_USE = "fund_use", _("Permitted use of the result fund")

    revision = models.ForeignKey(
        GuidelineRevision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    key = models.SlugField(_("key"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        verbose_name = _("required item")
        verbose_name_plural = _("required items")
        ordering = ["revision", "kind", "order"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "kind", "key"], name="requireditem_unique_key"),
            models.UniqueConstraint(fields=["revision", "kind", "order"], name="requireditem_unique_order"),
        ]

    def __str__(self) -> str:
        return self.title
