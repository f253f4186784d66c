"""The REST API: one `api.py` per app, all calling the same services as the views."""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="api_openapi"),
    path("", include("intraprenad.accounts.api")),
    path("", include("intraprenad.policy.api")),
    path("", include("intraprenad.cases.api")),
    path("", include("intraprenad.lifecycle.api")),
    path("", include("intraprenad.economy.api")),
]
