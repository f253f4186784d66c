from django.urls import path

from intraprenad.economy.views import budget as views

urlpatterns = [
    path("enheter/<int:pk>/budget/", views.budget_list, name="economy_budgets"),
    path("enheter/<int:pk>/budget/ny/", views.budget_create, name="economy_budget_create"),
    path("budgetar/<int:pk>/", views.budget_detail, name="economy_budget_detail"),
    path("budgetar/<int:pk>/spara/", views.budget_update, name="economy_budget_update"),
    path("budgetar/<int:pk>/faststall/", views.budget_approve, name="economy_budget_approve"),
    path("budgetar/<int:pk>/ny-version/", views.budget_new_version, name="economy_budget_new_version"),
    path("budgetar/<int:pk>/ta-bort/", views.budget_delete, name="economy_budget_delete"),
    path("index/", views.index_table, name="economy_index"),
    path("budget/import/", views.budget_import, name="economy_budget_import"),
    path("budget/mall.<str:fmt>", views.budget_template, name="economy_budget_template"),
]
