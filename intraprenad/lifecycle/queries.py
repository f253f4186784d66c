"""Data for the intraprenad pages: its timeline and the steps a user may take now."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from intraprenad.accounts.access import has_perm
from intraprenad.accounts.models import AuditEvent
from intraprenad.cases.models import Document, Paragraph
from intraprenad.policy import parameters as P

from . import rules
from .models import Agreement, Application, Intraprenad, Memo, Termination, TrainingProgramme


@dataclass(frozen=True)
class TimelineEntry:
    """One event in an intraprenad's history, as shown on its page."""

    date: date
    title: str
    detail: str = ""
    reference: str = ""
    document: Document | None = None
    paragraph: Paragraph | None = None


@dataclass(frozen=True)
class NextStep:
    """An action the user may take now: a label and the URL name and kwargs of its page."""

    label: str
    url_name: str
    kwargs: dict[str, Any]

    def __iter__(self):
        return iter((self.label, self.url_name, self.kwargs))


def _day(moment) -> date:
    return timezone.localdate(moment) if moment is not None else None


def _audit_days(intraprenad: Intraprenad) -> dict[tuple[str, str], tuple[date, dict]]:
    """(verb, target id) -> (day, changes) of the first audit event about the intraprenad with that verb and
    target: the dates of steps that have no business date of their own."""
    ct = ContentType.objects.get_for_model(Intraprenad)
    events = (
        AuditEvent.objects.filter(subject_type=ct, subject_id=str(intraprenad.pk))
        .order_by("at", "id")
        .values_list("verb", "target_id", "at", "changes")
    )
    days: dict[tuple[str, str], tuple[date, dict]] = {}
    for verb, target_id, at, changes in events:
        days.setdefault((verb, target_id), (timezone.localdate(at), changes))
    return days


def _audit_day(audit_days, verb: str, target_id) -> date | None:
    found = audit_days.get((verb, str(target_id)))
    return found[0] if found else None


def _period(agreement: Agreement) -> str:
    return _("Period %(start)s – %(end)s") % {
        "start": agreement.period_start.isoformat(),
        "end": agreement.period_end.isoformat(),
    }


def decision_visible(paragraph: Paragraph | None, user, intraprenad: Intraprenad) -> bool:
    """A decision is public once its minutes are approved. Before that it is known to the body's members and
    registrars, and to those who work with the intraprenad (view permission on it without it being public)."""
    if paragraph is None:
        return False
    meeting = paragraph.meeting
    if meeting.is_public:
        return True
    if any(has_perm(user, perm, meeting) for perm in ("cases.manage_meeting", "cases.record_decision")):
        return True
    return has_perm(user, "lifecycle.view_intraprenad", intraprenad)


def timeline_for(intraprenad: Intraprenad, user) -> list[TimelineEntry]:
    """The timeline as `user` may see it: decisions of minutes not yet approved only for those who know them."""
    return [
        entry
        for entry in timeline(intraprenad)
        if entry.paragraph is None or decision_visible(entry.paragraph, user, intraprenad)
    ]


def timeline(intraprenad: Intraprenad) -> list[TimelineEntry]:
    """Everything that has happened to the intraprenad, oldest first."""
    entries: list[TimelineEntry] = []
    audit_days = _audit_days(intraprenad)
    notice = getattr(intraprenad, "interest", None)
    if notice is not None:
        entries.append(
            TimelineEntry(
                date=notice.received_on,
                title=_("Expression of interest received"),
                detail=_("Contact: %(name)s; %(staff)s staff.")
                % {"name": notice.contact_name, "staff": notice.staff_count},
            )
        )
    if intraprenad.initiative_id:
        paragraph = Paragraph.objects.select_related("meeting", "body", "case").get(pk=intraprenad.initiative_id)
        entries.append(
            TimelineEntry(
                date=paragraph.meeting.date,
                title=_("Started by board initiative"),
                detail=_("One-time frame increase: %(amount)s SEK.")
                % {"amount": number_format(intraprenad.one_time_frame_increase, decimal_pos=0, force_grouping=True)},
                reference=paragraph.reference,
                paragraph=paragraph,
            )
        )
    entries += _training_entries(intraprenad, audit_days)
    for application in intraprenad.applications.select_related("case", "decision__meeting", "decision__body").order_by(
        "id"
    ):
        entries += _application_entries(application, audit_days)
    for agreement in intraprenad.agreements.select_related(
        "case", "decision__meeting", "decision__body", "decision__case", "document__case"
    ).order_by("period_start", "id"):
        entries += _agreement_entries(agreement)
    for termination in intraprenad.terminations.select_related(
        "case", "decision__meeting", "decision__body", "decision__case"
    ).order_by("id"):
        entries += _termination_entries(termination, intraprenad)
    withdrawn = audit_days.get(("intraprenad.withdrawn", str(intraprenad.pk)))
    if intraprenad.status == Intraprenad.Status.WITHDRAWN and withdrawn:
        withdrawn_on, changes = withdrawn
        entries.append(TimelineEntry(date=withdrawn_on, title=_("Withdrawn"), detail=changes.get("reason", "")))
    order = {id(e): n for n, e in enumerate(entries)}
    return sorted(entries, key=lambda e: (e.date, order[id(e)]))


