from django.urls import path

from intraprenad.economy.views import ledger as views

urlpatterns = [
    path("huvudbok/", views.ledger_imports, name="economy_ledger"),
    path("huvudbok/importer/<int:pk>/", views.import_detail, name="economy_import_detail"),
    path("huvudbok/importer/<int:pk>/status/", views.import_status, name="economy_import_status"),
    path("huvudbok/mall.<str:fmt>", views.ledger_template, name="economy_ledger_template"),
    path("koppling/", views.mapping, name="economy_mapping"),
    path("koppling/dimension/", views.mapping_dimension, name="economy_mapping_dimension"),
    path("koppling/konton/", views.mapping_rules, name="economy_mapping_rules"),
    path("koppling/enhet/", views.mapping_unit, name="economy_mapping_unit"),
    path("transaktioner/", views.drilldown, name="economy_drilldown"),
    path("verifikationer/<int:pk>/", views.voucher_detail, name="economy_voucher"),
]
