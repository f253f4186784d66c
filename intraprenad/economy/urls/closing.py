from django.urls import path

from intraprenad.economy.views import closing as views

urlpatterns = [
    path("arsbokslut/", views.closing_list, name="economy_closings"),
    path("arsbokslut/forbered/", views.closing_prepare, name="economy_closing_prepare"),
    path("arsbokslut/<int:pk>/", views.closing_detail, name="economy_closing_detail"),
    path("arsbokslut/<int:pk>/beslut/", views.closing_decide, name="economy_closing_decide"),
    path("arsbokslut/<int:pk>/omprova/", views.closing_reopen, name="economy_closing_reopen"),
    path("enheter/<int:pk>/resultatfond/", views.fund_detail, name="economy_fund"),
    path("enheter/<int:pk>/resultatfond/anvandning/", views.fund_use, name="economy_fund_use"),
    path("atgardsplaner/<int:pk>/", views.action_plan_detail, name="economy_action_plan"),
    path("atgardsplaner/<int:pk>/spara/", views.action_plan_update, name="economy_action_plan_update"),
    path("atgardsplaner/<int:pk>/atgarder/", views.action_measure_add, name="economy_action_measure_add"),
    path("atgardsplaner/<int:pk>/uppfoljningar/", views.action_follow_up_add, name="economy_action_follow_up_add"),
    path("atgardsplaner/<int:pk>/aterstalld/", views.action_plan_restore, name="economy_action_plan_restore"),
    path("atgarder/<int:pk>/status/", views.action_measure_update, name="economy_action_measure_update"),
]
