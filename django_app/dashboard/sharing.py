"""Shared links from the dashboard: a site owner makes, lists and revokes them, and a shared
link's big-screen view for projectors carries a QR code of the link (SVG, drawn here)."""

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from sites_app.models import LinksFull, SharedLink
from sites_app.registry import owned


class NewLink(forms.Form):
    label = forms.CharField(max_length=100, required=False)
    days = forms.IntegerField(min_value=1, max_value=3650, required=False,
                              help_text="it stops working after this many days; empty: never")


def public_url(request: HttpRequest, path: str) -> str:
    """An address phones in the room can open: LIVEINSIGHT_PUBLIC_URL when set (the
    dashboard as others reach it), else this request's own."""
    base = settings.LIVEINSIGHT_PUBLIC_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@login_required
@require_http_methods(["GET", "POST"])
def links(request: HttpRequest, site_id: str) -> HttpResponse:
    site = owned(request.user, site_id)
    if site is None:
        raise Http404("no such site")
    form, made = NewLink(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        try:
            link, token = SharedLink.make(site, form.cleaned_data["days"], form.cleaned_data["label"])
        except LinksFull as full:
            form.add_error(None, str(full))
        else:  # the token is shown this once: only its hash is kept
            made = {"link": link, "live": public_url(request, reverse("shared-live", args=[token])),
                    "screen": public_url(request, reverse("shared-screen", args=[token]))}
            form = NewLink()
    return render(request, "dashboard/links.html", {"site": site, "sites": request.user.sites.all(),
                                                    "links": site.links.all(), "form": form, "made": made},
                  status=201 if made else 400 if form.errors else 200)


@login_required
@require_POST
def revoke(request: HttpRequest, site_id: str, key: str) -> HttpResponse:
    site = owned(request.user, site_id)
    if site is None or not site.links.filter(key=key).delete()[0]:
        raise Http404("no such link")
    return redirect("links", site_id=site.site_id)


def screen(request: HttpRequest, token: str) -> HttpResponse:
    """A shared link's live page for a projector: large figures, the per-minute chart, the
    pages being read now, and a QR code of the link for the room's phones."""
    link = SharedLink.find(token)
    if link is None:
        raise Http404("no such link")
    url = public_url(request, reverse("shared-live", args=[token]))
    qr = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, dark="#17212b", light="#ffffff",
                                               title="QR code of this page's shared link")
    return render(request, "dashboard/screen.html", {"site": link.site, "shared": token, "url": url, "qr": qr,
                                                     "stream_url": reverse("shared-stream", args=[token])})
