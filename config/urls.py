from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("intraprenad.lifecycle.urls")),
    path("", include("intraprenad.accounts.urls")),
    path("diarium/", include("intraprenad.cases.urls")),
    path("riktlinjer/", include("intraprenad.policy.urls")),
    path("ekonomi/", include("intraprenad.economy.urls")),
    path("api/", include("config.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
