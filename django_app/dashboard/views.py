"""The dashboard pages, and the stream that keeps the live page current."""

import asyncio
import json
import time
from collections.abc import AsyncIterator

from api import services
from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from sites_app.registry import owned

PUSH_INTERVAL = 0.5  # seconds between looks at the tables; a change reaches the page within a second


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


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


async def stream(request: HttpRequest, site_id: str) -> HttpResponse:
    """Server-Sent Events: the realtime numbers, sent whenever they change."""
    user = await request.auser()
    if not user.is_authenticated:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    if await sync_to_async(owned)(user, site_id) is None:
        raise Http404("no such site")
    response = StreamingHttpResponse(_changes(site_id), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _changes(site_id: str) -> AsyncIterator[str]:
    last = None
    while True:
        data = await asyncio.to_thread(services.snapshot, site_id, int(time.time() * 1000))
        body = json.dumps(data, separators=(",", ":"))
        if body != last:
            last = body
            yield f"event: realtime\ndata: {body}\n\n"
        else:
            yield ": still here\n\n"  # a comment keeps proxies from closing an idle stream
        await asyncio.sleep(PUSH_INTERVAL)
