"""The OpenAPI schema's error answers, which every operation shares: drf-spectacular
documents only the successful one, and clients (and schemathesis) should know the rest."""

from typing import Any

DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
ERRORS = {
    "400": ("A parameter is missing or invalid; the body names each one.", {"type": "object"}),
    "401": ("No credentials, or a token that is unknown, revoked or expired.", DETAIL),
    "403": ("Signed in, but not allowed this (the operations view is for staff).", DETAIL),
    "404": ("No such site among those you own (or no such link of it).", DETAIL),
    "503": ("The analytics tables cannot be read just now; retry after Retry-After seconds.", DETAIL),
}


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """A postprocessing hook: add the shared error answers to every /api/ operation."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            scoped = any(p.get("name") in ("site", "site_id") for p in operation.get("parameters", []))
            for status, (description, schema) in ERRORS.items():
                if status == "404" and not scoped:
                    continue
                operation["responses"].setdefault(status, {
                    "description": description, "content": {"application/json": {"schema": schema}}})
    return result
