"""REST API for budgets and the index table, with the same permissions as the pages.

Budgets are read through `Budget.objects.for_user` (a unit head sees only their own unit's; not yours = 404).
Each write calls one function of `economy.services.budget`; the permission is checked before the request body
is read (403) and again by the service on the unit. Amounts are integer öre in result sign (revenue +, costs −).
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from intraprenad.accounts.api import (
    HoldsPermission,
    ReadModelSerializer,
    ServiceAPIView,
    ServiceErrorsMixin,
    read_responses,
    require_anywhere,
    write_responses,
)
from intraprenad.cases.models import Paragraph
from intraprenad.economy.lines import LINE_ORDER, Line
from intraprenad.economy.models import Budget, BudgetAmount, BudgetIndex, BudgetItem, ResultUnit
from intraprenad.economy.rules.budget import FIRST_YEAR, LAST_YEAR, RATE_LIMIT
from intraprenad.economy.services import budget as services

VIEW = "economy.view_economy"

# --- reading ---------------------------------------------------------------------------------------


class BudgetIndexSerializer(ReadModelSerializer):
    class Meta:
        model = BudgetIndex
        fields = ["year", "personnel_percent", "other_percent", "revenue_percent", "source", "updated_at"]


class BudgetItemSerializer(ReadModelSerializer):
    class Meta:
        model = BudgetItem
        fields = ["line", "description", "amount_ore", "month"]


class EconomyBudgetSerializer(ReadModelSerializer):
    unit_name = serializers.CharField(source="result_unit.org_unit.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decision_reference = serializers.CharField(source="decision.reference", read_only=True, default=None)
    annual_ore = serializers.SerializerMethodField(
        help_text="Line -> the year's amount in öre, one-time items included."
    )
    net_result_ore = serializers.SerializerMethodField()

    class Meta:
        model = Budget
        fields = [
            "id",
            "result_unit",
            "unit_name",
            "year",
            "version",
            "status",
            "status_display",
            "based_on",
            "index",
            "index_personnel_percent",
            "index_other_percent",
            "index_revenue_percent",
            "index_source",
            "comment",
            "decision",
            "decision_reference",
            "created_by",
            "created_at",
            "approved_by",
            "approved_at",
            "annual_ore",
            "net_result_ore",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_annual_ore(self, budget: Budget) -> dict[str, int]:
        annual = dict.fromkeys(LINE_ORDER, 0)
        for amount in budget.amounts.all():
            annual[amount.line] += amount.amount_ore
        return annual

    def get_net_result_ore(self, budget: Budget) -> int:
        return sum(amount.amount_ore for amount in budget.amounts.all())


class EconomyBudgetDetailSerializer(EconomyBudgetSerializer):
    months_ore = serializers.SerializerMethodField(
        help_text="Line -> twelve monthly amounts in öre (January first), one-time items included."
    )
    items = BudgetItemSerializer(many=True, read_only=True)

    class Meta(EconomyBudgetSerializer.Meta):
        fields = [*EconomyBudgetSerializer.Meta.fields, "months_ore", "items"]

    @extend_schema_field(serializers.DictField(child=serializers.ListField(child=serializers.IntegerField())))
    def get_months_ore(self, budget: Budget) -> dict[str, list[int]]:
        months = {line: [0] * 12 for line in LINE_ORDER}
        for amount in budget.amounts.all():
            months[amount.line][amount.month - 1] = amount.amount_ore
        return months


def visible_budgets(user):
    return (
        Budget.objects.for_user(user)
        .select_related("result_unit__org_unit", "decision__body", "decision__case")
        .prefetch_related(
            Prefetch("amounts", queryset=BudgetAmount.objects.order_by("line", "month")),
            Prefetch("items", queryset=BudgetItem.objects.order_by("month", "id")),
        )
        .order_by("result_unit", "-year", "-version")
    )


def _budget(request, pk: int) -> Budget:
    return get_object_or_404(visible_budgets(request.user), pk=pk)


def _result_unit(request, pk: int) -> ResultUnit:
    return get_object_or_404(ResultUnit.objects.for_user(request.user), pk=pk)


def _valid(request, serializer_class) -> dict:
    form = serializer_class(data=request.data)
    form.is_valid(raise_exception=True)
    return dict(form.validated_data)


def _respond(request, budget: Budget, code: int = status.HTTP_201_CREATED) -> Response:
    return Response(EconomyBudgetDetailSerializer(_budget(request, budget.pk)).data, status=code)


# --- request bodies --------------------------------------------------------------------------------


class BudgetItemRequestSerializer(serializers.Serializer):
    line = serializers.ChoiceField(choices=Line.choices)
    description = serializers.CharField(max_length=200)
    amount_ore = serializers.IntegerField(help_text="Öre in result sign: revenue positive, costs negative.")
    month = serializers.IntegerField(min_value=1, max_value=12, default=1)


class BudgetAmountsRequestSerializer(serializers.Serializer):
    annual_ore = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        default=dict,
        help_text="Line -> the year's amount in öre (result sign), spread evenly over the months.",
    )
    months_ore = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=12, max_length=12),
        required=False,
        default=dict,
        help_text="Line -> twelve monthly amounts in öre, January first; for lines not spread evenly.",
    )
    items = BudgetItemRequestSerializer(many=True, required=False, default=list, help_text="One-time items.")
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, data):
        both = set(data["annual_ore"]) & set(data["months_ore"])
        if both:
            raise serializers.ValidationError(
                {
                    "months_ore": [
                        _("Give a line either as annual_ore or as months_ore, not both: %(lines)s.")
                        % {"lines": ", ".join(sorted(both))}
                    ]
                }
            )
        return data

    @staticmethod
    def amounts(data: dict) -> dict:
        return {
            "annual": {**data["annual_ore"], **data["months_ore"]},
            "items": [dict(item) for item in data["items"]],
            "comment": data["comment"],
        }


class BudgetDraftRequestSerializer(BudgetAmountsRequestSerializer):
    result_unit = serializers.IntegerField(help_text="The result unit's id.")
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)


class BudgetFromPreviousRequestSerializer(serializers.Serializer):
    result_unit = serializers.IntegerField(help_text="The result unit's id.")
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    items = BudgetItemRequestSerializer(many=True, required=False, default=list, help_text="New one-time items.")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class BudgetApproveRequestSerializer(serializers.Serializer):
    decision = serializers.PrimaryKeyRelatedField(
        queryset=Paragraph.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The paragraph of a body above the unit (its board) that adopted the budget, if any.",
    )


class BudgetIndexRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    personnel_percent = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=-RATE_LIMIT, max_value=RATE_LIMIT
    )
    other_percent = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=-RATE_LIMIT, max_value=RATE_LIMIT
    )
    revenue_percent = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=-RATE_LIMIT, max_value=RATE_LIMIT, default=0
    )
    source = serializers.CharField(max_length=200, help_text="E.g. “SKR PKV oktober 2024”.")


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
        operation_id="budgets_list",
        summary="Budgets",
        description="Every version of the budgets the user may see (a unit head: their own unit's).",
        parameters=[
            OpenApiParameter("result_unit", OpenApiTypes.INT, description="Only this result unit."),
            OpenApiParameter("year", OpenApiTypes.INT, description="Only this year."),
            OpenApiParameter("status", OpenApiTypes.STR, description="draft, approved or superseded."),
        ],
        responses=read_responses(EconomyBudgetSerializer(many=True), denied=(401, 403)),
    ),
    post=extend_schema(
        operation_id="budgets_draft",
        summary="Draft a budget for a unit and year",
        request=BudgetDraftRequestSerializer,
        responses=write_responses(EconomyBudgetDetailSerializer),
    ),
)
class BudgetListCreate(ServiceErrorsMixin, generics.ListAPIView):
    serializer_class = EconomyBudgetSerializer
    required_perm = VIEW

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [HoldsPermission()]

    def get_queryset(self):
        budgets = visible_budgets(self.request.user)
        for name in ("result_unit", "year"):
            value = self.request.query_params.get(name)
            if value is not None:
                budgets = budgets.filter(**{name: int(value)}) if value.isdigit() else budgets.none()
        if "status" in self.request.query_params:
            budgets = budgets.filter(status=self.request.query_params["status"])
        return budgets

    def post(self, request):
        require_anywhere(request.user, services.EDIT)
        data = _valid(request, BudgetDraftRequestSerializer)
        unit = _result_unit(request, data["result_unit"])
        budget = services.draft_budget(
            by=request.user, result_unit=unit, year=data["year"], **BudgetAmountsRequestSerializer.amounts(data)
        )
        return _respond(request, budget)


@extend_schema_view(
    get=extend_schema(
        operation_id="budgets_retrieve",
        summary="One budget version by line and month, with its one-time items",
        responses=read_responses(EconomyBudgetDetailSerializer, denied=(401, 404)),
    )
)
class BudgetDetail(generics.RetrieveAPIView):
    serializer_class = EconomyBudgetDetailSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return visible_budgets(self.request.user)


@_post(
    "budgets_draft_from_previous",
    "Draft a budget from the previous year's, indexed",
    BudgetFromPreviousRequestSerializer,
    EconomyBudgetDetailSerializer,
    description="The previous year's approved budget without its one-time items, indexed with the index table's "
    "rates for the year (personnel; purchases and other costs; revenue), financial items unchanged.",
)
class BudgetFromPrevious(ServiceAPIView):
    required_perm = services.EDIT

    def post(self, request):
        data = _valid(request, BudgetFromPreviousRequestSerializer)
        unit = self.checked(_result_unit(request, data["result_unit"]))
        budget = services.draft_from_previous(
            by=request.user,
            result_unit=unit,
            year=data["year"],
            items=[dict(item) for item in data["items"]],
            comment=data["comment"],
        )
        return _respond(request, budget)


@_post(
    "budgets_update",
    "Replace a draft's amounts, one-time items and comment",
    BudgetAmountsRequestSerializer,
    EconomyBudgetDetailSerializer,
    200,
    description="Only a draft changes; an approved budget is refused (make a new version).",
)
class BudgetUpdate(ServiceAPIView):
    required_perm = services.EDIT

    def post(self, request, pk: int):
        budget = self.checked(_budget(request, pk))
        data = _valid(request, BudgetAmountsRequestSerializer)
        budget = services.update_draft(by=request.user, budget=budget, **BudgetAmountsRequestSerializer.amounts(data))
        return _respond(request, budget, status.HTTP_200_OK)


@_post(
    "budgets_approve",
    "Approve a draft",
    BudgetApproveRequestSerializer,
    EconomyBudgetDetailSerializer,
    200,
    description="The unit's earlier approved version of the year becomes superseded. Approved budgets never change.",
)
class BudgetApprove(ServiceAPIView):
    required_perm = services.APPROVE

    def post(self, request, pk: int):
        budget = self.checked(_budget(request, pk))
        data = _valid(request, BudgetApproveRequestSerializer)
        budget = services.approve_budget(by=request.user, budget=budget, decision=data["decision"])
        return _respond(request, budget, status.HTTP_200_OK)


@_post("budgets_new_version", "Make a new draft version of an approved budget", None, EconomyBudgetDetailSerializer)
class BudgetNewVersion(ServiceAPIView):
    required_perm = services.EDIT

    def post(self, request, pk: int):
        budget = self.checked(_budget(request, pk))
        return _respond(request, services.new_version(by=request.user, budget=budget))


@extend_schema_view(
    post=extend_schema(
        operation_id="budgets_delete_draft",
        summary="Delete a draft",
        request=None,
        responses=write_responses(None, status=204),
    )
)
class BudgetDelete(ServiceAPIView):
    required_perm = services.EDIT

    def post(self, request, pk: int):
        budget = self.checked(_budget(request, pk))
        services.delete_draft(by=request.user, budget=budget)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        operation_id="budget_indexes_list",
        summary="The index table",
        description="Per budget year: the rates for personnel, other operating costs and revenue, and the source.",
        responses=read_responses(BudgetIndexSerializer(many=True), denied=(401, 403)),
    ),
    post=extend_schema(
        operation_id="budget_indexes_set",
        summary="Enter or revise the index of a budget year",
        request=BudgetIndexRequestSerializer,
        responses=write_responses(BudgetIndexSerializer, status=200),
    ),
)
class BudgetIndexListSet(ServiceErrorsMixin, generics.ListAPIView):
    serializer_class = BudgetIndexSerializer
    queryset = BudgetIndex.objects.order_by("-year")
    required_perm = VIEW
    pagination_class = None

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [HoldsPermission()]

    def post(self, request):
        require_anywhere(request.user, services.INDEX_PERM)
        index = services.set_budget_index(by=request.user, **_valid(request, BudgetIndexRequestSerializer))
        return Response(BudgetIndexSerializer(index).data, status=status.HTTP_200_OK)


urlpatterns = [
    path("economy/budgets/", BudgetListCreate.as_view(), name="api_economy_budget_list"),
    path("economy/budgets/from-previous/", BudgetFromPrevious.as_view(), name="api_economy_budget_from_previous"),
    path("economy/budgets/<int:pk>/", BudgetDetail.as_view(), name="api_economy_budget_detail"),
    path("economy/budgets/<int:pk>/update/", BudgetUpdate.as_view(), name="api_economy_budget_update"),
    path("economy/budgets/<int:pk>/approve/", BudgetApprove.as_view(), name="api_economy_budget_approve"),
    path("economy/budgets/<int:pk>/new-version/", BudgetNewVersion.as_view(), name="api_economy_budget_new_version"),
    path("economy/budgets/<int:pk>/delete/", BudgetDelete.as_view(), name="api_economy_budget_delete"),
    path("economy/budget-indexes/", BudgetIndexListSet.as_view(), name="api_economy_budget_index_list"),
]
