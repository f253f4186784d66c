"""REST API for the intraprenad lifecycle: read the intraprenader, and one POST endpoint per service.

Objects are fetched through `Intraprenad.objects.for_user` (not yours = 404); each write calls
exactly one function of `lifecycle.services`, which checks the permission and the rules.
"""

from datetime import date

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from intraprenad.accounts.api import (
    ReadModelSerializer,
    ServiceAPIView,
    ServiceErrorsMixin,
    read_responses,
    require_anywhere,
    write_responses,
)
from intraprenad.accounts.models import OrgUnit
from intraprenad.cases.models import Meeting, Paragraph

from . import queries, services
from .models import (
    Agreement,
    AgreementClause,
    Application,
    ApplicationSection,
    BudgetLine,
    InterestNotice,
    Intraprenad,
    Memo,
    Termination,
    TrainingProgramme,
    TrainingSession,
)

# --- reading ---------------------------------------------------------------------------------------


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return request.user if request is not None else None


def _reference(paragraph: Paragraph | None, user, intraprenad: Intraprenad) -> str | None:
    return paragraph.reference if queries.decision_visible(paragraph, user, intraprenad) else None


class InterestNoticeSerializer(ReadModelSerializer):
    class Meta:
        model = InterestNotice
        fields = ["received_on", "contact_name", "staff_count", "motivation"]


class TrainingSessionSerializer(ReadModelSerializer):
    class Meta:
        model = TrainingSession
        fields = ["id", "date", "hours", "topic", "attendees"]


class TrainingProgrammeSerializer(ReadModelSerializer):
    sessions = TrainingSessionSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingProgramme
        fields = [
            "id",
            "intraprenad",
            "revision",
            "presentation_on",
            "presentation_summary",
            "completed_at",
            "sessions",
        ]


class ApplicationSectionSerializer(ReadModelSerializer):
    class Meta:
        model = ApplicationSection
        fields = ["key", "title", "order", "text"]


class BudgetLineSerializer(ReadModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["id", "kind", "description", "amount"]


class DecidedMixin(serializers.Serializer):
    decision_reference = serializers.SerializerMethodField(help_text="E.g. 202300258-SN-§ 12; null until public.")
    case_number = serializers.CharField(source="case.case_number", read_only=True, default=None)

    def get_decision_reference(self, obj) -> str | None:
        return _reference(obj.decision, _user(self), obj.intraprenad)


class ApplicationSerializer(DecidedMixin, ReadModelSerializer):
    sections = ApplicationSectionSerializer(many=True, read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "intraprenad",
            "status",
            "revision",
            "case",
            "case_number",
            "staff_total",
            "staff_in_favour",
            "years_positive_result",
            "submitted_at",
            "decision_reference",
            "sections",
            "budget_lines",
        ]


class AgreementClauseSerializer(ReadModelSerializer):
    class Meta:
        model = AgreementClause
        fields = ["key", "title", "order", "text"]


class AgreementSerializer(DecidedMixin, ReadModelSerializer):
    clauses = AgreementClauseSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "intraprenad",
            "status",
            "application",
            "revision",
            "renewal_of",
            "case",
            "case_number",
            "period_start",
            "period_end",
            "decision_reference",
            "signed_on",
            "board_signatory",
            "unit_signatory",
            "document",
            "clauses",
        ]


class TerminationSerializer(DecidedMixin, ReadModelSerializer):
    class Meta:
        model = Termination
        fields = [
            "id",
            "intraprenad",
            "agreement",
            "ground",
            "motivation",
            "status",
            "case",
            "case_number",
            "effective_on",
            "decision_reference",
            "proposed_at",
        ]


class MemoSerializer(ReadModelSerializer):
    case_number = serializers.CharField(source="case.case_number", read_only=True)

    class Meta:
        model = Memo
        fields = [
            "id",
            "case",
            "case_number",
            "title",
            "summary",
            "background",
            "assessment",
            "proposal",
            "proposed_decision",
            "drawn_up_on",
            "document",
        ]


