from django.urls import include, path

urlpatterns = [
    path("demo/", include("demo.urls")),
    path("", include("dashboard.urls")),
]
