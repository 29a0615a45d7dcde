"""`/healthz` answered before any other middleware, so a load balancer's health check
(addressed to the task's IP, not an allowed host) gets 200, not 400."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


class HealthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"ok": True})
        return self.get_response(request)
