"""moto in server mode on one gevent worker, the fastest mode measured here."""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
from collections import Counter  # noqa: E402

# AWS managed policies (AWSLambdaBasicExecutionRole and friends) exist on AWS.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from gevent.pywsgi import WSGIServer  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: E402

from embedded import moto_patches  # noqa: E402


class Server(WSGIServer):
    def handle(self, sock, address):  # type: ignore[no-untyped-def]
        # Without this, headers and body written apart meet delayed ACKs: 40 ms a request.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle(sock, address)


class RequestCounter:
    """Counts requests per AWS operation (X-Amz-Target), readable at /_liveinsight/requests."""

    PATH = "/_liveinsight/requests"

    def __init__(self, app):  # type: ignore[no-untyped-def]
        self.app = app
        self.counts: Counter[str] = Counter()

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        if environ.get("PATH_INFO") == self.PATH:
            body = json.dumps(self.counts).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            self.counts[target.rsplit(".", 1)[-1]] += 1
        return self.app(environ, start_response)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run moto's AWS emulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    moto_patches.apply()
    app = RequestCounter(DomainDispatcherApplication(create_backend_app))
    server = Server((args.host, args.port), app, log=None, error_log=logging.getLogger("moto"))
    print(f"moto listening on http://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
