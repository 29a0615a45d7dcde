"""The demo shop: a few pages that carry the tracker, for presenters and browser tests."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .catalog import BY_SLUG, PRODUCTS


def _render(request: HttpRequest, template: str, **context: object) -> HttpResponse:
    context["tracker"] = {
        "site": "demo",
        "api": settings.LIVEINSIGHT_INGEST_URL,
        "automation": settings.LIVEINSIGHT_TRACK_AUTOMATION,
    }
    return render(request, f"demo/{template}.html", context)


def home(request: HttpRequest) -> HttpResponse:
    return _render(request, "home", featured=PRODUCTS[:2])


def products(request: HttpRequest) -> HttpResponse:
    return _render(request, "products", products=PRODUCTS)


def product(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in BY_SLUG:
        raise Http404("no such product")
    return _render(request, "product", product=BY_SLUG[slug])


def cart(request: HttpRequest) -> HttpResponse:
    return _render(request, "cart")


def checkout(request: HttpRequest) -> HttpResponse:
    return _render(request, "checkout")


def datasheet(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(b"%PDF-1.4\n% LiveInsight demo datasheet\n", content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="datasheet.pdf"'
    return response
