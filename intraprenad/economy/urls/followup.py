from django.urls import path

from intraprenad.economy.views import followup as views

urlpatterns = [
    path("uppfoljning/", views.economy_overview, name="economy_overview"),
    path("uppfoljning/export.<str:fmt>", views.economy_overview_export, name="economy_overview_export"),
    path("enheter/<int:pk>/uppfoljning/", views.economy_unit, name="economy_unit"),
    path("enheter/<int:pk>/uppfoljning/export.<str:fmt>", views.economy_unit_export, name="economy_unit_export"),
    path("enheter/<int:pk>/prognos/", views.economy_forecast, name="economy_forecast"),
    path("varningar/", views.economy_warnings, name="economy_warnings"),
    path("varningar/<int:pk>/kvittera/", views.economy_warning_acknowledge, name="economy_warning_acknowledge"),
]