class DecisionSerializer(ReadModelSerializer):
    """A decision recorded by a lifecycle step (a paragraph of the board's minutes)."""

    class Meta:
        model = Paragraph
        fields = [
            "id",
            "reference",
            "meeting",
            "body",
            "year",
            "number",
            "case",
            "title",
            "outcome",
            "decision_text",
            "reasons",
        ]


class DocumentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField()
    serial = serializers.IntegerField()
    description = serializers.CharField()


class ParagraphRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    title = serializers.CharField()
    detail = serializers.CharField()
    reference = serializers.CharField()
    document = DocumentRefSerializer(allow_null=True)
    paragraph = ParagraphRefSerializer(allow_null=True)


class IntraprenadSerializer(ReadModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    board_name = serializers.CharField(source="board.name", read_only=True)

    class Meta:
        model = Intraprenad
        fields = [
            "id",
            "name",
            "unit",
            "unit_name",
            "board",
            "board_name",
            "service_type",
            "origin",
            "status",
            "status_display",
            "created_at",
            "ended_on",
        ]


def current_agreement(intraprenad: Intraprenad) -> Agreement | None:
    """The agreement in force if there is one, else the latest (a draft, or the last one that ended)."""
    agreements = list(intraprenad.agreements.all())
    in_force = [a for a in agreements if a.status == Agreement.Status.SIGNED]
    candidates = in_force or [a for a in agreements if a.status != Agreement.Status.REPLACED] or agreements
    return max(candidates, key=lambda a: (a.period_start, a.pk), default=None)


class IntraprenadDetailSerializer(IntraprenadSerializer):
    initiative_reference = serializers.SerializerMethodField()
    interest = serializers.SerializerMethodField()
    training = serializers.SerializerMethodField()
    applications = ApplicationSerializer(many=True, read_only=True)
    current_agreement = serializers.SerializerMethodField()
    terminations = TerminationSerializer(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()

    class Meta(IntraprenadSerializer.Meta):
        fields = [
            *IntraprenadSerializer.Meta.fields,
            "initiative",
            "initiative_reference",
            "one_time_frame_increase",
            "interest",
            "training",
            "applications",
            "current_agreement",
            "terminations",
            "timeline",
        ]

    def get_initiative_reference(self, intraprenad: Intraprenad) -> str | None:
        return _reference(intraprenad.initiative, _user(self), intraprenad)

    @extend_schema_field(InterestNoticeSerializer(allow_null=True))
    def get_interest(self, intraprenad: Intraprenad) -> dict | None:
        notice = InterestNotice.objects.filter(intraprenad=intraprenad).first()
        return InterestNoticeSerializer(notice).data if notice else None

    @extend_schema_field(TrainingProgrammeSerializer(allow_null=True))
    def get_training(self, intraprenad: Intraprenad) -> dict | None:
        programme = TrainingProgramme.objects.filter(intraprenad=intraprenad).prefetch_related("sessions").first()
        return TrainingProgrammeSerializer(programme).data if programme else None

    @extend_schema_field(AgreementSerializer(allow_null=True))
    def get_current_agreement(self, intraprenad: Intraprenad) -> dict | None:
        agreement = current_agreement(intraprenad)
        return AgreementSerializer(agreement, context=self.context).data if agreement else None

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, intraprenad: Intraprenad) -> list[dict]:
        user = _user(self)
        entries = []
        for entry in queries.timeline_for(intraprenad, user):
            document = entry.document
            entries.append(
                {
                    "date": entry.date,
                    "title": entry.title,
                    "detail": entry.detail,
                    "reference": entry.reference,
                    "document": {
                        "id": document.pk,
                        "case": document.case_id,
                        "serial": document.serial,
                        "description": document.description_for(user),
                    }
                    if document is not None
                    else None,
                    "paragraph": {"id": entry.paragraph.pk, "reference": entry.paragraph.reference}
                    if entry.paragraph is not None
                    else None,
                }
            )
        return TimelineEntrySerializer(entries, many=True).data


def visible_intraprenader(user):
    return Intraprenad.objects.for_user(user).select_related("unit", "board")


def _intraprenad(request, pk: int) -> Intraprenad:
    return get_object_or_404(visible_intraprenader(request.user), pk=pk)


def _application(request, pk: int) -> Application:
    applications = Application.objects.filter(intraprenad__in=Intraprenad.objects.for_user(request.user))
    return get_object_or_404(applications.select_related("intraprenad__board", "case", "revision"), pk=pk)


def _agreement(request, pk: int) -> Agreement:
    agreements = Agreement.objects.filter(intraprenad__in=Intraprenad.objects.for_user(request.user))
    return get_object_or_404(agreements.select_related("intraprenad__board", "case", "revision"), pk=pk)


def _termination(request, pk: int) -> Termination:
    terminations = Termination.objects.filter(intraprenad__in=Intraprenad.objects.for_user(request.user))
    return get_object_or_404(terminations.select_related("intraprenad__board", "case", "agreement"), pk=pk)


def _programme(request, pk: int) -> TrainingProgramme:
    return get_object_or_404(
        TrainingProgramme.objects.select_related("revision"), intraprenad=_intraprenad(request, pk)
    )


def _valid(request, serializer_class) -> dict:
    form = serializer_class(data=request.data)
    form.is_valid(raise_exception=True)
    return dict(form.validated_data)


def _respond(request, serializer_class, obj, code: int = status.HTTP_201_CREATED) -> Response:
    return Response(serializer_class(obj, context={"request": request}).data, status=code)


def _today() -> date:
    return timezone.localdate()


# --- request bodies --------------------------------------------------------------------------------


class RegisterInterestSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.UNIT))
    received_on = serializers.DateField()
    contact_name = serializers.CharField(max_length=200)
    staff_count = serializers.IntegerField(min_value=0)
    motivation = serializers.CharField()
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    service_type = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class BoardInitiativeSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.UNIT))
    initiative = serializers.PrimaryKeyRelatedField(
        queryset=Paragraph.objects.all(), help_text="The board's decision (paragraph) to start the intraprenad."
    )
    one_time_frame_increase = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    received_on = serializers.DateField()
    contact_name = serializers.CharField(max_length=200)
    staff_count = serializers.IntegerField(min_value=0)
    motivation = serializers.CharField()


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField()