def _training_entries(intraprenad: Intraprenad, audit_days) -> list[TimelineEntry]:
    programme = TrainingProgramme.objects.filter(intraprenad=intraprenad).first()
    if programme is None:
        return []
    offered_on = _audit_day(audit_days, "training_programme.offered", programme.pk)
    sessions = list(programme.sessions.all())
    entries = []
    if offered_on:
        entries.append(TimelineEntry(date=offered_on, title=_("Training offered")))
    for session in sessions:
        attendance = (
            _("%(n)s attended.") % {"n": session.attendees}
            if session.attendees is not None
            else _("Attendance not recorded.")
        )
        entries.append(
            TimelineEntry(
                date=session.date,
                title=_("Training session: %(topic)s") % {"topic": session.topic},
                detail=_("%(hours)s hours. %(attendance)s") % {"hours": session.hours, "attendance": attendance},
            )
        )
    if programme.presentation_on:
        entries.append(
            TimelineEntry(
                date=programme.presentation_on,
                title=_("Business idea presented"),
                detail=programme.presentation_summary,
            )
        )
    if programme.completed_at:
        entries.append(
            TimelineEntry(
                date=_day(programme.completed_at),
                title=_("Training completed"),
                detail=_("Completing the training commits the unit to nothing."),
            )
        )
    return entries


def _decision_entry(paragraph: Paragraph, title: str) -> TimelineEntry:
    return TimelineEntry(
        date=paragraph.meeting.date,
        title=title,
        detail=paragraph.decision_text + (f" {paragraph.reasons}" if paragraph.reasons else ""),
        reference=paragraph.reference,
        paragraph=paragraph,
    )


def _memo_entries(case) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            date=memo.drawn_up_on,
            title=_("Official memo: %(title)s") % {"title": memo.title},
            detail=_("Proposed decision: %(text)s") % {"text": memo.proposed_decision},
            reference=case.case_number,
            document=memo.document,
        )
        for memo in Memo.objects.filter(case=case).select_related("document__case").order_by("drawn_up_on", "id")
    ]


def _application_entries(application: Application, audit_days) -> list[TimelineEntry]:
    entries = []
    started_on = _audit_day(audit_days, "application.started", application.pk)
    if started_on:
        entries.append(TimelineEntry(date=started_on, title=_("Application started")))
    case = application.case
    if case is not None:
        document = (
            Document.objects.filter(case=case, kind=Document.Kind.APPLICATION)
            .select_related("case")
            .order_by("serial")
            .first()
        )
        entries.append(
            TimelineEntry(
                date=document.document_date if document else _day(application.submitted_at),
                title=_("Application submitted"),
                detail=_("%(favour)s of %(total)s staff in favour.")
                % {"favour": application.staff_in_favour, "total": application.staff_total},
                reference=case.case_number,
                document=document,
            )
        )
        entries += _memo_entries(case)
    if application.status == Application.Status.WITHDRAWN:
        entries.append(
            TimelineEntry(
                date=_audit_day(audit_days, "intraprenad.withdrawn", application.intraprenad_id) or started_on,
                title=_("Application withdrawn"),
            )
        )
    if application.decision_id:
        title = (
            _("The board granted the application")
            if application.status == Application.Status.GRANTED
            else _("The board rejected the application")
        )
        entries.append(_decision_entry(application.decision, title))
    return entries


