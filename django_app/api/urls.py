from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("sessions/active", views.ActiveSessionsView.as_view(), name="active-sessions"),
    path("realtime", views.RealtimeView.as_view(), name="realtime"),
    path("sites", views.SiteList.as_view(), name="sites"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[]), name="docs"),
]