class TrainingSessionRequestSerializer(serializers.Serializer):
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0)
    topic = serializers.CharField(max_length=200)


class AttendanceSerializer(serializers.Serializer):
    attendees = serializers.IntegerField(min_value=0)


class PresentationSerializer(serializers.Serializer):
    presented_on = serializers.DateField()
    summary = serializers.CharField()


class ApplicationUpdateSerializer(serializers.Serializer):
    sections = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="Section text by section key."
    )
    staff_total = serializers.IntegerField(min_value=0)
    staff_in_favour = serializers.IntegerField(min_value=0)
    years_positive_result = serializers.IntegerField(min_value=0)


class BudgetLineRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=BudgetLine.Kind.choices)
    description = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class BudgetSerializer(serializers.Serializer):
    lines = BudgetLineRequestSerializer(many=True, help_text="Replaces every line of the budget.")


class MemoRequestSerializer(serializers.Serializer):
    summary = serializers.CharField()
    background = serializers.CharField(required=False, allow_blank=True, default="")
    assessment = serializers.CharField()
    proposal = serializers.ChoiceField(choices=Memo.Proposal.choices)
    proposed_decision = serializers.CharField()


class TitledMemoRequestSerializer(MemoRequestSerializer):
    title = serializers.CharField(max_length=300)


class DecisionRequestSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), help_text="A meeting of the board whose minutes are not yet approved."
    )
    outcome = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    decision_text = serializers.CharField()
    reasons = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required when rejecting.")


class AgreementDecisionRequestSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    decision_text = serializers.CharField()


class AgreementStartSerializer(serializers.Serializer):
    period_start = serializers.DateField()


class AgreementUpdateSerializer(serializers.Serializer):
    clauses = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text="Clause text by key.")
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class SignSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    board_signatory = serializers.CharField(max_length=200)
    unit_signatory = serializers.CharField(max_length=200)


class TerminationRequestSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=Termination.Ground.choices)
    motivation = serializers.CharField()
    effective_on = serializers.DateField()


# --- endpoints ------------------------------------------------------------------------------------


def _post(operation_id: str, summary: str, request, response, code: int = 201, description: str = ""):
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=description,
            request=request,
            responses=write_responses(response, status=code),
        )
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="intraprenader_list",
        summary="Intraprenader",
        description="Staff see the intraprenader of their part of the organisation; the public sees "
        "those that are active or have ended.",
        responses=read_responses(IntraprenadSerializer(many=True), denied=()),
    ),
    post=extend_schema(
        operation_id="intraprenader_register_interest",
        summary="Register a unit's expression of interest",
        request=RegisterInterestSerializer,
        responses=write_responses(IntraprenadDetailSerializer),
    ),
)
class IntraprenadListCreate(ServiceErrorsMixin, generics.ListAPIView):
    serializer_class = IntraprenadSerializer

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    def get_queryset(self):
        return visible_intraprenader(self.request.user)

    def post(self, request):
        require_anywhere(request.user, "lifecycle.register_interest")
        intraprenad = services.register_interest(by=request.user, **_valid(request, RegisterInterestSerializer))
        return _respond(request, IntraprenadDetailSerializer, intraprenad)


@extend_schema_view(
    get=extend_schema(
        operation_id="intraprenader_retrieve",
        summary="One intraprenad with its timeline, applications and current agreement",
        responses=read_responses(IntraprenadDetailSerializer),
    )
)
class IntraprenadDetail(generics.RetrieveAPIView):
    serializer_class = IntraprenadDetailSerializer

    def get_queryset(self):
        return visible_intraprenader(self.request.user).prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.select_related("case", "decision__meeting", "decision__body")
                .prefetch_related("sections", "budget_lines")
                .order_by("id"),
            ),
            Prefetch(
                "agreements",
                queryset=Agreement.objects.select_related("case", "decision__meeting", "decision__body")
                .prefetch_related("clauses")
                .order_by("id"),
            ),
            Prefetch(
                "terminations",
                queryset=Termination.objects.select_related("case", "decision__meeting", "decision__body"),
            ),
        )


@_post(
    "intraprenader_start_by_board_initiative",
    "Start an intraprenad decided by the board",
    BoardInitiativeSerializer,
    IntraprenadDetailSerializer,
)
class BoardInitiative(ServiceAPIView):
    required_perm = "lifecycle.prepare_case"

    def post(self, request):
        data = _valid(request, BoardInitiativeSerializer)
        intraprenad = services.start_by_board_initiative(by=request.user, **data)
        return _respond(request, IntraprenadDetailSerializer, intraprenad)


@_post("intraprenader_withdraw", "Withdraw", WithdrawSerializer, IntraprenadSerializer, 200)
class Withdraw(ServiceAPIView):
    required_perm = "lifecycle.withdraw"

    def post(self, request, pk: int):
        intraprenad = self.checked(_intraprenad(request, pk))
        intraprenad = services.withdraw(by=request.user, intraprenad=intraprenad, **_valid(request, WithdrawSerializer))
        return _respond(request, IntraprenadSerializer, intraprenad, status.HTTP_200_OK)


@_post("training_offer", "Offer the training programme", None, TrainingProgrammeSerializer)
class TrainingOffer(ServiceAPIView):
    required_perm = "lifecycle.manage_training"

    def post(self, request, pk: int):
        intraprenad = self.checked(_intraprenad(request, pk))
        programme = services.offer_training(by=request.user, intraprenad=intraprenad, today=_today())
        return _respond(request, TrainingProgrammeSerializer, programme)


