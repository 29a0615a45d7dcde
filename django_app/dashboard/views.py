from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from . import stack


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/index.html", {"outputs": stack.outputs(), "tables": stack.tables()})
