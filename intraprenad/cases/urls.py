from django.urls import path

from . import views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("nytt/", views.case_register, name="case_register"),
    path("motion/ny/", views.motion_register, name="motion_register"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/avsluta/", views.case_close, name="case_close"),
    path("<int:pk>/remittera/", views.case_refer, name="case_refer"),
    path("<int:pk>/motion/paragraf/", views.motion_link_paragraph, name="motion_link_paragraph"),
    path("<int:pk>/handlingar/ny/", views.document_register, name="document_register"),
    path("<int:pk>/handlingar/<int:serial>/rattelse/", views.document_correct, name="document_correct"),
    path("<int:pk>/handlingar/<int:serial>/fil/", views.document_file, name="document_file"),
    path("remisser/<int:pk>/besvara/", views.referral_answer, name="referral_answer"),
    path("sammantraden/", views.meeting_list, name="meeting_list"),
    path("sammantraden/nytt/", views.meeting_create, name="meeting_create"),
    path("sammantraden/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("sammantraden/<int:pk>/genomfort/", views.meeting_hold, name="meeting_hold"),
    path("sammantraden/<int:pk>/justera/", views.meeting_approve, name="meeting_approve"),
    path("sammantraden/<int:pk>/paragrafer/ny/", views.paragraph_record, name="paragraph_record"),
]
