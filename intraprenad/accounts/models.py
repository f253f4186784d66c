from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import audit_labels


class User(AbstractUser):
    """A person who logs in: officer, economist, politician, unit head, staff, evaluator."""

    title = models.CharField(_("job title"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class OrgUnit(models.Model):
    """A node of the municipality's organisation: council, committees, boards, administrations, units.

    Boards and committees are decision-making bodies; they have a `short_name` used in decision
    references (KF, KS, KSAU, SN) and a `case_series` for their case register.
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        COUNCIL = "council", _("Municipal council")
        EXECUTIVE = "executive", _("Executive committee")
        WORKING_COMMITTEE = "working_committee", _("Working committee")
        BOARD = "board", _("Board")
        ADMINISTRATION = "administration", _("Administration")
        DEPARTMENT = "department", _("Department")
        UNIT = "unit", _("Unit")

    DECISION_BODIES = (Kind.COUNCIL, Kind.EXECUTIVE, Kind.WORKING_COMMITTEE, Kind.BOARD)

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"), max_length=20, blank=True, help_text=_("Used in decision references, e.g. KSAU.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    case_series = models.CharField(
        _("case series"),
        max_length=12,
        blank=True,
        help_text=_("Prefix of case numbers registered by this body, e.g. KS or SN."),
    )
    service_type = models.CharField(
        _("type of service"), max_length=120, blank=True, help_text=_("For units, e.g. home care.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "municipality",
                        "council",
                        "executive",
                        "working_committee",
                        "board",
                        "administration",
                        "department",
                        "unit",
                    ]
                ),
                name="orgunit_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="municipality") | Q(parent__isnull=False),
                name="orgunit_only_municipality_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_decision_body(self) -> bool:
        return self.kind in self.DECISION_BODIES

    @property
    def reference_name(self) -> str:
        return self.short_name or self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    REGISTRAR = "registrar", _("Registrar")
    OFFICER = "officer", _("Administration officer")
    ECONOMIST = "economist", _("Economist")
    BOARD_MEMBER = "board_member", _("Board member")
    UNIT_HEAD = "unit_head", _("Unit head")
    STAFF = "staff", _("Staff member")
    EVALUATOR = "evaluator", _("External evaluator")


class RoleAssignment(models.Model):
    """A role a user holds over a part of the organisation tree (the unit and everything below)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="role_assignments"
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org_unit"], name="roleassignment_unique"),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in Role]), name="roleassignment_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.org_unit}"


class AuditEvent(models.Model):
    """One append-only row per change, written only by `accounts.audit.record` from services.

    `target` is the object changed; `subject` is the top-level object whose history shows it
    (for example the intraprenad an application belongs to). Rows are never updated or deleted;
    database triggers enforce this.
    """

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField(_("event"), max_length=80)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=40)
    target_repr = models.CharField(_("object"), max_length=300)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=40, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_repr}"

    @property
    def verb_label(self) -> str:
        """What happened, in words, for the change log; the raw verb if it has no label."""
        return audit_labels.verb_label(self.verb)

    @property
    def change_rows(self) -> list[tuple[str, str]]:
        """The changes as (field, value) pairs in words; codes read with the target's, then the subject's, choices."""
        type_ids = (self.target_type_id, self.subject_type_id)
        classes = [ContentType.objects.get_for_id(pk).model_class() for pk in type_ids if pk]
        return audit_labels.change_rows(self.changes, models=[cls for cls in classes if cls is not None])
