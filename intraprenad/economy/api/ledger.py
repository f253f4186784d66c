"""REST API for the ledger: upload and follow imports, the result units and their ledger objects, the account
rules, and the drill-down from a figure to its transactions and vouchers.

Same permissions as the pages: imports and the mapping need `economy.manage_ledger` (the economist), checked
before the request body is read (403); reading units, rules, transactions and vouchers needs
`economy.view_economy` on the unit (a unit head sees only their own unit; a unit outside one's scope is 404).
Ledger amounts keep the SIE sign (debit +, credit −); `report_ore` and the drill-down `total_ore` are in result
sign (revenue +, costs −), as in the follow-up.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, pagination, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from intraprenad.accounts.api import (
    HoldsPermission,
    MessageSerializer,
    ReadModelSerializer,
    ServiceAPIView,
    ServiceErrorsMixin,
    ValidationErrorSerializer,
    read_responses,
    write_responses,
)
from intraprenad.economy.lines import LINE_ORDER, Line
from intraprenad.economy.models import LedgerImport, LedgerObject, ResultUnit, Transaction, Voucher
from intraprenad.economy.queries import ledger as queries
from intraprenad.economy.services import ledger as services

MANAGE = services.MANAGE
VIEW = queries.VIEW


# --- bodies ---------------------------------------------------------------------------------------------


class LedgerImportSerializer(ReadModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    imported_by = serializers.CharField(source="imported_by.username", read_only=True, default=None)
    generated_on = serializers.SerializerMethodField(help_text="The export date of the file (#GEN).")
    reconciliation = serializers.SerializerMethodField(
        help_text="The file against its own balances: ok, unbalanced_vouchers [series, number, öre] and differences "
        "(kind, year, account, month, objects, file_ore, trans_ore; the first 200 of each, with the counts), checked "
        '("matching/checked" per check), ksumma ("absent", "verified" or "mismatch"), accepted_with_differences.'
    )
    unchanged = serializers.SerializerMethodField(help_text="True when the same file had already been imported.")
    progress = serializers.SerializerMethodField(help_text="0–100: how far the import has come.")

    class Meta:
        model = LedgerImport
        fields = [
            "id",
            "source",
            "status",
            "status_display",
            "progress",
            "message",
            "file_name",
            "sha256",
            "dimension",
            "sie_type",
            "company",
            "orgnr",
            "fiscal_year_start",
            "fiscal_year_end",
            "generated_on",
            "voucher_count",
            "transaction_count",
            "reconciliation",
            "replaces",
            "imported_by",
            "created_at",
            "finished_at",
            "unchanged",
        ]

    def get_generated_on(self, obj: LedgerImport) -> str | None:
        return (obj.reconciliation or {}).get("generated_on")

    def get_reconciliation(self, obj: LedgerImport) -> dict:
        keys = (
            "ok",
            "unbalanced_vouchers",
            "unbalanced_count",
            "differences",
            "difference_count",
            "checked",
            "ksumma",
            "accepted_with_differences",
        )
        return {key: value for key, value in (obj.reconciliation or {}).items() if key in keys}

    def get_unchanged(self, obj: LedgerImport) -> bool:
        return bool(getattr(obj, "unchanged", False))

    def get_progress(self, obj: LedgerImport) -> int:
        return queries.live_progress(obj)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An SIE file (types 1–4) or the CSV/Excel actuals template.")
    dimension = serializers.RegexField(
        r"^\d{1,10}$",
        required=False,
        help_text="The dimension identifying result units (default: the setting).",
    )
    allow_differences = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Import a file that does not agree with its own balances, recording the differences.",
    )


class LedgerObjectSerializer(ReadModelSerializer):
    class Meta:
        model = LedgerObject
        fields = ["dimension", "object_id"]


class ResultUnitSerializer(ReadModelSerializer):
    name = serializers.CharField(source="org_unit.name", read_only=True)
    ledger_objects = LedgerObjectSerializer(many=True, read_only=True)

    class Meta:
        model = ResultUnit
        fields = ["id", "org_unit", "name", "is_comparison", "ledger_objects"]


class AccountRuleSerializer(serializers.Serializer):
    prefix = serializers.RegexField(r"^\d{1,10}$", help_text="The first digits of the accounts, e.g. 3 or 4530.")
    line = serializers.ChoiceField(choices=Line.choices)


class AccountRulesSerializer(serializers.Serializer):
    rules = AccountRuleSerializer(many=True, help_text="Replaces every rule; the longest matching prefix wins.")
    defaults = serializers.BooleanField(
        read_only=True, help_text="True when no rules are stored and the Kommun-Bas defaults apply."
    )


class TransactionSerializer(ReadModelSerializer):
    voucher_series = serializers.CharField(source="voucher.series", read_only=True)
    voucher_number = serializers.CharField(source="voucher.number", read_only=True)
    voucher_date = serializers.DateField(source="voucher.date", read_only=True)
    report_ore = serializers.SerializerMethodField(help_text="The amount in result sign (revenue +, costs −).")

    class Meta:
        model = Transaction
        fields = [
            "id",
            "voucher",
            "voucher_series",
            "voucher_number",
            "voucher_date",
            "account",
            "object_id",
            "object_list",
            "period",
            "amount_ore",
            "report_ore",
            "trans_date",
            "text",
        ]

    def get_report_ore(self, obj: Transaction) -> int:
        return -obj.amount_ore


class VoucherRowSerializer(ReadModelSerializer):
    class Meta:
        model = Transaction
        fields = ["id", "account", "object_id", "object_list", "amount_ore", "trans_date", "text"]


class VoucherSerializer(ReadModelSerializer):
    ledger_import = serializers.IntegerField(source="ledger_import_id", read_only=True)
    file_name = serializers.CharField(source="ledger_import.file_name", read_only=True)
    rows = serializers.SerializerMethodField()

    class Meta:
        model = Voucher
        fields = ["id", "series", "number", "date", "text", "line", "ledger_import", "file_name", "rows"]

    @extend_schema_field(VoucherRowSerializer(many=True))
    def get_rows(self, obj: Voucher) -> list[dict]:
        return VoucherRowSerializer(queries.voucher_rows(obj), many=True).data


class DrilldownQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, help_text="The result unit.")
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)
    line = serializers.ChoiceField(choices=[(code, code) for code in LINE_ORDER], required=False)


class DrilldownSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    year = serializers.IntegerField()
    month = serializers.IntegerField(allow_null=True)
    line = serializers.CharField(allow_null=True)
    total_ore = serializers.IntegerField(help_text="Result sign: minus the sum of the transactions.")
    figure_ore = serializers.IntegerField(help_text="The same figure from the monthly actuals.")
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = TransactionSerializer(many=True)


# --- imports --------------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_imports_list",
        summary="Ledger imports, newest first",
        responses=read_responses(LedgerImportSerializer(many=True), denied=(401, 403)),
    ),
    post=extend_schema(
        operation_id="economy_imports_create",
        summary="Upload a ledger file to import",
        description="Stores the file and queues its import (202, follow `progress` and `status` on the import). "
        "The same file already imported returns the stored import (200, `unchanged` true).",
        request={"multipart/form-data": UploadSerializer},
        responses={
            **write_responses(LedgerImportSerializer, status=202),
            200: OpenApiResponse(LedgerImportSerializer, description="Already imported: nothing changed."),
        },
    ),
)
class ImportListCreate(ServiceErrorsMixin, generics.ListAPIView):
    permission_classes = [HoldsPermission]  # anonymous 401, others without the permission 403, before the body
    required_perm = MANAGE
    serializer_class = LedgerImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return queries.imports()

    def post(self, request):
        form = UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        ledger_import = services.start_import(
            by=request.user,
            data=upload.read(),
            file_name=upload.name,
            dimension=form.validated_data.get("dimension"),
            allow_differences=form.validated_data["allow_differences"],
        )
        code = status.HTTP_200_OK if getattr(ledger_import, "unchanged", False) else status.HTTP_202_ACCEPTED
        return Response(LedgerImportSerializer(ledger_import).data, status=code)


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_imports_retrieve",
        summary="One ledger import: status, progress and reconciliation",
        responses=read_responses(LedgerImportSerializer, denied=(401, 403, 404)),
    )
)
class ImportDetail(generics.RetrieveAPIView):
    permission_classes = [HoldsPermission]  # imports are the municipality's: held anywhere is enough
    required_perm = MANAGE
    serializer_class = LedgerImportSerializer

    def get_queryset(self):
        return queries.imports()


# --- the mapping ----------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_result_units_list",
        summary="Result units and their ledger objects",
        description="The units followed in the economy that you may see, with their objects per dimension.",
        responses=read_responses(ResultUnitSerializer(many=True), denied=(401, 403)),
    )
)
class ResultUnitList(generics.ListAPIView):
    serializer_class = ResultUnitSerializer
    permission_classes = [HoldsPermission]
    required_perm = VIEW

    def get_queryset(self):
        return queries.result_units(self.request.user)


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_account_rules_retrieve",
        summary="How accounts map to income-statement lines",
        responses=read_responses(AccountRulesSerializer, denied=(401, 403)),
    ),
    put=extend_schema(
        operation_id="economy_account_rules_update",
        summary="Replace the account rules",
        description="Replaces every rule and rebuilds the monthly actuals.",
        request=AccountRulesSerializer,
        responses=write_responses(AccountRulesSerializer, status=200),
    ),
)
class AccountRules(ServiceAPIView):
    serializer_class = AccountRulesSerializer

    def get_permissions(self):
        self.required_perm = MANAGE if self.request.method == "PUT" else VIEW
        return super().get_permissions()

    def _body(self) -> dict:
        stored = queries.rule_table()
        rules = stored or queries.line_rules()
        return {"rules": [{"prefix": p, "line": line} for p, line in rules], "defaults": not stored}

    def get(self, request):
        return Response(AccountRulesSerializer(self._body()).data)

    def put(self, request):
        form = AccountRulesSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.set_line_rules(by=request.user, rules=[(r["prefix"], r["line"]) for r in form.validated_data["rules"]])
        return Response(AccountRulesSerializer(self._body()).data)


# --- drill-down -----------------------------------------------------------------------------------------


class DrilldownPagination(pagination.LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_drilldown",
        summary="The transactions behind a figure",
        description="A unit's year, or one month, all lines or one line: its transactions (from current imports), "
        "oldest voucher first, paginated with `limit` and `offset`. `total_ore` equals the figure in the follow-up "
        "unless part of it comes from a file without vouchers (`figure_ore` − `total_ore`).",
        parameters=[
            OpenApiParameter("unit", int, required=True, description="The result unit."),
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("month", int, description="1–12; all months if left out."),
            OpenApiParameter("line", str, enum=list(LINE_ORDER), description="All lines if left out."),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses={
            200: DrilldownSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, description="Missing or wrong parameters."),
            401: OpenApiResponse(MessageSerializer, description="Not logged in."),
            403: OpenApiResponse(MessageSerializer, description="Not permitted."),
            404: OpenApiResponse(MessageSerializer, description="Not found, or not visible to you."),
        },
    )
)
class Drilldown(generics.GenericAPIView):
    permission_classes = [HoldsPermission]
    required_perm = VIEW
    serializer_class = TransactionSerializer
    pagination_class = DrilldownPagination

    def get(self, request):
        query = DrilldownQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        unit = get_object_or_404(ResultUnit.objects.for_user(request.user, VIEW), pk=data["unit"])
        result = queries.drilldown(unit, data["year"], data.get("month"), data.get("line"))
        page = self.paginate_queryset(result.transactions)
        paginated = self.get_paginated_response(TransactionSerializer(page, many=True).data).data
        return Response(
            {
                "unit": unit.pk,
                "year": result.year,
                "month": result.month,
                "line": result.line,
                "total_ore": result.total_ore,
                "figure_ore": result.figure_ore,
                **paginated,
            }
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="economy_vouchers_retrieve",
        summary="One voucher with all its rows",
        responses=read_responses(VoucherSerializer, denied=(401, 404)),
    )
)
class VoucherDetail(generics.RetrieveAPIView):
    serializer_class = VoucherSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        voucher = get_object_or_404(Voucher.objects.select_related("ledger_import"), pk=self.kwargs["pk"])
        if not queries.voucher_visible(self.request.user, voucher):
            raise NotFound
        return voucher


urlpatterns = [
    path("economy/imports/", ImportListCreate.as_view(), name="api_economy_import_list"),
    path("economy/imports/<int:pk>/", ImportDetail.as_view(), name="api_economy_import_detail"),
    path("economy/result-units/", ResultUnitList.as_view(), name="api_economy_result_unit_list"),
    path("economy/account-rules/", AccountRules.as_view(), name="api_economy_account_rules"),
    path("economy/drilldown/", Drilldown.as_view(), name="api_economy_drilldown"),
    path("economy/vouchers/<int:pk>/", VoucherDetail.as_view(), name="api_economy_voucher"),
]
