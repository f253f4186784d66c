from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intraprenad.accounts.access import EVERYWHERE, unit_ids_for
from intraprenad.accounts.models import OrgUnit
from intraprenad.cases.models import Case, Document, Paragraph
from intraprenad.policy.models import GuidelineRevision

MONEY = {"max_digits": 14, "decimal_places": 2}


class IntraprenadQuerySet(models.QuerySet):
    def for_user(self, user):
        """Staff of the organisation see the intraprenader in their part of the tree; everyone, the
        public included, sees those that have reached a public decision (active or ended)."""
        units = unit_ids_for(user, "lifecycle.view_intraprenad")
        if units is EVERYWHERE:
            return self
        public = Q(status__in=[Intraprenad.Status.ACTIVE, Intraprenad.Status.ENDED])
        if not getattr(user, "is_authenticated", False):
            return self.filter(public)
        return self.filter(Q(unit_id__in=units) | Q(board_id__in=units) | public)


class Intraprenad(models.Model):
    """A unit's path to, and life as, an intraprenad: one row per unit and attempt.

    `status` is the lifecycle stage; it is assigned only by the transition services in
    `lifecycle.services`, following `lifecycle.rules.INTRAPRENAD_TRANSITIONS`.
    """

    class Status(models.TextChoices):
        INTEREST = "interest", _("Expression of interest")
        TRAINING = "training", _("Training")
        APPLICATION = "application", _("Application")
        AGREEMENT = "agreement", _("Agreement being drafted")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Application rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ENDED = "ended", _("Ended")

    class Origin(models.TextChoices):
        STAFF = "staff", _("Initiated by the staff")
        BOARD = "board", _("Decided by the board")

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="intraprenader")
    board = models.ForeignKey(
        OrgUnit,
        verbose_name=_("board"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_type = models.CharField(_("type of service"), max_length=120)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.STAFF)
    initiative = models.ForeignKey(
        Paragraph,
        verbose_name=_("board initiative decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.INTEREST)
    one_time_frame_increase = models.DecimalField(_("one-time frame increase (SEK)"), default=Decimal("0"), **MONEY)
    created_at = models.DateTimeField(_("created"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)

    objects = IntraprenadQuerySet.as_manager()

    class Meta:
        verbose_name = _("intraprenad")
        verbose_name_plural = _("intraprenader")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "interest",
                        "training",
                        "application",
                        "agreement",
                        "active",
                        "rejected",
                        "withdrawn",
                        "ended",
                    ]
                ),
                name="intraprenad_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(origin="staff") | Q(initiative__isnull=False),
                name="intraprenad_board_origin_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(one_time_frame_increase__gte=0), name="intraprenad_frame_increase_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_unit_id(self) -> int:
        return self.unit_id


class InterestNotice(models.Model):
    """The short expression of interest a unit sends to the administration."""

    intraprenad = models.OneToOneField(
        Intraprenad, verbose_name=_("intraprenad"), on_delete=models.PROTECT, related_name="interest"
    )
    received_on = models.DateField(_("received"))
    contact_name = models.CharField(_("contact person"), max_length=200)
    staff_count = models.PositiveIntegerField(_("number of staff"))
    motivation = models.TextField(_("why the unit is interested"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")

    def __str__(self) -> str:
        return f"{self.intraprenad} {self.received_on}"

    @property
    def scope_unit_id(self) -> int:
        return self.intraprenad.unit_id


class TrainingProgramme(models.Model):
    """The training offered to a unit: 6–8 sessions of about 3 hours (per the guidelines).

    Attending commits the unit to nothing. It ends with the unit presenting its business idea.
    """

    intraprenad = models.OneToOneField(
        Intraprenad, verbose_name=_("intraprenad"), on_delete=models.PROTECT, related_name="training"
    )
    revision = models.ForeignKey(
        GuidelineRevision, verbose_name=_("guideline revision"), on_delete=models.PROTECT, related_name="+"
    )
    presentation_on = models.DateField(_("business idea presented"), null=True, blank=True)
    presentation_summary = models.TextField(_("business idea"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")

    def __str__(self) -> str:
        return f"{self.intraprenad}"

    @property
    def scope_unit_id(self) -> int:
        return self.intraprenad.unit_id


class TrainingSession(models.Model):
    """One session of a training programme, with its attendance."""

    programme = models.ForeignKey(
        TrainingProgramme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    topic = models.CharField(_("topic"), max_length=200)
    attendees = models.PositiveIntegerField(_("attendees"), null=True, blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="trainingsession_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"

    @property
    def scope_unit_id(self) -> int:
        return self.programme.intraprenad.unit_id


class Application(models.Model):
    """The unit's application to run as an intraprenad, decided by the board."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PREPARED = "prepared", _("Prepared for decision")
        GRANTED = "granted", _("Granted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    intraprenad = models.ForeignKey(
        Intraprenad, verbose_name=_("intraprenad"), on_delete=models.PROTECT, related_name="applications"
    )
    revision = models.ForeignKey(
        GuidelineRevision, verbose_name=_("guideline revision"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    case = models.OneToOneField(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )
    staff_total = models.PositiveIntegerField(_("staff in the unit"), default=0)
    staff_in_favour = models.PositiveIntegerField(_("staff in favour"), default=0)
    years_positive_result = models.PositiveIntegerField(_("consecutive years with a positive result"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decision = models.ForeignKey(
        Paragraph, verbose_name=_("decision"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "prepared", "granted", "rejected", "withdrawn"]),
                name="application_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(staff_in_favour__lte=models.F("staff_total")),
                name="application_support_within_staff",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["granted", "rejected"]) | Q(decision__isnull=False),
                name="application_decided_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intraprenad} – {self.get_status_display()}"

    @property
    def scope_unit_id(self) -> int:
        return self.intraprenad.unit_id


class ApplicationSection(models.Model):
    """The text of one required section of an application (from the revision's items)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="sections"
    )
    key = models.SlugField(max_length=60)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField()
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("application section")
        verbose_name_plural = _("application sections")
        ordering = ["application", "order"]
        constraints = [
            models.UniqueConstraint(fields=["application", "key"], name="applicationsection_unique_key"),
        ]

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model):
    """A line of the application's operating and staff budget (SEK per year)."""

    class Kind(models.TextChoices):
        REVENUE = "revenue", _("Revenue")
        STAFF = "staff", _("Staff costs")
        OPERATING = "operating", _("Other operating costs")
        ONE_TIME = "one_time", _("One-time start-up funding")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount (SEK)"), **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budgetline_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class Memo(models.Model):
    """An official memo (tjänsteskrivelse) with the administration's proposed decision."""

    class Proposal(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="memos")
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    background = models.TextField(_("background"), blank=True)
    assessment = models.TextField(_("the administration's assessment"))
    proposal = models.CharField(_("proposed outcome"), max_length=10, choices=Proposal.choices)
    proposed_decision = models.TextField(_("proposed decision"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    drawn_up_on = models.DateField(_("date"))
    document = models.OneToOneField(
        Document,
        verbose_name=_("registered document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memo",
    )

    class Meta:
        verbose_name = _("official memo")
        verbose_name_plural = _("official memos")
        ordering = ["-drawn_up_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case.case_number} {self.title}"

    @property
    def scope_unit_id(self) -> int:
        return self.case.scope_unit_id


class Agreement(models.Model):
    """The multi-year agreement between the board and the intraprenad, drafted jointly."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DECIDED = "decided", _("Decided by the board")
        SIGNED = "signed", _("Signed and in force")
        REPLACED = "replaced", _("Replaced by renewal")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")
        CANCELLED = "cancelled", _("Cancelled before it came into force")

    intraprenad = models.ForeignKey(
        Intraprenad, verbose_name=_("intraprenad"), on_delete=models.PROTECT, related_name="agreements"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("granted application"), on_delete=models.PROTECT, related_name="agreements"
    )
    revision = models.ForeignKey(
        GuidelineRevision, verbose_name=_("guideline revision"), on_delete=models.PROTECT, related_name="+"
    )
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="agreement")
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    decision = models.ForeignKey(
        Paragraph, verbose_name=_("decision"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    board_signatory = models.CharField(_("signed for the board"), max_length=200, blank=True)
    unit_signatory = models.CharField(_("signed for the intraprenad"), max_length=200, blank=True)
    document = models.ForeignKey(
        Document,
        verbose_name=_("registered agreement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["draft", "decided", "signed", "replaced", "expired", "terminated", "cancelled"]
                ),
                name="agreement_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")), name="agreement_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "cancelled"]) | Q(decision__isnull=False),
                name="agreement_decided_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "decided", "cancelled"]) | Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intraprenad} {self.period_start:%Y}–{self.period_end:%Y}"

    @property
    def scope_unit_id(self) -> int:
        return self.intraprenad.unit_id


class AgreementClause(models.Model):
    """The text of one required clause of an agreement (from the revision's items)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="clauses"
    )
    key = models.SlugField(max_length=60)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField()
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("agreement clause")
        verbose_name_plural = _("agreement clauses")
        ordering = ["agreement", "order"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "key"], name="agreementclause_unique_key"),
        ]

    def __str__(self) -> str:
        return self.title


class Termination(models.Model):
    """Ending an intraprenad before or at the end of its period; the unit is folded back."""

    class Ground(models.TextChoices):
        BREACH = "breach", _("The agreement has not been followed")
        PURPOSE_NOT_MET = "purpose", _("The board's purpose has not been met")
        ECONOMY = "economy", _("Economic balance not restored after an action plan")
        UNIT_REQUEST = "unit_request", _("At the unit's own request")
        PERIOD_END = "period_end", _("The agreement period ended without renewal")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DECIDED = "decided", _("Decided")
        REJECTED = "rejected", _("Rejected by the board")

    intraprenad = models.ForeignKey(
        Intraprenad, verbose_name=_("intraprenad"), on_delete=models.PROTECT, related_name="terminations"
    )
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="terminations"
    )
    ground = models.CharField(_("ground"), max_length=14, choices=Ground.choices)
    motivation = models.TextField(_("motivation"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="termination")
    effective_on = models.DateField(_("effective from"))
    decision = models.ForeignKey(
        Paragraph, verbose_name=_("decision"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"))

    class Meta:
        verbose_name = _("termination")
        verbose_name_plural = _("terminations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "decided", "rejected"]), name="termination_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decision__isnull=False), name="termination_decided_has_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intraprenad} – {self.get_ground_display()}"

    @property
    def scope_unit_id(self) -> int:
        return self.intraprenad.unit_id