def _agreement_entries(agreement: Agreement) -> list[TimelineEntry]:
    drafted = _("Renewal of the agreement started") if agreement.renewal_of_id else _("Agreement drafted")
    entries = [
        TimelineEntry(
            date=_day(agreement.case.registered_at),
            title=drafted,
            detail=_period(agreement),
            reference=agreement.case.case_number,
        )
    ]
    if agreement.decision_id:
        entry = _decision_entry(agreement.decision, _("The board decided the agreement"))
        entries.append(
            TimelineEntry(
                date=entry.date,
                title=entry.title,
                detail=_period(agreement),
                reference=entry.reference,
                document=agreement.document,
                paragraph=entry.paragraph,
            )
        )
    if agreement.signed_on:
        entries.append(
            TimelineEntry(
                date=agreement.signed_on,
                title=_("Agreement signed"),
                detail=_("%(period)s. Signed by %(board)s and %(unit)s.")
                % {"period": _period(agreement), "board": agreement.board_signatory, "unit": agreement.unit_signatory},
                reference=agreement.case.case_number,
                document=agreement.document,
            )
        )
    if agreement.status == Agreement.Status.EXPIRED:
        entries.append(
            TimelineEntry(
                date=rules.expiry_day(agreement.period_end),
                title=_("The agreement period ended without renewal: the intraprenad ended"),
                detail=_period(agreement),
                reference=agreement.case.case_number,
            )
        )
    return entries


def pending_termination(intraprenad: Intraprenad) -> Termination | None:
    """The termination the board has decided that takes effect on a later day, while the intraprenad is active."""
    if intraprenad.status != Intraprenad.Status.ACTIVE:
        return None
    return (
        intraprenad.terminations.filter(status=Termination.Status.DECIDED)
        .select_related("case")
        .order_by("effective_on", "id")
        .first()
    )


def _termination_entries(termination: Termination, intraprenad: Intraprenad) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            date=_day(termination.proposed_at),
            title=_("Termination proposed"),
            detail=_("%(ground)s. Effective from %(date)s.")
            % {"ground": termination.get_ground_display(), "date": termination.effective_on.isoformat()},
            reference=termination.case.case_number,
        )
    ]
    entries += _memo_entries(termination.case)
    if termination.decision_id:
        decided_on = termination.decision.meeting.date
        if termination.status != Termination.Status.DECIDED:
            title = _("The board rejected the termination")
        elif rules.takes_effect_at_once(effective_on=termination.effective_on, decided_on=decided_on):
            title = _("The board ended the intraprenad")
        else:
            title = _("The board decided to end the intraprenad from %(date)s") % {
                "date": termination.effective_on.isoformat()
            }
        entries.append(_decision_entry(termination.decision, title))
        if (
            termination.status == Termination.Status.DECIDED
            and not rules.takes_effect_at_once(effective_on=termination.effective_on, decided_on=decided_on)
            and intraprenad.status == Intraprenad.Status.ENDED
            and intraprenad.ended_on == termination.effective_on
        ):
            entries.append(
                TimelineEntry(
                    date=termination.effective_on,
                    title=_("The termination took effect: the intraprenad ended"),
                    reference=termination.case.case_number,
                )
            )
    return entries


# Next steps ----------------------------------------------------------------------------------


