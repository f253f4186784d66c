"""REST API for year-end closings, result funds and action plans: the same services and permissions as the pages.

Reading needs `economy.view_economy` somewhere (anonymous 401, others without it 403); objects are fetched through
`for_user` (not yours = 404). A write endpoint refuses with 403 before reading the body unless the user holds its
permission somewhere, and again on the object; the service then checks the permission and its rules (400 with the
Swedish message). Decision references are null until the minutes are approved, except for those with rights in the
case register.
"""

from datetime import date

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from intraprenad.accounts.access import EVERYWHERE, unit_ids_for
from intraprenad.accounts.api import (
    HoldsPermission,
    ReadModelSerializer,
    ServiceAPIView,
    ServiceErrorsMixin,
    read_responses,
    require_anywhere,
    write_responses,
)
from intraprenad.cases.models import Meeting
from intraprenad.economy.models import (
    ActionFollowUp,
    ActionMeasure,
    ActionPlan,
    FundMovement,
    ResultUnit,
    YearEndClosing,
)
from intraprenad.economy.queries import closing as queries
from intraprenad.economy.services import closing as services
from intraprenad.lifecycle.models import Intraprenad

VIEW = "economy.view_economy"


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return request.user if request is not None else None


def _today() -> date:
    return timezone.localdate()


# --- reading ---------------------------------------------------------------------------------------------


class ClosingSerializer(ReadModelSerializer):
    intraprenad_name = serializers.CharField(source="intraprenad.name", read_only=True)
    case_number = serializers.CharField(source="case.case_number", read_only=True, default=None)
    decision_reference = serializers.SerializerMethodField(help_text="E.g. 202500012-SN-§ 14; null until public.")
    reopen_reference = serializers.SerializerMethodField(help_text="The decision that reopened it; null until public.")

    class Meta:
        model = YearEndClosing
        fields = [
            "id",
            "intraprenad",
            "intraprenad_name",
            "result_unit",
            "year",
            "status",
            "revision",
            "budget",
            "turnover_ore",
            "budget_result_ore",
            "actual_result_ore",
            "deviation_ore",
            "unit_share_ore",
            "board_share_ore",
            "capped_ore",
            "cap_ore",
            "fund_opening_ore",
            "fund_movement_ore",
            "fund_closing_ore",
            "case",
            "case_number",
            "comment",
            "prepared_at",
            "decision_reference",
            "reopen_reference",
        ]

    def get_decision_reference(self, closing) -> str | None:
        return queries.decision_reference(closing.decision, _user(self))

    def get_reopen_reference(self, closing) -> str | None:
        return queries.decision_reference(closing.reopen_decision, _user(self))


class LineSerializer(serializers.Serializer):
    line = serializers.CharField()
    label = serializers.CharField()
    budget_ore = serializers.IntegerField()
    actual_ore = serializers.IntegerField()
    deviation_ore = serializers.IntegerField()


class ParameterSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    display = serializers.CharField()


class FundMovementSerializer(ReadModelSerializer):
    decision_reference = serializers.SerializerMethodField(help_text="Null until the minutes are approved.")

    class Meta:
        model = FundMovement
        fields = ["id", "year", "date", "kind", "amount_ore", "purpose", "description", "closing", "decision_reference"]

    def get_decision_reference(self, movement) -> str | None:
        return queries.decision_reference(movement.decision, _user(self))


