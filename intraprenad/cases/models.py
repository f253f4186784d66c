from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intraprenad.accounts.access import EVERYWHERE, has_perm, unit_ids_for
from intraprenad.accounts.models import OrgUnit


class CaseQuerySet(models.QuerySet):
    def for_user(self, user):
        """The case register is public: every case is listed; confidential detail is masked
        by `Case.title_for` and `Document.description_for`."""
        return self

    def open(self):
        return self.filter(status=Case.Status.OPEN)


class Case(models.Model):
    """An entry in the case register (diarium), numbered `SERIES YEAR-NNNNN` without gaps."""

    class Kind(models.TextChoices):
        MOTION = "motion", _("Motion")
        INITIATIVE = "initiative", _("Initiative")
        GUIDELINES = "guidelines", _("Guidelines")
        APPLICATION = "application", _("Application for intraprenad")
        AGREEMENT = "agreement", _("Intraprenad agreement")
        TERMINATION = "termination", _("Termination of intraprenad")
        ECONOMY = "economy", _("Year-end result and result fund")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    series = models.CharField(pgettext_lazy("case number", "series"), max_length=12)
    year = models.PositiveIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    is_confidential = models.BooleanField(_("confidential"), default=False)
    public_title = models.CharField(
        _("public title"),
        max_length=300,
        blank=True,
        help_text=_("Shown to those who may not see the confidential title."),
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("responsible body"), on_delete=models.PROTECT, related_name="cases"
    )
    subject_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("concerns unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subject_cases",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    registered_at = models.DateTimeField(_("registered"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-year", "series", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "year", "number"], name="case_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="case_number_positive"),
            models.CheckConstraint(condition=Q(status__in=["open", "closed"]), name="case_status_valid"),
            models.CheckConstraint(
                condition=Q(is_confidential=False) | ~Q(public_title=""),
                name="case_confidential_has_public_title",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.public_title if self.is_confidential else self.title}"

    @property
    def case_number(self) -> str:
        """E.g. `KS 2023-00258`."""
        return f"{self.series} {self.year}-{self.number:05d}"

    @property
    def compact_number(self) -> str:
        """E.g. `202300258`, as used in decision references."""
        return f"{self.year}{self.number:05d}"

    @property
    def scope_unit_id(self) -> int:
        return self.subject_unit_id or self.org_unit_id

    def title_for(self, user) -> str:
        if self.is_confidential and not has_perm(user, "cases.view_confidential", self):
            return self.public_title
        return self.title


class Document(models.Model):
    """A registered document (handling) in a case: received, drawn up or sent.

    Never deleted; a correction is a new document that `supersedes` the old one.
    """

    class Direction(models.TextChoices):
        INCOMING = "in", _("Received")
        OUTGOING = "out", _("Sent")
        INTERNAL = "internal", _("Drawn up")

    class Kind(models.TextChoices):
        MOTION = "motion", _("Motion")
        INTEREST = "interest", _("Expression of interest")
        APPLICATION = "application", _("Application")
        MEMO = "memo", _("Official memo")
        AGREEMENT = "agreement", _("Agreement")
        MINUTES_EXTRACT = "minutes_extract", _("Extract from minutes")
        STATEMENT = "statement", _("Statement")
        LETTER = "letter", _("Letter")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="documents")
    serial = models.PositiveIntegerField(_("document number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    document_date = models.DateField(_("date received or drawn up"))
    counterpart = models.CharField(_("sender or recipient"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=300)
    is_confidential = models.BooleanField(_("confidential"), default=False)
    public_description = models.CharField(_("public description"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/", blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    registered_at = models.DateTimeField(_("registered"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("registered document")
        verbose_name_plural = _("registered documents")
        ordering = ["case", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["case", "serial"], name="document_unique_serial"),
            models.CheckConstraint(
                condition=Q(is_confidential=False) | ~Q(public_description=""),
                name="document_confidential_has_public_description",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["in", "out", "internal"]), name="document_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        text = self.public_description if self.is_confidential else self.description
        return f"{self.case.case_number}:{self.serial} {text}"

    @property
    def scope_unit_id(self) -> int:
        return self.case.scope_unit_id

    def description_for(self, user) -> str:
        if self.is_confidential and not has_perm(user, "cases.view_confidential", self):
            return self.public_description
        return self.description


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        """Everyone sees meetings whose minutes are approved; members and registrars of a body
        also see its planned and held meetings."""
        visible = Q(status=Meeting.Status.MINUTES_APPROVED)
        for perm in ("cases.manage_meeting", "cases.record_decision"):
            units = unit_ids_for(user, perm)
            if units is EVERYWHERE:
                return self
            visible |= Q(body_id__in=units)
        return self.filter(visible)


class Meeting(models.Model):
    """A meeting of a decision-making body; its minutes are the paragraphs."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        MINUTES_APPROVED = "approved", _("Minutes approved")

    body = models.ForeignKey(OrgUnit, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    minutes_approved_at = models.DateField(_("minutes approved"), null=True, blank=True)
    adjusters = models.CharField(_("adjusted by"), max_length=300, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "held", "approved"]), name="meeting_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body.reference_name} {self.date:%Y-%m-%d}"

    @property
    def scope_unit_id(self) -> int:
        return self.body_id

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.MINUTES_APPROVED


class Paragraph(models.Model):
    """A numbered paragraph (§) of a meeting's minutes: a decision, a referral or a notice.

    Numbered per body and year without gaps. Referenced as `202300258-KSAU-§ 103`.
    """

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        REFER = "refer", _("Referred")
        PROPOSE = "propose", _("Proposal to another body")
        ADOPT = "adopt", _("Adopted")
        NOTED = "noted", _("Noted")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="paragraphs")
    body = models.ForeignKey(OrgUnit, verbose_name=_("body"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    number = models.PositiveIntegerField(_("paragraph"))
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="paragraphs",
    )
    title = models.CharField(_("title"), max_length=300)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    decision_text = models.TextField(_("decision"))
    reasons = models.TextField(_("reasons"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        ordering = ["body", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "number"], name="paragraph_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="paragraph_number_positive"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """`202300258-KSAU-§ 103`, or `KSAU § 103` when the paragraph has no case."""
        body = self.body.reference_name
        if self.case_id:
            return f"{self.case.compact_number}-{body}-§ {self.number}"
        return f"{body} § {self.number}"

    @property
    def short_reference(self) -> str:
        return f"{self.body.reference_name} § {self.number}"

    @property
    def scope_unit_id(self) -> int:
        return self.body_id

    @property
    def date(self):
        return self.meeting.date


class Motion(models.Model):
    """A motion filed with the council by one or more councillors."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="motion")
    movers = models.CharField(_("movers"), max_length=500, help_text=_("Names and party, e.g. Anna Andersson (S)."))
    filed_on = models.DateField(_("filed"))
    text = models.TextField(_("motion text"))
    council_paragraph = models.ForeignKey(
        Paragraph,
        verbose_name=_("council paragraph"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")

    def __str__(self) -> str:
        return f"{self.case.case_number} {self.case.title}"

    @property
    def scope_unit_id(self) -> int:
        return self.case.scope_unit_id


class Referral(models.Model):
    """A case referred (remitterad) to a body for a statement, and that body's answer."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ANSWERED = "answered", _("Answered")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals")
    referred_by = models.ForeignKey(
        Paragraph, verbose_name=_("referral decision"), on_delete=models.PROTECT, related_name="referrals"
    )
    to_body = models.ForeignKey(
        OrgUnit, verbose_name=_("referred to"), on_delete=models.PROTECT, related_name="referrals"
    )
    due_on = models.DateField(_("answer due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    answer = models.ForeignKey(
        Paragraph,
        verbose_name=_("statement decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_referrals",
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(fields=["case", "to_body"], name="referral_unique_body"),
            models.CheckConstraint(condition=Q(status__in=["sent", "answered"]), name="referral_status_valid"),
            models.CheckConstraint(
                condition=Q(status="sent") | Q(answer__isnull=False), name="referral_answered_has_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.case_number} → {self.to_body}"

    @property
    def scope_unit_id(self) -> int:
        return self.to_body_id
