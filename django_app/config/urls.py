from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("api/", include("api.urls")),
    path("demo/", include("demo.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("dashboard.urls")),
]