class ClosingDetailSerializer(ClosingSerializer):
    lines = serializers.SerializerMethodField()
    parameters = serializers.SerializerMethodField()
    fund_uses_in_year_ore = serializers.SerializerMethodField()
    fund_movements = FundMovementSerializer(many=True, read_only=True)
    action_plan = serializers.SerializerMethodField()

    class Meta(ClosingSerializer.Meta):
        fields = [
            *ClosingSerializer.Meta.fields,
            "lines",
            "parameters",
            "fund_uses_in_year_ore",
            "fund_movements",
            "action_plan",
        ]

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, closing) -> list[dict]:
        return [
            {
                "line": row.line,
                "label": row.label,
                "budget_ore": row.budget_ore,
                "actual_ore": row.actual_ore,
                "deviation_ore": row.deviation_ore,
            }
            for row in queries.line_rows(closing.lines or {})
        ]

    @extend_schema_field(ParameterSerializer(many=True))
    def get_parameters(self, closing) -> list[dict]:
        return [
            {"name": p.name, "label": p.label, "display": p.display} for p in queries.parameter_rows(closing.revision)
        ]

    def get_fund_uses_in_year_ore(self, closing) -> int:
        return closing.fund_closing_ore - closing.fund_opening_ore - closing.fund_movement_ore

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="The action plan of a decided deficit."))
    def get_action_plan(self, closing) -> int | None:
        plan = ActionPlan.objects.filter(closing=closing).values_list("pk", flat=True).first()
        return plan


class ActionMeasureSerializer(ReadModelSerializer):
    class Meta:
        model = ActionMeasure
        fields = ["id", "description", "owner", "due_on", "effect_ore", "status"]


class ActionFollowUpSerializer(ReadModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.__str__", read_only=True)

    class Meta:
        model = ActionFollowUp
        fields = ["id", "date", "note", "result_to_date_ore", "recorded_by", "recorded_at"]


class ActionPlanSerializer(ReadModelSerializer):
    intraprenad_name = serializers.CharField(source="intraprenad.name", read_only=True)
    year = serializers.IntegerField(source="closing.year", read_only=True)
    termination_case = serializers.CharField(source="termination.case.case_number", read_only=True, default=None)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "intraprenad",
            "intraprenad_name",
            "result_unit",
            "closing",
            "year",
            "deficit_ore",
            "deadline",
            "status",
            "summary",
            "closed_on",
            "termination",
            "termination_case",
        ]


class ActionPlanDetailSerializer(ActionPlanSerializer):
    measures = ActionMeasureSerializer(many=True, read_only=True)
    follow_ups = ActionFollowUpSerializer(many=True, read_only=True)
    balance_restored = serializers.SerializerMethodField()

    class Meta(ActionPlanSerializer.Meta):
        fields = [*ActionPlanSerializer.Meta.fields, "balance_restored", "measures", "follow_ups"]

    def get_balance_restored(self, plan) -> bool:
        return queries.plan_restored(plan)


class FundYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    opening_ore = serializers.IntegerField()
    allocation_ore = serializers.IntegerField()
    deficit_ore = serializers.IntegerField()
    uses_ore = serializers.IntegerField()
    reversals_ore = serializers.IntegerField()
    closing_ore = serializers.IntegerField()
    movements = serializers.SerializerMethodField()

    @extend_schema_field(FundMovementSerializer(many=True))
    def get_movements(self, year) -> list[dict]:
        return FundMovementSerializer([row.movement for row in year.movements], many=True, context=self.context).data


class FundLedgerSerializer(serializers.Serializer):
    result_unit = serializers.IntegerField()
    name = serializers.CharField()
    balance_ore = serializers.IntegerField()
    years = FundYearSerializer(many=True)


# --- fetching --------------------------------------------------------------------------------------------


def _closings(user):
    return YearEndClosing.objects.for_user(user).select_related(
        "intraprenad",
        "case",
        "revision",
        "decision__meeting",
        "decision__body",
        "decision__case",
        "reopen_decision__meeting",
        "reopen_decision__body",
        "reopen_decision__case",
    )


def _closing(request, pk: int) -> YearEndClosing:
    return get_object_or_404(_closings(request.user), pk=pk)


def _plans(user):
    return ActionPlan.objects.for_user(user).select_related("intraprenad", "closing", "termination__case")


def _plan(request, pk: int) -> ActionPlan:
    return get_object_or_404(_plans(request.user), pk=pk)


def _visible_intraprenad(user, pk: int) -> Intraprenad:
    units = unit_ids_for(user, VIEW)
    intraprenader = Intraprenad.objects.select_related("board", "unit")
    if units is not EVERYWHERE:
        intraprenader = intraprenader.filter(unit_id__in=units)
    return get_object_or_404(intraprenader, pk=pk)


