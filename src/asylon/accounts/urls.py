from django.contrib.auth import views as auth_views
from django.urls import path

from . import user_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.second_factor, name="second_factor"),
    path("two-factor/enrol/", views.enrol_second_factor, name="enrol_second_factor"),
    path("preferences/", views.preferences, name="preferences"),
    path("users/", user_views.user_list, name="user_list"),
    path("users/new/", user_views.user_new, name="user_new"),
    path("users/<int:pk>/", user_views.user_detail, name="user_detail"),
    path("users/<int:pk>/reset-password/", user_views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/enrolment-code/", user_views.user_enrolment_code, name="user_enrolment_code"),
]