def next_steps(intraprenad: Intraprenad, user, today: date | None = None) -> list[NextStep]:
    """The actions `user` may take on the intraprenad now, in the order they would be taken.

    Each is (label, url_name, kwargs); the URL names are those of `lifecycle.urls`.
    """
    today = today or timezone.localdate()
    steps: list[NextStep] = []
    status = intraprenad.status
    S = Intraprenad.Status

    def offer(perm: str, obj, label: str, url_name: str, pk: int) -> None:
        if has_perm(user, perm, obj):
            steps.append(NextStep(label, url_name, {"pk": pk}))

    if status == S.INTEREST:
        offer("lifecycle.manage_training", intraprenad, _("Offer training"), "training_offer", intraprenad.pk)
    elif status == S.TRAINING:
        programme = TrainingProgramme.objects.filter(intraprenad=intraprenad).first()
        if programme is not None and programme.completed_at is None:
            offer(
                "lifecycle.manage_training",
                programme,
                _("Add a training session"),
                "training_session_add",
                intraprenad.pk,
            )
            offer(
                "lifecycle.record_presentation",
                programme,
                _("Record the presentation"),
                "training_presentation",
                intraprenad.pk,
            )
            offer(
                "lifecycle.manage_training", programme, _("Complete the training"), "training_complete", intraprenad.pk
            )
        elif programme is not None:
            offer(
                "lifecycle.edit_application",
                intraprenad,
                _("Start the application"),
                "application_start",
                intraprenad.pk,
            )
    elif status == S.APPLICATION:
        application = intraprenad.applications.order_by("-id").first()
        if application is not None:
            _application_steps(application, offer)
    elif status == S.AGREEMENT:
        application = intraprenad.applications.filter(status=Application.Status.GRANTED).order_by("-id").first()
        open_agreement = intraprenad.agreements.filter(
            status__in=[Agreement.Status.DRAFT, Agreement.Status.DECIDED]
        ).first()
        if open_agreement is not None:
            _agreement_steps(open_agreement, offer)
        elif application is not None:
            offer("lifecycle.edit_agreement", application, _("Draft the agreement"), "agreement_start", application.pk)
    elif status == S.ACTIVE:
        _active_steps(intraprenad, offer, today)
    if status in rules.INTRAPRENAD_TRANSITIONS and S.WITHDRAWN in rules.INTRAPRENAD_TRANSITIONS[status]:
        offer("lifecycle.withdraw", intraprenad, _("Withdraw"), "intraprenad_withdraw", intraprenad.pk)
    return steps


def _application_steps(application: Application, offer) -> None:
    A = Application.Status
    if application.status == A.DRAFT:
        offer("lifecycle.edit_application", application, _("Edit the application"), "application_edit", application.pk)
        offer("lifecycle.edit_application", application, _("Edit the budget"), "application_budget", application.pk)
        offer(
            "lifecycle.submit_application",
            application,
            _("Submit the application"),
            "application_submit",
            application.pk,
        )
    elif application.status == A.SUBMITTED:
        offer(
            "lifecycle.prepare_case",
            application,
            _("Prepare the application (official memo)"),
            "application_prepare",
            application.pk,
        )
    elif application.status == A.PREPARED:
        offer("lifecycle.decide", application, _("Decide the application"), "application_decide", application.pk)


def _agreement_steps(agreement: Agreement, offer) -> None:
    G = Agreement.Status
    if agreement.status == G.DRAFT:
        offer("lifecycle.edit_agreement", agreement, _("Edit the agreement"), "agreement_edit", agreement.pk)
        offer("lifecycle.decide", agreement, _("Decide the agreement"), "agreement_decide", agreement.pk)
    elif agreement.status == G.DECIDED:
        offer("lifecycle.sign_agreement", agreement, _("Sign the agreement"), "agreement_sign", agreement.pk)


def _active_steps(intraprenad: Intraprenad, offer, today: date) -> None:
    if pending_termination(intraprenad) is not None:
        return  # the board has decided to end it: nothing is left to do but wait for the day
    termination = intraprenad.terminations.filter(status=Termination.Status.PROPOSED).select_related("case").first()
    if termination is not None:
        if Memo.objects.filter(case=termination.case).exists():
            offer("lifecycle.decide", termination, _("Decide the termination"), "termination_decide", termination.pk)
        else:
            offer(
                "lifecycle.prepare_case",
                termination,
                _("Write the official memo on the termination"),
                "termination_memo",
                termination.pk,
            )
        return
    renewal = intraprenad.agreements.filter(
        renewal_of__isnull=False, status__in=[Agreement.Status.DRAFT, Agreement.Status.DECIDED]
    ).first()
    if renewal is not None:
        _agreement_steps(renewal, offer)
    else:
        current = intraprenad.agreements.filter(status=Agreement.Status.SIGNED).select_related("revision").first()
        if current is not None and not Agreement.objects.filter(renewal_of=current).exists():
            opens, closes = rules.renewal_window(
                period_end=current.period_end, notice_months=P.values(current.revision)["renewal_notice_months"]
            )
            if opens <= today <= closes:
                offer("lifecycle.edit_agreement", current, _("Renew the agreement"), "agreement_renew", current.pk)
    offer("lifecycle.propose_termination", intraprenad, _("Propose termination"), "termination_propose", intraprenad.pk)