@_post("training_sessions_add", "Add a training session", TrainingSessionRequestSerializer, TrainingSessionSerializer)
class TrainingSessionAdd(ServiceAPIView):
    required_perm = "lifecycle.manage_training"

    def post(self, request, pk: int):
        programme = self.checked(_programme(request, pk))
        data = _valid(request, TrainingSessionRequestSerializer)
        session = services.add_training_session(by=request.user, programme=programme, **data)
        return _respond(request, TrainingSessionSerializer, session)


@_post(
    "training_sessions_attendance",
    "Record a session's attendance",
    AttendanceSerializer,
    TrainingSessionSerializer,
    200,
)
class TrainingAttendance(ServiceAPIView):
    required_perm = "lifecycle.manage_training"

    def post(self, request, pk: int, session_pk: int):
        session = get_object_or_404(TrainingSession, programme=self.checked(_programme(request, pk)), pk=session_pk)
        data = _valid(request, AttendanceSerializer)
        session = services.record_attendance(by=request.user, session=session, **data)
        return _respond(request, TrainingSessionSerializer, session, status.HTTP_200_OK)


@_post(
    "training_presentation",
    "Record the business idea presentation",
    PresentationSerializer,
    TrainingProgrammeSerializer,
    200,
)
class TrainingPresentation(ServiceAPIView):
    required_perm = "lifecycle.record_presentation"

    def post(self, request, pk: int):
        programme = self.checked(_programme(request, pk))
        data = _valid(request, PresentationSerializer)
        programme = services.record_presentation(by=request.user, programme=programme, **data)
        return _respond(request, TrainingProgrammeSerializer, programme, status.HTTP_200_OK)


@_post("training_complete", "Complete the training", None, TrainingProgrammeSerializer, 200)
class TrainingComplete(ServiceAPIView):
    required_perm = "lifecycle.manage_training"

    def post(self, request, pk: int):
        programme = services.complete_training(
            by=request.user, programme=self.checked(_programme(request, pk)), today=_today()
        )
        return _respond(request, TrainingProgrammeSerializer, programme, status.HTTP_200_OK)


@_post("applications_start", "Start the application", None, ApplicationSerializer)
class ApplicationStart(ServiceAPIView):
    required_perm = "lifecycle.edit_application"

    def post(self, request, pk: int):
        intraprenad = self.checked(_intraprenad(request, pk))
        application = services.start_application(by=request.user, intraprenad=intraprenad, today=_today())
        return _respond(request, ApplicationSerializer, application)


@_post(
    "applications_update",
    "Save the application's sections and staff figures",
    ApplicationUpdateSerializer,
    ApplicationSerializer,
    200,
)
class ApplicationUpdate(ServiceAPIView):
    required_perm = "lifecycle.edit_application"

    def post(self, request, pk: int):
        application = self.checked(_application(request, pk))
        data = _valid(request, ApplicationUpdateSerializer)
        application = services.update_application(by=request.user, application=application, **data)
        return _respond(request, ApplicationSerializer, application, status.HTTP_200_OK)


@_post("applications_budget", "Replace the application's budget lines", BudgetSerializer, ApplicationSerializer, 200)
class ApplicationBudget(ServiceAPIView):
    required_perm = "lifecycle.edit_application"

    def post(self, request, pk: int):
        application = self.checked(_application(request, pk))
        lines = [dict(line) for line in _valid(request, BudgetSerializer)["lines"]]
        application = services.set_budget_lines(by=request.user, application=application, lines=lines)
        return _respond(request, ApplicationSerializer, application, status.HTTP_200_OK)


@_post("applications_submit", "Submit the application", None, ApplicationSerializer, 200)
class ApplicationSubmit(ServiceAPIView):
    required_perm = "lifecycle.submit_application"

    def post(self, request, pk: int):
        application = services.submit_application(
            by=request.user, application=self.checked(_application(request, pk)), today=_today()
        )
        return _respond(request, ApplicationSerializer, application, status.HTTP_200_OK)


