"""An ingest stand-in that only counts: it answers every batch 200 at once, so a simulator
benchmark measures the simulator, not the stack. `python -m benchmarks.sink PORT`."""

from __future__ import annotations

import json
import sys

from aiohttp import web


async def events(request: web.Request) -> web.Response:
    batch = json.loads(await request.read())["events"]
    return web.json_response({"accepted": len(batch), "duplicates": 0, "rejected": []})


if __name__ == "__main__":
    app = web.Application()
    app.router.add_post("/events", events)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