def _valid(request, serializer_class) -> dict:
    form = serializer_class(data=request.data)
    form.is_valid(raise_exception=True)
    return dict(form.validated_data)


def _respond(request, serializer_class, obj, code: int = status.HTTP_201_CREATED) -> Response:
    return Response(serializer_class(obj, context={"request": request}).data, status=code)


def _fund_ledger(result_unit: ResultUnit, user) -> dict:
    ledger = queries.fund_ledger(result_unit.pk, user)
    return {
        "result_unit": result_unit.pk,
        "name": str(result_unit),
        "balance_ore": ledger[-1].closing_ore if ledger else 0,
        "years": ledger,
    }


# --- request bodies --------------------------------------------------------------------------------------


class PrepareRequestSerializer(serializers.Serializer):
    intraprenad = serializers.IntegerField(help_text="The intraprenad whose year is closed.")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DecideRequestSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), help_text="A meeting of the board whose minutes are not yet approved."
    )
    decision_text = serializers.CharField()


class ReopenRequestSerializer(DecideRequestSerializer):
    reasons = serializers.CharField()


class FundUseRequestSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    purpose = serializers.CharField(
        help_text="The key of a permitted use in the guidelines (e.g. kompetensutveckling)."
    )
    amount_ore = serializers.IntegerField(min_value=1, help_text="The amount used, in öre (positive).")
    description = serializers.CharField(max_length=300)
    date = serializers.DateField()


class SummaryRequestSerializer(serializers.Serializer):
    summary = serializers.CharField()


class MeasureRequestSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.CharField(max_length=120)
    due_on = serializers.DateField()
    effect_ore = serializers.IntegerField(min_value=0, required=False, default=0)


class MeasureStatusRequestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionMeasure.Status.choices)


class FollowUpRequestSerializer(serializers.Serializer):
    date = serializers.DateField()
    note = serializers.CharField()
    result_to_date_ore = serializers.IntegerField(required=False, allow_null=True, default=None)


# --- endpoints -------------------------------------------------------------------------------------------


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


YEAR = OpenApiParameter("year", int, description="Only closings of this year.")


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_closings_list",
        summary="Year-end closings",
        description="The closings of the intraprenader in your scope (every status, reopened ones included).",
        parameters=[YEAR],
        responses=read_responses(ClosingSerializer(many=True), denied=(401, 403)),
    ),
    post=extend_schema(
        operation_id="economy_closings_prepare",
        summary="Prepare (or prepare again) the closing of an intraprenad's year",
        description="Economist. Computes the result against the approved budget, the split and the fund into a draft; "
        "a draft of the same year is recomputed.",
        request=PrepareRequestSerializer,
        responses=write_responses(ClosingDetailSerializer, status=200),
    ),
)
class ClosingList(ServiceErrorsMixin, generics.ListAPIView):
    serializer_class = ClosingSerializer
    required_perm = VIEW

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [HoldsPermission()]

    def get_queryset(self):
        closings = _closings(self.request.user).order_by("-year", "intraprenad__name", "-prepared_at")
        year = self.request.query_params.get("year")
        return closings.filter(year=int(year)) if year and year.isdigit() else closings

    def post(self, request):
        require_anywhere(request.user, "economy.prepare_closing")
        data = _valid(request, PrepareRequestSerializer)
        intraprenad = _visible_intraprenad(request.user, data["intraprenad"])
        closing = services.prepare_closing(
            by=request.user, intraprenad=intraprenad, year=data["year"], today=_today(), comment=data["comment"]
        )
        return _respond(request, ClosingDetailSerializer, closing, status.HTTP_200_OK)


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_closings_retrieve",
        summary="One closing with every figure, the income statement and the guideline parameters used",
        responses=read_responses(ClosingDetailSerializer, denied=(401, 403, 404)),
    )
)
class ClosingDetail(generics.RetrieveAPIView):
    serializer_class = ClosingDetailSerializer
    permission_classes = [HoldsPermission]
    required_perm = VIEW

    def get_queryset(self):
        return _closings(self.request.user).prefetch_related("fund_movements__decision__meeting")


