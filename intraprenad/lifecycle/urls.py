from django.urls import path

from . import views

urlpatterns = [
    path("", views.intraprenad_list, name="home"),
    path("intraprenader/intresseanmalan/", views.intraprenad_register_interest, name="intraprenad_register_interest"),
    path("intraprenader/namndinitiativ/", views.intraprenad_start_by_board, name="intraprenad_start_by_board"),
    path("intraprenader/<int:pk>/", views.intraprenad_detail, name="intraprenad_detail"),
    path("intraprenader/<int:pk>/aterkalla/", views.intraprenad_withdraw, name="intraprenad_withdraw"),
    # training
    path("intraprenader/<int:pk>/utbildning/", views.training_detail, name="training_detail"),
    path("intraprenader/<int:pk>/utbildning/erbjud/", views.training_offer, name="training_offer"),
    path("intraprenader/<int:pk>/utbildning/tillfallen/", views.training_session_add, name="training_session_add"),
    path("intraprenader/<int:pk>/utbildning/presentation/", views.training_presentation, name="training_presentation"),
    path("intraprenader/<int:pk>/utbildning/avsluta/", views.training_complete, name="training_complete"),
    path(
        "utbildningstillfallen/<int:pk>/narvaro/",
        views.training_session_attendance,
        name="training_session_attendance",
    ),
    # application
    path("intraprenader/<int:pk>/ansokan/", views.application_start, name="application_start"),
    path("ansokningar/<int:pk>/", views.application_detail, name="application_detail"),
    path("ansokningar/<int:pk>/redigera/", views.application_edit, name="application_edit"),
    path("ansokningar/<int:pk>/budget/", views.application_budget, name="application_budget"),
    path("ansokningar/<int:pk>/skicka-in/", views.application_submit, name="application_submit"),
    path("ansokningar/<int:pk>/bered/", views.application_prepare, name="application_prepare"),
    path("ansokningar/<int:pk>/beslut/", views.application_decide, name="application_decide"),
    path("ansokningar/<int:pk>/overenskommelse/", views.agreement_start, name="agreement_start"),
    # agreement
    path("overenskommelser/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("overenskommelser/<int:pk>/redigera/", views.agreement_edit, name="agreement_edit"),
    path("overenskommelser/<int:pk>/beslut/", views.agreement_decide, name="agreement_decide"),
    path("overenskommelser/<int:pk>/underteckna/", views.agreement_sign, name="agreement_sign"),
    path("overenskommelser/<int:pk>/fornya/", views.agreement_renew, name="agreement_renew"),
    path("overenskommelser/<int:pk>/ladda-ner/<str:fmt>/", views.agreement_download, name="agreement_download"),
    # termination
    path("intraprenader/<int:pk>/upphavande/", views.termination_propose, name="termination_propose"),
    path("upphavanden/<int:pk>/tjansteskrivelse/", views.termination_memo, name="termination_memo"),
    path("upphavanden/<int:pk>/beslut/", views.termination_decide, name="termination_decide"),
    # generated documents
    path("tjansteskrivelser/<int:pk>/ladda-ner/<str:fmt>/", views.memo_download, name="memo_download"),
]
