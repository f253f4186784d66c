"""REST API for guideline revisions: parameters and required items, read like the guideline pages."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.response import Response

from intraprenad.accounts.api import ReadModelSerializer, ServiceAPIView, read_responses, write_responses
from intraprenad.accounts.models import OrgUnit

from . import parameters as P
from . import services
from .models import GuidelineRevision, RequiredItem


class RequiredItemSerializer(ReadModelSerializer):
    class Meta:
        model = RequiredItem
        fields = ["id", "kind", "key", "title", "guidance", "order"]


class ParameterValueSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    group = serializers.CharField()
    kind = serializers.CharField(help_text="int, decimal, percent, bool or choice")
    value = serializers.JSONField(help_text="Decimals are strings; null where the guideline sets no limit.")


class RevisionSerializer(ReadModelSerializer):
    board_name = serializers.CharField(source="board.name", read_only=True, default=None)
    adopted_by_reference = serializers.SerializerMethodField()

    class Meta:
        model = GuidelineRevision
        fields = [
            "id",
            "title",
            "board",
            "board_name",
            "status",
            "valid_from",
            "based_on",
            "adopted_by",
            "adopted_by_reference",
            "adopted_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_adopted_by_reference(self, revision: GuidelineRevision) -> str | None:
        return revision.adopted_by.reference if revision.adopted_by_id else None


class RevisionDetailSerializer(RevisionSerializer):
    parameters = serializers.SerializerMethodField()
    items = RequiredItemSerializer(many=True, read_only=True)

    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "description", "parameters", "items"]

    @extend_schema_field(ParameterValueSerializer(many=True))
    def get_parameters(self, revision: GuidelineRevision) -> list[dict]:
        values = P.values(revision)
        return [
            {
                "name": p.name,
                "label": str(p.label),
                "group": p.group,
                "kind": p.kind,
                "value": P.to_json(p, values[p.name]),
            }
            for p in P.PARAMETERS
        ]


def revisions_for(user):
    return GuidelineRevision.objects.for_user(user).select_related("board", "adopted_by__body", "adopted_by__case")


@extend_schema_view(
    get=extend_schema(
        operation_id="guidelines_list",
        summary="Guideline revisions",
        description="Adopted revisions are public; drafts are listed for staff of the organisation.",
        responses=read_responses(RevisionSerializer(many=True), denied=()),
    )
)
class RevisionList(generics.ListAPIView):
    serializer_class = RevisionSerializer

    def get_queryset(self):
        return revisions_for(self.request.user)


@extend_schema_view(
    get=extend_schema(
        operation_id="guidelines_retrieve",
        summary="One guideline revision with its parameter values and required items",
        responses=read_responses(RevisionDetailSerializer),
    )
)
class RevisionDetail(generics.RetrieveAPIView):
    serializer_class = RevisionDetailSerializer

    def get_queryset(self):
        return revisions_for(self.request.user).prefetch_related("items")


class PlainTextParser(BaseParser):
    """A guidelines file posted as it is (`Content-Type: text/plain`)."""

    media_type = "text/plain"

    def parse(self, stream, media_type=None, parser_context=None) -> str:
        return stream.read().decode("utf-8")


class RevisionImportSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The guidelines file (TOML), as exported from a revision page.")
    filename = serializers.CharField(max_length=200, default="riktlinjer.toml")
    board = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Overrides the file's board; empty: the board named in the file (or the whole municipality).",
    )


@extend_schema_view(
    post=extend_schema(
        operation_id="guidelines_import",
        summary="Import a guidelines file as a new draft revision",
        description="Post the file as `text/plain` (with `filename` and `board` as query parameters), or as "
        "JSON with `text`, `filename` and `board`. Refusals name the file, line and field.",
        parameters=[
            OpenApiParameter("filename", str, description="For text/plain bodies: the file name used in messages."),
            OpenApiParameter("board", int, description="For text/plain bodies: the board's id."),
        ],
        request={"text/plain": str, "application/json": RevisionImportSerializer},
        responses=write_responses(RevisionDetailSerializer),
    )
)
class RevisionImport(ServiceAPIView):
    required_perm = "policy.change_revision"
    parser_classes = [PlainTextParser, JSONParser]

    def post(self, request):
        if isinstance(request.data, str):
            body = {
                "text": request.data,
                **{k: v for k, v in request.query_params.items() if k in {"filename", "board"}},
            }
        else:
            body = request.data
        form = RevisionImportSerializer(data=body)
        form.is_valid(raise_exception=True)
        revision = services.import_revision(by=request.user, **form.validated_data)
        data = RevisionDetailSerializer(revision, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("guidelines/", RevisionList.as_view(), name="api_revision_list"),
    path("guidelines/<int:pk>/", RevisionDetail.as_view(), name="api_revision_detail"),
    path("guidelines/import/", RevisionImport.as_view(), name="api_revision_import"),
]
