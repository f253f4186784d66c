from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("logga-in/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisation/", views.organisation_page, name="organisation_page"),
]
