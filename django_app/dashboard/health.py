"""`/healthz` answered before any other middleware, so a load balancer's health check
(addressed to the task's IP, not an allowed host) gets 200, not 400; and a request that
finds no database connection to spare, a page or the API (DRF passes the error on), gets a
503 to retry."""

from collections.abc import Callable

from config import database
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.deprecation import MiddlewareMixin

BUSY = {"detail": "the dashboard's database is busy; retry"}


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
