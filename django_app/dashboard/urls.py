from django.urls import path

from . import sharing, views

urlpatterns = [
    path("", views.index, name="index"),
    path("sites/<slug:site_id>/", views.live, name="live"),
    path("sites/<slug:site_id>/stream", views.stream, name="stream"),
    path("sites/<slug:site_id>/history", views.history_page, name="history"),
    path("sites/<slug:site_id>/links", sharing.links, name="links"),
    path("sites/<slug:site_id>/links/<str:key>/revoke", sharing.revoke, name="revoke-link"),
    path("ops", views.ops, name="ops"),
    path("share/<str:token>/", views.shared_live, name="shared-live"),
    path("share/<str:token>/stream", views.shared_stream, name="shared-stream"),
    path("share/<str:token>/history", views.shared_history, name="shared-history"),
    path("share/<str:token>/screen", sharing.screen, name="shared-screen"),
]
