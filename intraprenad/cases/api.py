"""REST API for the case register, meetings and decisions (paragraphs).

Confidential titles and descriptions are masked exactly as in the UI (`Case.title_for`,
`Document.description_for`); meetings and their paragraphs are public once the minutes are
approved (`Meeting.objects.for_user`).
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from intraprenad.accounts.access import has_perm
from intraprenad.accounts.api import (
    ReadModelSerializer,
    ServiceAPIView,
    ServiceErrorsMixin,
    read_responses,
    require_anywhere,
    write_responses,
)
from intraprenad.accounts.models import OrgUnit

from . import services
from .models import Case, Document, Meeting, Paragraph


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return request.user if request is not None else None


class DocumentSerializer(ReadModelSerializer):
    counterpart = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "serial",
            "kind",
            "direction",
            "document_date",
            "counterpart",
            "description",
            "is_confidential",
            "supersedes",
            "has_file",
            "registered_at",
        ]

    def get_counterpart(self, document: Document) -> str:
        """Sender or recipient; left out of a confidential document for those who may not read it."""
        user = _user(self)
        if document.is_confidential and not has_perm(user, "cases.view_confidential", document):
            return ""
        return document.counterpart

    def get_description(self, document: Document) -> str:
        return document.description_for(_user(self))

    def get_has_file(self, document: Document) -> bool:
        return bool(document.file)


class CaseSerializer(ReadModelSerializer):
    title = serializers.SerializerMethodField()
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "case_number",
            "kind",
            "title",
            "is_confidential",
            "org_unit",
            "org_unit_name",
            "subject_unit",
            "status",
            "registered_at",
            "closed_at",
        ]

    def get_title(self, case: Case) -> str:
        return case.title_for(_user(self))


class ParagraphSerializer(ReadModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)
    date = serializers.DateField(source="meeting.date", read_only=True)
    case_number = serializers.CharField(source="case.case_number", read_only=True, default=None)

    class Meta:
        model = Paragraph
        fields = [
            "id",
            "reference",
            "short_reference",
            "body",
            "body_name",
            "meeting",
            "date",
            "year",
            "number",
            "case",
            "case_number",
            "title",
            "outcome",
            "decision_text",
            "reasons",
            "recorded_at",
        ]


class CaseDetailSerializer(CaseSerializer):
    documents = DocumentSerializer(many=True, read_only=True)
    decisions = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "documents", "decisions"]

    @extend_schema_field(ParagraphSerializer(many=True))
    def get_decisions(self, case: Case) -> list[dict]:
        paragraphs = visible_paragraphs(_user(self)).filter(case=case)
        return ParagraphSerializer(paragraphs, many=True, context=self.context).data


class MeetingSerializer(ReadModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "body", "body_name", "date", "location", "status", "minutes_approved_at", "adjusters"]


class MeetingDetailSerializer(MeetingSerializer):
    paragraphs = ParagraphSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "paragraphs"]


class RegisterCaseSerializer(serializers.Serializer):
    org_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), help_text="The responsible body, whose case series numbers the case."
    )
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Case.Kind.choices, default=Case.Kind.OTHER)
    subject_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), required=False, allow_null=True, default=None
    )
    is_confidential = serializers.BooleanField(default=False)
    public_title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RegisterDocumentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Document.Kind.choices, default=Document.Kind.OTHER)
    direction = serializers.ChoiceField(choices=Document.Direction.choices)
    description = serializers.CharField(max_length=300)
    document_date = serializers.DateField()
    counterpart = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_confidential = serializers.BooleanField(default=False)
    public_description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    supersedes = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(), required=False, allow_null=True, default=None
    )
    file = serializers.FileField(required=False, allow_null=True, default=None)


def visible_meetings(user):
    return Meeting.objects.for_user(user).select_related("body")


def visible_paragraphs(user):
    return (
        Paragraph.objects.filter(meeting__in=Meeting.objects.for_user(user))
        .select_related("body", "meeting", "case")
        .order_by("-meeting__date", "body__name", "-number")
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="cases_list",
        summary="The case register",
        description="Every case is listed; confidential titles are replaced by their public titles.",
        responses=read_responses(CaseSerializer(many=True), denied=()),
    ),
    post=extend_schema(
        operation_id="cases_register",
        summary="Register a case",
        request=RegisterCaseSerializer,
        responses=write_responses(CaseDetailSerializer),
    ),
)
class CaseListCreate(ServiceErrorsMixin, generics.ListAPIView):
    serializer_class = CaseSerializer

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    def get_queryset(self):
        return Case.objects.for_user(self.request.user).select_related("org_unit")

    def post(self, request):
        require_anywhere(request.user, "cases.register_case")
        form = RegisterCaseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        case = services.register_case(by=request.user, **form.validated_data)
        return Response(CaseDetailSerializer(case, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="cases_retrieve",
        summary="One case with its documents and decisions",
        responses=read_responses(CaseDetailSerializer),
    )
)
class CaseDetail(generics.RetrieveAPIView):
    serializer_class = CaseDetailSerializer

    def get_queryset(self):
        return Case.objects.for_user(self.request.user).select_related("org_unit").prefetch_related("documents")


@extend_schema_view(
    post=extend_schema(
        operation_id="cases_documents_register",
        summary="Register a document in a case",
        description="JSON, or multipart with an optional `file`.",
        request={"application/json": RegisterDocumentSerializer, "multipart/form-data": RegisterDocumentSerializer},
        responses=write_responses(DocumentSerializer),
    )
)
class DocumentRegister(ServiceAPIView):
    required_perm = "cases.register_document"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = RegisterDocumentSerializer

    def get_queryset(self):
        return Case.objects.for_user(self.request.user)

    def post(self, request, pk: int):
        case = self.checked(get_object_or_404(self.get_queryset(), pk=pk))
        form = RegisterDocumentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        upload = data.pop("file")
        if upload is not None:
            data.update(file_name=upload.name, content=upload.read())
        document = services.register_document(by=request.user, case=case, **data)
        return Response(DocumentSerializer(document, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="meetings_list",
        summary="Meetings of the decision-making bodies",
        description="Public once the minutes are approved; members and registrars also see planned and held meetings.",
        responses=read_responses(MeetingSerializer(many=True), denied=()),
    )
)
class MeetingList(generics.ListAPIView):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        return visible_meetings(self.request.user)


@extend_schema_view(
    get=extend_schema(
        operation_id="meetings_retrieve",
        summary="One meeting with its paragraphs",
        responses=read_responses(MeetingDetailSerializer),
    )
)
class MeetingDetail(generics.RetrieveAPIView):
    serializer_class = MeetingDetailSerializer

    def get_queryset(self):
        return visible_meetings(self.request.user).prefetch_related("paragraphs__body", "paragraphs__case")


@extend_schema_view(
    get=extend_schema(
        operation_id="decisions_list",
        summary="Decisions (paragraphs of minutes)",
        description="Each with its reference, e.g. `202300258-KSAU-§ 103`. Public once the minutes are approved.",
        responses=read_responses(ParagraphSerializer(many=True), denied=()),
    )
)
class DecisionList(generics.ListAPIView):
    serializer_class = ParagraphSerializer

    def get_queryset(self):
        return visible_paragraphs(self.request.user)


@extend_schema_view(
    get=extend_schema(
        operation_id="decisions_retrieve",
        summary="One decision",
        responses=read_responses(ParagraphSerializer),
    )
)
class DecisionDetail(generics.RetrieveAPIView):
    serializer_class = ParagraphSerializer

    def get_queryset(self):
        return visible_paragraphs(self.request.user)


urlpatterns = [
    path("cases/", CaseListCreate.as_view(), name="api_case_list"),
    path("cases/<int:pk>/", CaseDetail.as_view(), name="api_case_detail"),
    path("cases/<int:pk>/documents/", DocumentRegister.as_view(), name="api_document_register"),
    path("meetings/", MeetingList.as_view(), name="api_meeting_list"),
    path("meetings/<int:pk>/", MeetingDetail.as_view(), name="api_meeting_detail"),
    path("decisions/", DecisionList.as_view(), name="api_paragraph_list"),
    path("decisions/<int:pk>/", DecisionDetail.as_view(), name="api_paragraph_detail"),
]