@_post(
    "applications_prepare",
    "Prepare the application for decision (official memo)",
    MemoRequestSerializer,
    MemoSerializer,
)
class ApplicationPrepare(ServiceAPIView):
    required_perm = "lifecycle.prepare_case"

    def post(self, request, pk: int):
        application = self.checked(_application(request, pk))
        data = _valid(request, MemoRequestSerializer)
        memo = services.prepare_application(by=request.user, application=application, today=_today(), **data)
        return _respond(request, MemoSerializer, memo)


@_post("applications_decide", "Decide on the application", DecisionRequestSerializer, DecisionSerializer)
class ApplicationDecide(ServiceAPIView):
    required_perm = "lifecycle.decide"

    def post(self, request, pk: int):
        application = self.checked(_application(request, pk))
        data = _valid(request, DecisionRequestSerializer)
        paragraph = services.decide_application(by=request.user, application=application, **data)
        return _respond(request, DecisionSerializer, paragraph)


@_post(
    "agreements_start",
    "Draft the agreement for a granted application",
    AgreementStartSerializer,
    AgreementSerializer,
)
class AgreementStart(ServiceAPIView):
    required_perm = "lifecycle.edit_agreement"

    def post(self, request, pk: int):
        application = self.checked(_application(request, pk))
        data = _valid(request, AgreementStartSerializer)
        agreement = services.start_agreement(by=request.user, application=application, today=_today(), **data)
        return _respond(request, AgreementSerializer, agreement)


@_post(
    "agreements_update",
    "Save the agreement's clauses and period",
    AgreementUpdateSerializer,
    AgreementSerializer,
    200,
)
class AgreementUpdate(ServiceAPIView):
    required_perm = "lifecycle.edit_agreement"

    def post(self, request, pk: int):
        agreement = self.checked(_agreement(request, pk))
        data = _valid(request, AgreementUpdateSerializer)
        agreement = services.update_agreement(by=request.user, agreement=agreement, **data)
        return _respond(request, AgreementSerializer, agreement, status.HTTP_200_OK)


@_post("agreements_decide", "Decide on the agreement", AgreementDecisionRequestSerializer, DecisionSerializer)
class AgreementDecide(ServiceAPIView):
    required_perm = "lifecycle.decide"

    def post(self, request, pk: int):
        agreement = self.checked(_agreement(request, pk))
        data = _valid(request, AgreementDecisionRequestSerializer)
        paragraph = services.decide_agreement(by=request.user, agreement=agreement, **data)
        return _respond(request, DecisionSerializer, paragraph)


@_post("agreements_sign", "Sign the decided agreement", SignSerializer, AgreementSerializer, 200)
class AgreementSign(ServiceAPIView):
    required_perm = "lifecycle.sign_agreement"

    def post(self, request, pk: int):
        agreement = self.checked(_agreement(request, pk))
        agreement = services.sign_agreement(by=request.user, agreement=agreement, **_valid(request, SignSerializer))
        return _respond(request, AgreementSerializer, agreement, status.HTTP_200_OK)


@_post("agreements_renew", "Start the renewal of a signed agreement", None, AgreementSerializer)
class AgreementRenew(ServiceAPIView):
    required_perm = "lifecycle.edit_agreement"

    def post(self, request, pk: int):
        renewal = services.start_renewal(
            by=request.user, agreement=self.checked(_agreement(request, pk)), today=_today()
        )
        return _respond(request, AgreementSerializer, renewal)


@_post("terminations_propose", "Propose ending the intraprenad", TerminationRequestSerializer, TerminationSerializer)
class TerminationPropose(ServiceAPIView):
    required_perm = "lifecycle.propose_termination"

    def post(self, request, pk: int):
        intraprenad = self.checked(_intraprenad(request, pk))
        data = _valid(request, TerminationRequestSerializer)
        termination = services.propose_termination(by=request.user, intraprenad=intraprenad, today=_today(), **data)
        return _respond(request, TerminationSerializer, termination)


