"""The gateway process (`python -m embedded.serve`): serve one deployed HTTP API on a local port."""

from __future__ import annotations

import uvicorn

import stackstate

from .apigw.server import Gateway
from .settings import Settings, load
from .telemetry import Telemetry


def api_id_of(settings: Settings, stack_name: str) -> str:
    resources = stackstate.read(settings.state_dir, stack_name).get("resources", {}).values()
    apis = [r["PhysicalResourceId"] for r in resources if r["Type"] == "AWS::ApiGatewayV2::Api"]
    if len(apis) != 1:
        raise SystemExit(f"stack {stack_name} has {len(apis)} HTTP APIs; name one with --api-id")
    return apis[0]


def mapping_ids_of(settings: Settings, stack_name: str) -> list[str]:
    resources = stackstate.read(settings.state_dir, stack_name).get("resources", {}).values()
    return [r["PhysicalResourceId"] for r in resources if r["Type"] == "AWS::Lambda::EventSourceMapping"]


def run(settings: Settings, stack_name: str, port: int, api_id: str | None = None) -> None:
    gateway = Gateway(settings, api_id or api_id_of(settings, stack_name), Telemetry(settings.aws),
                      settings.queue_timeout, mapping_ids_of(settings, stack_name))
    print(f"gateway for API {gateway.api_id} on http://{settings.host}:{port}, "
          f"{len(gateway.mapping_ids)} stream event source mappings", flush=True)
    # the source address is the TCP peer, as API Gateway's is: no client-sent forwarding header counts
    uvicorn.run(
        gateway, host=settings.bind, port=port, loop="uvloop", http="httptools",
        lifespan="on", log_level="warning", access_log=False, proxy_headers=False, timeout_keep_alive=30,
    )


def main() -> None:
    import argparse
    import logging
    import os

    parser = argparse.ArgumentParser(description="Serve a deployed stack's HTTP API and its stream consumers.")
    parser.add_argument("--stack", help="the stack (default: LIVEINSIGHT_STACK or liveinsight)")
    parser.add_argument("--port", type=int, help="the port (default: LIVEINSIGHT_GATEWAY_PORT or 3000)")
    parser.add_argument("--api-id", help="the HTTP API, when the stack has several")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s")
    settings = load(os.environ)
    run(settings, args.stack or settings.stack_name, args.port or settings.gateway_port, args.api_id)


if __name__ == "__main__":
    main()
