"""REST API for the organisation, and the small shared pieces every app's `api.py` uses.

Every API view either reads through `Model.objects.for_user(request.user)` (so "not yours" is
404, as in the UI) or calls exactly one service (which calls `require_perm`). `ServiceAPIView`
turns the services' Django exceptions into API responses: ValidationError -> 400 with
`{"detail": [messages]}` or `{field: [messages]}`, PermissionDenied -> 403.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, permissions, serializers
from rest_framework.permissions import IsAuthenticated

from .access import denied_message, has_perm
from .models import OrgUnit


def validation_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as the API's 400 body: field errors by field, the rest under `detail`."""
    if hasattr(error, "error_dict"):
        return {
            ("detail" if field == NON_FIELD_ERRORS else field): list(messages)
            for field, messages in error.message_dict.items()
        }
    return {"detail": list(error.messages)}


class ServiceErrorsMixin:
    """Map the exceptions services raise to DRF's, keeping their Swedish messages."""

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(validation_detail(exc))
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        return super().handle_exception(exc)


def require_anywhere(user, perm: str) -> None:
    """403 (before the body is read) unless `user` holds `perm` on some unit; the service checks the scope."""
    if not has_perm(user, perm):
        raise exceptions.PermissionDenied(denied_message(perm))


class HoldsStepPermission(permissions.BasePermission):
    """A write endpoint's `required_perm`, checked before the request body is read: the user must hold it
    somewhere to use the endpoint at all, and on the object once the view has fetched it (the view calls
    `checked(obj)`). The service checks again; this only makes a refusal come before validation (403, not 400).
    """

    def has_permission(self, request, view) -> bool:
        perm = getattr(view, "required_perm", None)
        if perm is None:
            return True
        self.message = denied_message(perm)
        return has_perm(request.user, perm)

    def has_object_permission(self, request, view, obj) -> bool:
        perm = getattr(view, "required_perm", None)
        if perm is None:
            return True
        self.message = denied_message(perm)
        return has_perm(request.user, perm, obj)


class ServiceAPIView(ServiceErrorsMixin, generics.GenericAPIView):
    # A write endpoint calling one service: anonymous -> 401; without `required_perm` -> 403 before the body
    # is validated; the service then checks the permission on the object again and applies its rules.
    permission_classes = [IsAuthenticated, HoldsStepPermission]
    required_perm: str | None = None

    def checked(self, obj):
        """`obj`, once the user is known to hold `required_perm` on it (else 403)."""
        self.check_object_permissions(self.request, obj)
        return obj


class HoldsPermission(permissions.BasePermission):
    """Allow users who hold `view.required_perm` somewhere (anonymous -> 401, others without it -> 403)."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        return has_perm(request.user, view.required_perm)


class MessageSerializer(serializers.Serializer):
    """Body of 401, 403 and 404 responses."""

    detail = serializers.CharField()


class ValidationErrorSerializer(serializers.Serializer):
    """Body of 400 responses: messages under `detail`, or lists of messages by field name."""

    detail = serializers.ListField(child=serializers.CharField(), required=False)


def read_responses(serializer, *, denied: tuple[int, ...] = (404,)) -> dict:
    responses = {200: serializer}
    descriptions = {
        401: "Not logged in.",
        403: "Not permitted.",
        404: "Not found, or not visible to you.",
    }
    for status in denied:
        responses[status] = OpenApiResponse(MessageSerializer, description=descriptions[status])
    return responses


def write_responses(serializer, *, status: int = 201) -> dict:
    """The responses of a service endpoint: success, refusal (400), not logged in, not permitted, not found."""
    return {
        status: serializer,
        400: OpenApiResponse(ValidationErrorSerializer, description="Refused: what is wrong and where."),
        401: OpenApiResponse(MessageSerializer, description="Not logged in."),
        403: OpenApiResponse(MessageSerializer, description="Not permitted."),
        404: OpenApiResponse(MessageSerializer, description="Not found, or not visible to you."),
    }


# A response serializer: model choices are plain strings (values listed in the field's description).
# Several models share field names such as `kind` and `status` with different choice sets; as strings
# they do not collide in the OpenAPI document. Request serializers keep `ChoiceField`.
# (A comment, not a docstring: drf-spectacular would copy a docstring into every response component.)
class ReadModelSerializer(serializers.ModelSerializer):
    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        choices = kwargs.pop("choices", None)
        if choices is not None:
            field_class = serializers.CharField
            kwargs["help_text"] = "One of: " + ", ".join(str(value) for value in dict(choices))
        return field_class, kwargs


class OrgUnitSerializer(ReadModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "parent",
            "case_series",
            "service_type",
            "is_active",
        ]


class OrgUnitReadMixin:
    serializer_class = OrgUnitSerializer
    permission_classes = [HoldsPermission]
    required_perm = "accounts.view_organisation"
    queryset = OrgUnit.objects.order_by("kind", "name")


@extend_schema_view(
    get=extend_schema(
        operation_id="organisation_units_list",
        summary="Organisational units",
        description="The whole organisation tree as a flat list; `parent` links a unit to the one above.",
        responses=read_responses(OrgUnitSerializer(many=True), denied=(401, 403)),
    )
)
class OrgUnitList(OrgUnitReadMixin, generics.ListAPIView):
    pass


@extend_schema_view(
    get=extend_schema(
        operation_id="organisation_units_retrieve",
        summary="One organisational unit",
        responses=read_responses(OrgUnitSerializer, denied=(401, 403, 404)),
    )
)
class OrgUnitDetail(OrgUnitReadMixin, generics.RetrieveAPIView):
    pass


urlpatterns = [
    path("organisation/units/", OrgUnitList.as_view(), name="api_orgunit_list"),
    path("organisation/units/<int:pk>/", OrgUnitDetail.as_view(), name="api_orgunit_detail"),
]
