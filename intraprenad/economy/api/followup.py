"""REST API for the monthly follow-up: a unit's months × lines with the forecast and its method, the board
overview, the unit's own forecast, and the early warnings.

Same permissions as the pages: reading needs `economy.view_economy` (a unit head sees only their own unit,
economists and the board everything in their scope; a unit outside it is 404); entering a forecast and
acknowledging a warning need `economy.enter_forecast`, checked before the request body is read (403).
Amounts are integer öre in result sign (revenue +, costs −, a surplus positive).
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from intraprenad.accounts.api import (
    HoldsPermission,
    ReadModelSerializer,
    ServiceAPIView,
    ServiceErrorsMixin,
    read_responses,
    write_responses,
)
from intraprenad.economy.models import EarlyWarning, ForecastEntry
from intraprenad.economy.queries import followup as queries
from intraprenad.economy.rules import forecast as rules
from intraprenad.economy.services import followup as services

VIEW = "economy.view_economy"
FORECAST = "economy.enter_forecast"

YEAR = OpenApiParameter("year", int, description="The year (default: this year).")
MONTH = OpenApiParameter(
    "month", int, description="Figures after this month, 1–12 (default: the latest month with actuals)."
)


class FollowUpPeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)


def _period(request) -> tuple[int, int | None]:
    query = FollowUpPeriodSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("year", timezone.localdate().year), query.validated_data.get("month")


# --- response bodies ------------------------------------------------------------------------------------


class FollowUpCellSerializer(serializers.Serializer):
    line = serializers.CharField(
        help_text='The line (revenue, purchases, personnel, other, financial); "" for the net.'
    )
    budget_ore = serializers.IntegerField()
    actual_ore = serializers.IntegerField(allow_null=True, help_text="null: no actuals for the month yet.")
    deviation_ore = serializers.IntegerField(allow_null=True, help_text="actual − budget.")
    deviation_percent = serializers.DecimalField(
        max_digits=12, decimal_places=1, allow_null=True, help_text="Deviation as % of |budget|; null if 0."
    )


class FollowUpMonthSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    lines = FollowUpCellSerializer(many=True, source="cells")
    net = FollowUpCellSerializer()
    budget_cum_ore = serializers.IntegerField()
    actual_cum_ore = serializers.IntegerField(allow_null=True)


class FollowUpLineSerializer(serializers.Serializer):
    line = serializers.CharField()
    label = serializers.CharField()
    budget_ore = serializers.IntegerField(source="ytd.budget_ore", help_text="Budget, year to date.")
    actual_ore = serializers.IntegerField(source="ytd.actual_ore", allow_null=True, help_text="Actual, year to date.")
    deviation_ore = serializers.IntegerField(source="ytd.deviation_ore", allow_null=True)
    deviation_percent = serializers.DecimalField(
        source="ytd.deviation_percent", max_digits=12, decimal_places=1, allow_null=True
    )
    budget_year_ore = serializers.IntegerField()
    forecast_ore = serializers.IntegerField(
        allow_null=True, help_text="Full-year forecast of the line; null for a manual forecast (net only)."
    )


class FollowUpForecastSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=rules.METHODS, help_text="run_rate | seasonal | manual")
    method_label = serializers.CharField()
    result_ore = serializers.IntegerField(help_text="The forecast net result for the full year.")
    run_rate_ore = serializers.IntegerField()
    seasonal_ore = serializers.IntegerField(allow_null=True)
    fallback = serializers.CharField(help_text="Why the seasonal profile is not used: no_history, degenerate or ''.")
    fallback_label = serializers.CharField()
    run_rate_lines = serializers.ListField(child=serializers.CharField())
    history_years = serializers.ListField(child=serializers.IntegerField())


class EarlyWarningSerializer(ReadModelSerializer):
    unit_name = serializers.CharField(source="result_unit.org_unit.name", read_only=True)

    class Meta:
        model = EarlyWarning
        fields = [
            "id",
            "result_unit",
            "unit_name",
            "year",
            "month",
            "method",
            "forecast_ore",
            "threshold_ore",
            "created_at",
            "acknowledged_by",
            "acknowledged_at",
        ]


class ForecastEntrySerializer(ReadModelSerializer):
    class Meta:
        model = ForecastEntry
        fields = ["id", "result_unit", "year", "month", "result_ore", "comment", "entered_by", "entered_at"]


class UnitFollowUpSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.org_unit.name")
    is_comparison = serializers.BooleanField(source="unit.is_comparison")
    year = serializers.IntegerField()
    month = serializers.IntegerField(help_text="The report is after this month; 0 when the year has no actuals.")
    latest_month = serializers.IntegerField()
    has_budget = serializers.BooleanField()
    months = FollowUpMonthSerializer(many=True)
    lines = FollowUpLineSerializer(many=True, help_text="Year to date per line, the year's budget and forecast.")
    net = FollowUpLineSerializer()
    forecast = FollowUpForecastSerializer(allow_null=True)
    forecast_low_ore = serializers.SerializerMethodField()
    forecast_high_ore = serializers.SerializerMethodField()
    forecast_deviation_ore = serializers.IntegerField(allow_null=True, help_text="Forecast − the year's budget.")
    manual_comment = serializers.SerializerMethodField()
    warnings = EarlyWarningSerializer(many=True)

    def get_forecast_low_ore(self, report) -> int | None:
        return report.band[0] if report.band else None

    def get_forecast_high_ore(self, report) -> int | None:
        return report.band[1] if report.band else None

    def get_manual_comment(self, report) -> str | None:
        return report.manual.comment if report.manual else None


class FollowUpForecastBriefSerializer(serializers.Serializer):
    method = serializers.CharField()
    method_label = serializers.CharField()
    result_ore = serializers.IntegerField()


class FollowUpOverviewRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    name = serializers.CharField()
    board = serializers.CharField()
    service_type = serializers.CharField()
    is_comparison = serializers.BooleanField()
    has_budget = serializers.BooleanField(source="figures.has_budget")
    latest_month = serializers.IntegerField(source="figures.latest_month")
    budget_ytd_ore = serializers.IntegerField()
    actual_ytd_ore = serializers.IntegerField()
    deviation_ore = serializers.IntegerField()
    deviation_percent = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    budget_year_ore = serializers.IntegerField()
    forecast = FollowUpForecastBriefSerializer(allow_null=True)
    forecast_deviation_ore = serializers.IntegerField(allow_null=True)
    has_open_warning = serializers.BooleanField()


class FollowUpTotalsSerializer(serializers.Serializer):
    units = serializers.IntegerField()
    budget_ytd_ore = serializers.IntegerField()
    actual_ytd_ore = serializers.IntegerField()
    deviation_ore = serializers.IntegerField()
    deviation_percent = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    budget_year_ore = serializers.IntegerField()
    forecast_ore = serializers.IntegerField(help_text="Sum of the forecasts (a unit without one counts its budget).")
    forecast_deviation_ore = serializers.IntegerField()


class FollowUpOverviewGroupSerializer(serializers.Serializer):
    board = serializers.CharField()
    service_type = serializers.CharField()
    rows = FollowUpOverviewRowSerializer(many=True)
    totals = FollowUpTotalsSerializer()


class FollowUpOverviewSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField(help_text="After this month; 0 when there are no actuals for the year.")
    groups = FollowUpOverviewGroupSerializer(many=True)
    intraprenad_totals = FollowUpTotalsSerializer()
    comparison_totals = FollowUpTotalsSerializer()
    totals = FollowUpTotalsSerializer()


class ForecastRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12, help_text="The forecast is after this month.")
    result_ore = serializers.IntegerField(help_text="Forecast net result for the full year, öre (deficit negative).")
    comment = serializers.CharField(allow_blank=True, help_text="Required: what the forecast builds on.")


# --- endpoints --------------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_overview",
        summary="Board overview of the follow-up",
        description="Every result unit the user may see, grouped by board and type of service (intraprenader "
        "first, then comparable units): budget and actual to date, deviation, full-year forecast with method, "
        "open-warning flag; totals per group, for intraprenader, comparable units and all.",
        parameters=[YEAR, MONTH],
        responses=read_responses(FollowUpOverviewSerializer, denied=(401, 403)),
    )
)
class OverviewView(ServiceErrorsMixin, generics.GenericAPIView):
    permission_classes = [HoldsPermission]
    required_perm = VIEW
    serializer_class = FollowUpOverviewSerializer

    def get(self, request):
        year, month = _period(request)
        return Response(FollowUpOverviewSerializer(queries.overview(request.user, year=year, month=month)).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_unit_followup",
        summary="A unit's monthly follow-up",
        description="Budget against actual per month and line, year to date per line, the full-year forecast "
        "with its method and range, and the unit's early warnings for the year.",
        parameters=[YEAR, MONTH],
        responses=read_responses(UnitFollowUpSerializer, denied=(401, 403, 404)),
    )
)
class UnitFollowUpView(ServiceErrorsMixin, generics.GenericAPIView):
    permission_classes = [HoldsPermission]
    required_perm = VIEW
    serializer_class = UnitFollowUpSerializer

    def get(self, request, pk: int):
        unit = get_object_or_404(queries.visible_units(request.user).select_related("org_unit"), pk=pk)
        year, month = _period(request)
        return Response(UnitFollowUpSerializer(queries.unit_report(unit, year=year, month=month)).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="economy_forecast_create",
        summary="Enter the unit's own full-year forecast",
        description="Shown instead of the calculated forecast for that month. A comment is required.",
        request=ForecastRequestSerializer,
        responses=write_responses(ForecastEntrySerializer),
    )
)
class ForecastCreate(ServiceAPIView):
    required_perm = FORECAST
    serializer_class = ForecastEntrySerializer

    def post(self, request, pk: int):
        unit = self.checked(get_object_or_404(queries.visible_units(request.user), pk=pk))
        body = ForecastRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.enter_forecast(by=request.user, result_unit=unit, **body.validated_data)
        return Response(ForecastEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_warnings_list",
        summary="Open early warnings",
        description="Warnings not yet acknowledged, for the units the user may see.",
        responses=read_responses(EarlyWarningSerializer(many=True), denied=(401, 403)),
    )
)
class WarningList(generics.ListAPIView):
    permission_classes = [HoldsPermission]
    required_perm = VIEW
    serializer_class = EarlyWarningSerializer

    def get_queryset(self):
        return queries.open_warnings(self.request.user)


@extend_schema_view(
    post=extend_schema(
        operation_id="economy_warnings_acknowledge",
        summary="Acknowledge an early warning",
        request=None,
        responses=write_responses(EarlyWarningSerializer, status=200),
    )
)
class WarningAcknowledge(ServiceAPIView):
    required_perm = FORECAST
    serializer_class = EarlyWarningSerializer

    def post(self, request, pk: int):
        warning = self.checked(get_object_or_404(EarlyWarning.objects.for_user(request.user), pk=pk))
        warning = services.acknowledge_warning(by=request.user, warning=warning)
        return Response(EarlyWarningSerializer(warning).data, status=status.HTTP_200_OK)


urlpatterns = [
    path("economy/overview/", OverviewView.as_view(), name="api_economy_overview"),
    path("economy/units/<int:pk>/followup/", UnitFollowUpView.as_view(), name="api_economy_unit_followup"),
    path("economy/units/<int:pk>/forecasts/", ForecastCreate.as_view(), name="api_economy_forecast_create"),
    path("economy/warnings/", WarningList.as_view(), name="api_economy_warnings"),
    path(
        "economy/warnings/<int:pk>/acknowledge/", WarningAcknowledge.as_view(), name="api_economy_warning_acknowledge"
    ),
]