@_post(
    "economy_closings_decide",
    "Decide the closing (board)",
    DecideRequestSerializer,
    ClosingDetailSerializer,
    200,
    "Records the decision as a paragraph; the closing is then immutable, the unit's share moves into or out of the "
    "result fund, and a deficit opens an action plan with the guidelines' deadline.",
)
class ClosingDecide(ServiceAPIView):
    required_perm = "economy.decide"

    def post(self, request, pk: int):
        closing = self.checked(_closing(request, pk))
        services.decide_closing(by=request.user, closing=closing, **_valid(request, DecideRequestSerializer))
        return _respond(request, ClosingDetailSerializer, _closing(request, pk), status.HTTP_200_OK)


@_post(
    "economy_closings_reopen",
    "Reopen a decided closing (board)",
    ReopenRequestSerializer,
    ClosingDetailSerializer,
    200,
    "Needs a new decision with reasons: the fund movement is reversed and an open action plan from it is cancelled.",
)
class ClosingReopen(ServiceAPIView):
    required_perm = "economy.decide"

    def post(self, request, pk: int):
        closing = self.checked(_closing(request, pk))
        services.reopen_closing(by=request.user, closing=closing, **_valid(request, ReopenRequestSerializer))
        return _respond(request, ClosingDetailSerializer, _closing(request, pk), status.HTTP_200_OK)


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_fund_retrieve",
        summary="The result fund of a unit, year by year, with every movement and its decision",
        responses=read_responses(FundLedgerSerializer, denied=(401, 403, 404)),
    )
)
class FundLedger(generics.GenericAPIView):
    serializer_class = FundLedgerSerializer
    permission_classes = [HoldsPermission]
    required_perm = VIEW

    def get(self, request, pk: int):
        result_unit = get_object_or_404(ResultUnit.objects.for_user(request.user).select_related("org_unit"), pk=pk)
        return Response(
            FundLedgerSerializer(_fund_ledger(result_unit, request.user), context={"request": request}).data
        )


@_post(
    "economy_fund_use",
    "Record a use of the result fund approved by the board",
    FundUseRequestSerializer,
    FundMovementSerializer,
    description="For a purpose the guidelines permit, within the balance, dated in a year not yet closed.",
)
class FundUse(ServiceAPIView):
    required_perm = "economy.decide"

    def post(self, request, pk: int):
        result_unit = self.checked(get_object_or_404(ResultUnit.objects.for_user(request.user), pk=pk))
        data = _valid(request, FundUseRequestSerializer)
        intraprenad = queries.active_intraprenad_of(result_unit)
        if intraprenad is None:
            return Response(
                {"detail": [_("The unit runs no intraprenad now; its fund cannot be used.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        movement = services.record_fund_use(by=request.user, intraprenad=intraprenad, **data)
        return _respond(request, FundMovementSerializer, movement)


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_action_plans_list",
        summary="Action plans after a deficit",
        responses=read_responses(ActionPlanSerializer(many=True), denied=(401, 403)),
    )
)
class ActionPlanList(generics.ListAPIView):
    serializer_class = ActionPlanSerializer
    permission_classes = [HoldsPermission]
    required_perm = VIEW

    def get_queryset(self):
        return _plans(self.request.user).order_by("status", "deadline")


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_action_plans_retrieve",
        summary="One action plan with its measures and follow-ups",
        responses=read_responses(ActionPlanDetailSerializer, denied=(401, 403, 404)),
    )
)
class ActionPlanDetail(generics.RetrieveAPIView):
    serializer_class = ActionPlanDetailSerializer
    permission_classes = [HoldsPermission]
    required_perm = VIEW

    def get_queryset(self):
        return _plans(self.request.user).prefetch_related("measures", "follow_ups__recorded_by")


MANAGE = "economy.manage_action_plan"


