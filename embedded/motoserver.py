"""moto in server mode on one gevent worker, the fastest mode measured here, with what
moto leaves out (embedded/ops: TTL, DynamoDB metrics and capacity, faults, alarms)."""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402

import gevent  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402
from moto.moto_server import werkzeug_app  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: E402
from moto.settings import default_user_config  # noqa: E402

from embedded import loops, moto_patches, settings  # noqa: E402
from embedded.ops import alarms, dynamodb_hook, faults, metrics, retention, ttl  # noqa: E402
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


def configure_moto() -> None:
    """AWS managed policies (AWSLambdaBasicExecutionRole and friends) exist on AWS; and no web
    page a developer opens may call the emulator (moto answers CORS for any origin). Set in
    moto's own configuration, read before the first request."""
    default_user_config["iam"] = {**default_user_config.get("iam", {}), "load_aws_managed_policies": True}
    werkzeug_app.DISABLE_GLOBAL_CORS = True


def main() -> None:
    parser = argparse.ArgumentParser(description="Run moto's AWS emulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    configure_moto()
    moto_patches.apply()
    dynamodb_hook.install()
    alarms.install()
    loaded = settings.load(os.environ)
    moto_patches.keep_streams(moto_patches.STREAM_KEEP_S * loaded.retention_scale)
    state = loaded.state_dir
    state.mkdir(parents=True, exist_ok=True)
    app = Control(DomainDispatcherApplication(create_backend_app), control_token(state),
                  sink_file=state / "notifications.jsonl", partitions=dynamodb_hook.partitions,
                  loopback=args.host.startswith("127.") or args.host in ("localhost", "::1"))
    gevent.spawn(loops.every, ttl.INTERVAL_S, ttl.sweep, "the TTL sweep")
    gevent.spawn(loops.every, alarms.EVAL_S, lambda: alarms.evaluate_and_report(app.alarm_changed),
                 "alarm evaluation")
    gevent.spawn(loops.every, metrics.FLUSH_S, metrics.flush, "the AWS/DynamoDB metrics")
    gevent.spawn(loops.every, retention.SWEEP_S, lambda: retention.sweep(scale=loaded.retention_scale),
                 "the CloudWatch retention sweep")
    server = Server((args.host, args.port), app, log=None, error_log=logging.getLogger("moto"))
    print(f"moto listening on http://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
