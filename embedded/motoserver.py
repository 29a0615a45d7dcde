"""moto in server mode on one gevent worker, the fastest mode measured here, with what
moto leaves out (embedded/ops: TTL, DynamoDB metrics and capacity, faults, alarms)."""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402

# AWS managed policies (AWSLambdaBasicExecutionRole and friends) exist on AWS; and no web page
# a developer opens may call the emulator from the browser (moto answers CORS for any origin).
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
os.environ.setdefault("MOTO_DISABLE_GLOBAL_CORS", "true")

import gevent  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: E402

from embedded import moto_patches, settings  # noqa: E402
from embedded.ops import alarms, dynamodb_hook, faults, metrics, ttl  # noqa: E402
from embedded.ops.control import Control  # noqa: E402
from embedded.settings import control_token  # noqa: E402


class Server(WSGIServer):
    def handle(self, sock, address):  # type: ignore[no-untyped-def]
        # Without this, headers and body written apart meet delayed ACKs: 40 ms a request.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if faults.outage() and not _control_request(sock):
            sock.close()  # an injected outage: the emulator is unreachable, but for its controls
            return
        super().handle(sock, address)


def _control_request(sock) -> bool:  # type: ignore[no-untyped-def]
    try:
        start = sock.recv(256, socket.MSG_PEEK)
    except OSError:
        return False
    return b" /_liveinsight/" in start.split(b"\r\n", 1)[0]


def _every(seconds: float, work) -> None:  # type: ignore[no-untyped-def]
    while True:
        gevent.sleep(seconds)
        work()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run moto's AWS emulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    moto_patches.apply()
    dynamodb_hook.install()
    state = settings.load().state_dir
    state.mkdir(parents=True, exist_ok=True)
    app = Control(DomainDispatcherApplication(create_backend_app), control_token(state),
                  sink_file=state / "notifications.jsonl", partitions=dynamodb_hook.partitions,
                  loopback=args.host.startswith("127.") or args.host in ("localhost", "::1"))
    gevent.spawn(ttl.run_forever)
    gevent.spawn(alarms.run_forever, app.alarm_changed)
    gevent.spawn(_every, metrics.FLUSH_S, metrics.flush)
    server = Server((args.host, args.port), app, log=None, error_log=logging.getLogger("moto"))
    print(f"moto listening on http://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