@_post(
    "economy_action_plans_summary",
    "Save the plan's analysis and summary",
    SummaryRequestSerializer,
    ActionPlanDetailSerializer,
    200,
)
class ActionPlanSummary(ServiceAPIView):
    required_perm = MANAGE

    def post(self, request, pk: int):
        plan = self.checked(_plan(request, pk))
        plan = services.update_action_plan(by=request.user, plan=plan, **_valid(request, SummaryRequestSerializer))
        return _respond(request, ActionPlanDetailSerializer, plan, status.HTTP_200_OK)


@_post("economy_action_plans_measures_add", "Add a measure", MeasureRequestSerializer, ActionMeasureSerializer)
class MeasureAdd(ServiceAPIView):
    required_perm = MANAGE

    def post(self, request, pk: int):
        plan = self.checked(_plan(request, pk))
        measure = services.add_measure(by=request.user, plan=plan, **_valid(request, MeasureRequestSerializer))
        return _respond(request, ActionMeasureSerializer, measure)


@_post(
    "economy_action_plans_measures_status",
    "Set a measure's status",
    MeasureStatusRequestSerializer,
    ActionMeasureSerializer,
    200,
)
class MeasureStatus(ServiceAPIView):
    required_perm = MANAGE

    def post(self, request, pk: int, measure_pk: int):
        plan = self.checked(_plan(request, pk))
        measure = get_object_or_404(ActionMeasure, plan=plan, pk=measure_pk)
        data = _valid(request, MeasureStatusRequestSerializer)
        measure = services.update_measure(by=request.user, measure=measure, **data)
        return _respond(request, ActionMeasureSerializer, measure, status.HTTP_200_OK)


@_post("economy_action_plans_follow_ups_add", "Record a follow-up", FollowUpRequestSerializer, ActionFollowUpSerializer)
class FollowUpAdd(ServiceAPIView):
    required_perm = MANAGE

    def post(self, request, pk: int):
        plan = self.checked(_plan(request, pk))
        data = _valid(request, FollowUpRequestSerializer)
        follow_up = services.record_follow_up(by=request.user, plan=plan, today=_today(), **data)
        return _respond(request, ActionFollowUpSerializer, follow_up)


@_post("economy_action_plans_restored", "Close the plan: balance restored", None, ActionPlanDetailSerializer, 200)
class ActionPlanRestored(ServiceAPIView):
    required_perm = MANAGE

    def post(self, request, pk: int):
        plan = self.checked(_plan(request, pk))
        plan = services.close_action_plan_restored(by=request.user, plan=plan, today=_today())
        return _respond(request, ActionPlanDetailSerializer, plan, status.HTTP_200_OK)


urlpatterns = [
    path("economy/closings/", ClosingList.as_view(), name="api_economy_closing_list"),
    path("economy/closings/<int:pk>/", ClosingDetail.as_view(), name="api_economy_closing_detail"),
    path("economy/closings/<int:pk>/decide/", ClosingDecide.as_view(), name="api_economy_closing_decide"),
    path("economy/closings/<int:pk>/reopen/", ClosingReopen.as_view(), name="api_economy_closing_reopen"),
    path("economy/result-units/<int:pk>/fund/", FundLedger.as_view(), name="api_economy_fund"),
    path("economy/result-units/<int:pk>/fund/uses/", FundUse.as_view(), name="api_economy_fund_use"),
    path("economy/action-plans/", ActionPlanList.as_view(), name="api_economy_action_plan_list"),
    path("economy/action-plans/<int:pk>/", ActionPlanDetail.as_view(), name="api_economy_action_plan_detail"),
    path("economy/action-plans/<int:pk>/summary/", ActionPlanSummary.as_view(), name="api_economy_action_plan_summary"),
    path("economy/action-plans/<int:pk>/measures/", MeasureAdd.as_view(), name="api_economy_action_measure_add"),
    path(
        "economy/action-plans/<int:pk>/measures/<int:measure_pk>/",
        MeasureStatus.as_view(),
        name="api_economy_action_measure_status",
    ),
    path("economy/action-plans/<int:pk>/follow-ups/", FollowUpAdd.as_view(), name="api_economy_action_follow_up_add"),
    path(
        "economy/action-plans/<int:pk>/restored/", ActionPlanRestored.as_view(), name="api_economy_action_plan_restored"
    ),
]