@_post(
    "terminations_memo",
    "Write the official memo for a termination case",
    TitledMemoRequestSerializer,
    MemoSerializer,
)
class TerminationMemo(ServiceAPIView):
    required_perm = "lifecycle.prepare_case"

    def post(self, request, pk: int):
        termination = self.checked(_termination(request, pk))
        data = _valid(request, TitledMemoRequestSerializer)
        memo = services.write_memo(by=request.user, case=termination.case, today=_today(), **data)
        return _respond(request, MemoSerializer, memo)


@_post("terminations_decide", "Decide on the termination", DecisionRequestSerializer, DecisionSerializer)
class TerminationDecide(ServiceAPIView):
    required_perm = "lifecycle.decide"

    def post(self, request, pk: int):
        termination = self.checked(_termination(request, pk))
        data = _valid(request, DecisionRequestSerializer)
        paragraph = services.decide_termination(by=request.user, termination=termination, **data)
        return _respond(request, DecisionSerializer, paragraph)


urlpatterns = [
    path("intraprenader/", IntraprenadListCreate.as_view(), name="api_intraprenad_list"),
    path("intraprenader/board-initiative/", BoardInitiative.as_view(), name="api_intraprenad_start_by_board"),
    path("intraprenader/<int:pk>/", IntraprenadDetail.as_view(), name="api_intraprenad_detail"),
    path("intraprenader/<int:pk>/withdraw/", Withdraw.as_view(), name="api_intraprenad_withdraw"),
    path("intraprenader/<int:pk>/training/offer/", TrainingOffer.as_view(), name="api_training_offer"),
    path("intraprenader/<int:pk>/training/sessions/", TrainingSessionAdd.as_view(), name="api_trainingsession_add"),
    path(
        "intraprenader/<int:pk>/training/sessions/<int:session_pk>/attendance/",
        TrainingAttendance.as_view(),
        name="api_trainingsession_attendance",
    ),
    path(
        "intraprenader/<int:pk>/training/presentation/",
        TrainingPresentation.as_view(),
        name="api_training_presentation",
    ),
    path("intraprenader/<int:pk>/training/complete/", TrainingComplete.as_view(), name="api_training_complete"),
    path("intraprenader/<int:pk>/applications/", ApplicationStart.as_view(), name="api_application_start"),
    path("intraprenader/<int:pk>/terminations/", TerminationPropose.as_view(), name="api_termination_propose"),
    path("applications/<int:pk>/update/", ApplicationUpdate.as_view(), name="api_application_update"),
    path("applications/<int:pk>/budget/", ApplicationBudget.as_view(), name="api_application_budget"),
    path("applications/<int:pk>/submit/", ApplicationSubmit.as_view(), name="api_application_submit"),
    path("applications/<int:pk>/prepare/", ApplicationPrepare.as_view(), name="api_application_prepare"),
    path("applications/<int:pk>/decide/", ApplicationDecide.as_view(), name="api_application_decide"),
    path("applications/<int:pk>/agreements/", AgreementStart.as_view(), name="api_agreement_start"),
    path("agreements/<int:pk>/update/", AgreementUpdate.as_view(), name="api_agreement_update"),
    path("agreements/<int:pk>/decide/", AgreementDecide.as_view(), name="api_agreement_decide"),
    path("agreements/<int:pk>/sign/", AgreementSign.as_view(), name="api_agreement_sign"),
    path("agreements/<int:pk>/renew/", AgreementRenew.as_view(), name="api_agreement_renew"),
    path("terminations/<int:pk>/memo/", TerminationMemo.as_view(), name="api_termination_memo"),
    path("terminations/<int:pk>/decide/", TerminationDecide.as_view(), name="api_termination_decide"),
]
