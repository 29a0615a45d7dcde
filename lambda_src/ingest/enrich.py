"""Server-derived fields: received time, UTM, browser/OS/device, bot flag, clock skew.

Only the fields the protocol defines are kept; anything else a client sends
(an ip or user_agent field, say) is dropped, and the request's own facts are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ua_parser import parse as parse_ua

CLIENT_FIELDS = ("event_id", "type", "site_id", "visitor_id", "session_id", "url", "referrer", "title",
                 "screen", "language", "time_zone", "goal", "value", "currency", "engaged_ms", "name")
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
_BOT = re.compile(r"bot|crawl|spider|slurp|headless|phantomjs|selenium|puppeteer|playwright|lighthouse"
                  r"|python-requests|python-urllib|curl/|wget/|httpclient|go-http-client|okhttp|java/|scrapy",
                  re.IGNORECASE)


@dataclass(frozen=True)
class Agent:
    browser: str
    os: str
    device: str
    bot: bool


@lru_cache(maxsize=4096)
def agent(user_agent: str) -> Agent:
    if not user_agent:
        return Agent("Unknown", "Unknown", "unknown", True)
    result = parse_ua(user_agent)
    browser = result.user_agent.family[:64] if result.user_agent else "Other"
    os_name = result.os.family[:64] if result.os else "Other"
    family = result.device.family if result.device else ""
    bot = family == "Spider" or bool(_BOT.search(user_agent))
    if bot:
        device = "bot"
    elif "iPad" in family or "Tablet" in user_agent or (os_name == "Android" and "Mobile" not in user_agent):
        device = "tablet"
    elif os_name in ("iOS", "Android") or "Mobile" in user_agent:
        device = "mobile"
    else:
        device = "desktop"
    return Agent(browser, os_name, device, bot)


agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36")
agent.cache_clear()  # the call above only compiled the parser's patterns at cold start


def host(url: str) -> str:
    try:
        name = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return name.removeprefix("www.")


# Long free text is cut to these lengths rather than refused (the tracker sends it whole).
LIMITS = {"url": 2048, "referrer": 2048, "title": 512, "path": 2048, "referrer_host": 255}
TARGET_LIMITS = {"text": 200, "href": 2048}


def record(event: dict[str, Any], ua: Agent, received_at: int, max_skew_ms: int) -> dict[str, Any]:
    """The stored form of a valid event."""
    out = {k: event[k] for k in CLIENT_FIELDS if k in event}
    ts = event["ts"]
    if abs(ts - received_at) > max_skew_ms:
        out["client_ts"], ts, out["skewed"] = ts, received_at, True
    out["ts"] = ts
    out["received_at"] = received_at
    parts = urlsplit(event["url"])
    out["path"] = parts.path or "/"
    for key, value in parse_qsl(parts.query):
        if key in UTM and key not in out:
            out[key] = value[:256]
    referrer_host = host(event.get("referrer", ""))
    if referrer_host and referrer_host != host(event["url"]):
        out["referrer_host"] = referrer_host
    if "target" in event:
        target = dict(event["target"])
        if "tag" in target:
            target["tag"] = target["tag"].lower()
        for key, limit in TARGET_LIMITS.items():
            if key in target:
                target[key] = target[key][:limit]
        out["target"] = target
    for key, limit in LIMITS.items():
        if key in out:
            out[key] = out[key][:limit]
    if "props" in event:
        out["props"] = event["props"]
    out.update(browser=ua.browser, os=ua.os, device=ua.device, bot=ua.bot)
    return out
