"""The REST API: small views over service modules. Every site-scoped call answers 404
for a site the caller does not own, and 400 naming a bad parameter."""

import datetime as dt
import time

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from sites_app.models import SITE_ID, LinksFull, SharedLink, Site
from sites_app.registry import owned, publish

from . import history, operations, serializers, services


def _site(request: Request, query: type[serializers.SiteQuery]) -> tuple[Site, dict]:
    params = query(data=request.query_params)
    params.is_valid(raise_exception=True)
    site = owned(request.user, params.validated_data["site"])
    if site is None:
        raise NotFound("no such site")
    return site, params.validated_data


class ActiveSessionsView(APIView):
    @extend_schema(parameters=[serializers.ActiveQuery], responses=serializers.ActiveSessions)
    def get(self, request: Request) -> Response:
        """The sessions active on a site now (an event in the current minute or the five before),
        most recent first, as read at `at` (at most about half a second ago), and how many there are."""
        site, params = _site(request, serializers.ActiveQuery)
        read_at, current = services.watcher.latest(site.site_id)
        return Response({"site": site.site_id, "at": read_at, "count": current["count"],
                         "sessions": current["sessions"][:params["limit"]]})


class RealtimeView(APIView):
    @extend_schema(parameters=[serializers.RealtimeQuery], responses=serializers.Realtime)
    def get(self, request: Request) -> Response:
        """Active visitors now, per-minute numbers, and the pages and sources of those active now."""
        site, params = _site(request, serializers.RealtimeQuery)
        data = services.realtime(site.site_id, int(time.time() * 1000), params["minutes"], params["top"])
        return Response({"site": site.site_id, **data})


class SummaryView(APIView):
    @extend_schema(parameters=[serializers.RangeQuery], responses=serializers.Summary)
    def get(self, request: Request) -> Response:
        """Visitors, sessions, page views, bounces, engagement and conversions over a range of UTC days."""
        site, params = _site(request, serializers.RangeQuery)
        return Response({"site": site.site_id, **history.summary(site.site_id, params["from"], params["to"])})


class BreakdownView(APIView):
    @extend_schema(parameters=[serializers.BreakdownQuery], responses=serializers.Breakdown)
    def get(self, request: Request) -> Response:
        """The top values of one dimension over a range of days: page views per page, sessions per
        entry page, exit page, referrer, UTM source/medium/campaign, browser, OS or device class."""
        site, params = _site(request, serializers.BreakdownQuery)
        data = history.breakdown(site.site_id, params["from"], params["to"], params["dimension"], params["limit"])
        return Response({"site": site.site_id, **data})


class SeriesView(APIView):
    @extend_schema(parameters=[serializers.SeriesQuery], responses=serializers.Series)
    def get(self, request: Request) -> Response:
        """Page views, visitors, sessions, bounces and conversions per minute, hour or day."""
        site, params = _site(request, serializers.SeriesQuery)
        points = history.series(site.site_id, params["from"], params["to"], params["interval"])
        return Response({"site": site.site_id, "interval": params["interval"], "points": points})


class FunnelView(APIView):
    @extend_schema(parameters=[serializers.FunnelQuery], responses=serializers.Funnel)
    def get(self, request: Request) -> Response:
        """Sessions that reached each step of one of the site's funnels, in order, over a range of days."""
        site, params = _site(request, serializers.FunnelQuery)
        definition = next((f for f in site.funnels if f["name"] == params["funnel"]), None)
        if definition is None:
            raise ValidationError({"funnel": f"the site has no funnel {params['funnel']!r}"})
        data = history.funnel(site.site_id, params["from"], params["to"], definition)
        return Response({"site": site.site_id, **data})


class OpsView(APIView):
    permission_classes = [permissions.IsAdminUser]

    @extend_schema(parameters=[serializers.OpsQuery], responses=serializers.Ops)
    def get(self, request: Request) -> Response:
        """The ingest's CloudWatch metrics per minute and the stack's alarms (staff only)."""
        params = serializers.OpsQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = operations.metrics(dt.datetime.now(dt.UTC), params.validated_data["minutes"])
        return Response({**data, "alarms": operations.alarms(), **operations.events()})


class SiteList(generics.ListCreateAPIView):
    """The caller's sites; registering one publishes its allowed origins to the ingest."""

    serializer_class = serializers.SiteSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Site.objects.filter(owner=self.request.user)

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        publish(serializer.save(owner=self.request.user))


def _owned_site(request: Request, site_id: str) -> Site:
    site = owned(request.user, site_id)
    if site is None:
        raise NotFound("no such site")
    return site


SITE_PATH = OpenApiParameter("site_id", str, OpenApiParameter.PATH, pattern=SITE_ID.regex.pattern,
                             description="the site's id")
KEY_PATH = OpenApiParameter("key", str, OpenApiParameter.PATH, pattern=r"^[A-Za-z0-9_-]{12}$",
                            description="the link's key: the first 12 characters of its token")


class SiteLinks(APIView):
    @extend_schema(parameters=[SITE_PATH], responses=serializers.SharedLinkSerializer(many=True))
    def get(self, request: Request, site_id: str) -> Response:
        """The site's shared links: read-only views of its live page and history that need no login."""
        links = _owned_site(request, site_id).links.all()
        return Response(serializers.SharedLinkSerializer(links, many=True).data)

    @extend_schema(parameters=[SITE_PATH], request=serializers.NewSharedLink,
                   responses={201: serializers.MadeSharedLink})
    def post(self, request: Request, site_id: str) -> Response:
        """A new shared link; its token is in the answer this once (only its hash is kept)."""
        site = _owned_site(request, site_id)
        asked = serializers.NewSharedLink(data=request.data)
        asked.is_valid(raise_exception=True)
        try:
            link, token = SharedLink.make(site, asked.validated_data.get("days"), asked.validated_data["label"])
        except LinksFull as full:
            raise ValidationError({"detail": str(full)}) from None
        link.token, link.url = token, request.build_absolute_uri(reverse("shared-live", args=[token]))
        return Response(serializers.MadeSharedLink(link).data, status=201)


class SiteLink(APIView):
    @extend_schema(parameters=[SITE_PATH, KEY_PATH], responses={204: None})
    def delete(self, request: Request, site_id: str, key: str) -> Response:
        """Revoke a shared link: its pages answer 404, and its open streams end within seconds."""
        gone, _ = _owned_site(request, site_id).links.filter(key=key).delete()
        if not gone:
            raise NotFound("no such link")
        return Response(status=204)
