"""`/healthz` answered before any other middleware, so a load balancer's health check
(addressed to the task's IP, not an allowed host) gets 200, not 400; and a page that finds
no database connection to spare answers 503, as the API does."""

from collections.abc import Callable

from api.errors import BUSY
from config import database
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin


class HealthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"ok": True})
        return self.get_response(request)


class BusyMiddleware(MiddlewareMixin):
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database.busy(exception):
            return JsonResponse(BUSY, status=503, headers={"Retry-After": "5"})
        return None
