"""The dashboard pages, and the stream that keeps the live page current."""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from api import history, serializers, services
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required, user_passes_test
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from sites_app.models import SharedLink
from sites_app.registry import owned

from . import fanout, streams

KEEPALIVE_S = 15.0  # seconds at most between writes to an idle stream


@login_required
def index(request: HttpRequest) -> HttpResponse:
    first = request.user.sites.first()
    if first is None:
        return render(request, "dashboard/no_sites.html")
    return redirect("live", site_id=first.site_id)


@login_required
def live(request: HttpRequest, site_id: str) -> HttpResponse:
    site = owned(request.user, site_id)
    if site is None:
        raise Http404("no such site")
    return render(request, "dashboard/live.html", {"site": site, "sites": request.user.sites.all()})


TITLES = {"pages": "Pages", "entry_pages": "Entry pages", "exit_pages": "Exit pages", "referrers": "Referrers",
          "utm_source": "UTM source", "utm_medium": "UTM medium", "utm_campaign": "UTM campaign",
          "browsers": "Browsers", "os": "Operating systems", "devices": "Devices", "goals": "Goals"}


@login_required
def history_page(request: HttpRequest, site_id: str) -> HttpResponse:
    """A range of days: totals, a chart per day (per hour up to two days), breakdowns, funnels."""
    site = owned(request.user, site_id)
    if site is None:
        raise Http404("no such site")
    return _history(request, site, {"sites": request.user.sites.all()})


def _history(request: HttpRequest, site: Any, extra: dict[str, Any]) -> HttpResponse:
    first, last, errors = _range(request, site.site_id)
    interval = "hour" if (last - first).days < 2 else "day"
    tables = history.breakdowns(site.site_id, first, last, limit=10)
    for table in tables:
        table["title"] = TITLES[table["dimension"]]
    return render(request, "dashboard/history.html", {
        **extra, "site": site, "first": first, "last": last, "errors": errors,
        "summary": history.summary(site.site_id, first, last), "interval": interval,
        "series": {"interval": interval, "points": history.series(site.site_id, first, last, interval)},
        "breakdowns": tables,
        "funnels": [history.funnel(site.site_id, first, last, f) for f in site.funnels],
    })


def _range(request: HttpRequest, site_id: str) -> tuple[Any, Any, dict[str, Any]]:
    """The days asked for; the default week, with the problems named, if they are not valid."""
    query = serializers.RangeQuery(data={**request.GET.dict(), "site": site_id})
    if query.is_valid():
        return query.validated_data["from"], query.validated_data["to"], {}
    fallback = serializers.RangeQuery(data={"site": site_id})
    fallback.is_valid(raise_exception=True)
    return fallback.validated_data["from"], fallback.validated_data["to"], dict(query.errors)


@login_required
@user_passes_test(lambda user: user.is_staff)
def ops(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/ops.html", {"sites": request.user.sites.all()})


hub = fanout.Hub(services.watcher.read_at, lambda site_id: services.snapshot(site_id, int(time.time() * 1000)),
                 streams.upkeep, streams.RENEW_SECONDS)


async def stream(request: HttpRequest, site_id: str) -> HttpResponse:
    """Server-Sent Events: the realtime numbers, sent whenever they change. A stream ends after
    LIVEINSIGHT_STREAM_SECONDS or as soon as its sign-in ends (the browser then reconnects, and
    is asked to sign in again); a user holds at most LIVEINSIGHT_STREAMS_PER_USER at once."""
    user = await request.auser()
    if not user.is_authenticated or not request.session.session_key:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    if await sync_to_async(owned)(user, site_id) is None:
        raise Http404("no such site")
    place = await sync_to_async(streams.open_stream)(user, request.session.session_key)
    if place is None:
        limit = settings.LIVEINSIGHT_STREAMS_PER_USER
        return JsonResponse({"detail": f"at most {limit} live streams at once; close one"}, status=429,
                            headers={"Retry-After": str(streams.RENEW_SECONDS)})
    return _event_stream(fanout.Viewer(site_id, place, ("user", (request.session.session_key, user.pk))))


def _event_stream(viewer: fanout.Viewer) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_changes(viewer), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _changes(viewer: fanout.Viewer) -> AsyncIterator[str]:
    # the request's database connection goes back now, not when the stream ends: the
    # fan-out's upkeep renews every stream's place in one batch of its own
    await sync_to_async(connections.close_all)()
    hub.join(viewer)
    try:
        async for chunk in _pushes(viewer):
            yield chunk
    finally:
        hub.leave(viewer)
        await asyncio.shield(sync_to_async(streams.close)(viewer.place))


async def _pushes(viewer: fanout.Viewer) -> AsyncIterator[str]:
    ends = time.monotonic() + settings.LIVEINSIGHT_STREAM_SECONDS
    version = 0
    while True:
        left = ends - time.monotonic()
        if left <= 0:
            yield "event: end\ndata: {\"reason\":\"lifetime\"}\n\n"
            return
        body, version = await hub.next(viewer, version, min(KEEPALIVE_S, left))
        if viewer.ended is not None:
            yield f"event: end\ndata: {json.dumps({'reason': viewer.ended})}\n\n"
            return
        # a comment keeps proxies from closing an idle stream
        yield ": still here\n\n" if body is None else f"event: realtime\ndata: {body}\n\n"


def _shared(token: str) -> SharedLink:
    link = SharedLink.find(token)
    if link is None:
        raise Http404("no such link")
    return link


def shared_live(request: HttpRequest, token: str) -> HttpResponse:
    """A site's live page through a shared link: no login, read only, no visitor ids."""
    link = _shared(token)
    return render(request, "dashboard/live.html", {"site": link.site, "shared": token,
                                                   "stream_url": reverse("shared-stream", args=[token])})


def shared_history(request: HttpRequest, token: str) -> HttpResponse:
    link = _shared(token)
    return _history(request, link.site, {"shared": token})


async def shared_stream(request: HttpRequest, token: str) -> HttpResponse:
    """The live page's stream through a shared link: it ends when the link is revoked or
    expires, and a link serves at most LIVEINSIGHT_STREAMS_PER_LINK at once."""
    link = await sync_to_async(SharedLink.find)(token)
    if link is None:
        raise Http404("no such link")
    place = await sync_to_async(streams.open_shared)(link)
    if place is None:
        limit = settings.LIVEINSIGHT_STREAMS_PER_LINK
        return JsonResponse({"detail": f"this link serves at most {limit} viewers at once"}, status=429,
                            headers={"Retry-After": str(streams.RENEW_SECONDS)})
    return _event_stream(fanout.Viewer(link.site.site_id, place, ("link", link.pk)))
