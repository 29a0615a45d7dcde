from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("sessions/active", views.ActiveSessionsView.as_view(), name="active-sessions"),
    path("realtime", views.RealtimeView.as_view(), name="realtime"),
    path("history/summary", views.SummaryView.as_view(), name="history-summary"),
    path("history/breakdown", views.BreakdownView.as_view(), name="history-breakdown"),
    path("history/series", views.SeriesView.as_view(), name="history-series"),
    path("history/funnel", views.FunnelView.as_view(), name="history-funnel"),
    path("ops", views.OpsView.as_view(), name="ops-api"),
    path("sites", views.SiteList.as_view(), name="sites"),
    # any segment reaches the view, so the caller's credentials are checked before the site is
    re_path(r"^sites/(?P<site_id>[^/]*)/links$", views.SiteLinks.as_view(), name="site-links"),
    re_path(r"^sites/(?P<site_id>[^/]*)/links/(?P<key>[^/]*)$", views.SiteLink.as_view(), name="site-link"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[]), name="docs"),
]
