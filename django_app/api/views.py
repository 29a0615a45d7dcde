"""The REST API: small views over service modules. Every site-scoped call answers 404
for a site the caller does not own, and 400 naming a bad parameter."""

import time

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from sites_app.models import Site
from sites_app.registry import owned, publish

from . import serializers, services


def _site(request: Request, query: type[serializers.SiteQuery]) -> tuple[Site, dict]:
    params = query(data=request.query_params)
    params.is_valid(raise_exception=True)
    site = owned(request.user, params.validated_data["site"])
    if site is None:
        raise NotFound("no such site")
    return site, params.validated_data


class ActiveSessionsView(APIView):
    @extend_schema(parameters=[serializers.SiteQuery], responses=serializers.ActiveSessions)
    def get(self, request: Request) -> Response:
        """The sessions active on a site now (an event in the last 5 minutes), most recent first."""
        site, _ = _site(request, serializers.SiteQuery)
        sessions = services.active(site.site_id, int(time.time() * 1000))
        return Response({"site": site.site_id, "count": len(sessions), "sessions": sessions})


class RealtimeView(APIView):
    @extend_schema(parameters=[serializers.RealtimeQuery], responses=serializers.Realtime)
    def get(self, request: Request) -> Response:
        """Active visitors now, per-minute numbers, and the pages and sources of those active now."""
        site, params = _site(request, serializers.RealtimeQuery)
        data = services.realtime(site.site_id, int(time.time() * 1000), params["minutes"], params["top"])
        return Response({"site": site.site_id, **data})


class SiteList(generics.ListCreateAPIView):
    """The caller's sites; registering one publishes its allowed origins to the ingest."""

    serializer_class = serializers.SiteSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Site.objects.filter(owner=self.request.user)

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        publish(serializer.save(owner=self.request.user))
