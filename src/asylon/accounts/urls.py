from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.second_factor, name="second_factor"),
    path("two-factor/enrol/", views.enrol_second_factor, name="enrol_second_factor"),
    path("preferences/", views.preferences, name="preferences"),
]
