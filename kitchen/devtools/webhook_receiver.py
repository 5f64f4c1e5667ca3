"""A small, real HTTP webhook receiver for tests, the benchmark and the demo.

The portal POSTs each webhook delivery as JSON, signed the Standard Webhooks way
(https://www.standardwebhooks.com/), with

* ``webhook-id: <uuid>`` -- the delivery id; retries of one delivery reuse it;
* ``webhook-timestamp: <seconds>`` -- when this attempt was sent;
* ``webhook-signature: v1,<base64>`` -- HMAC-SHA256 of ``"<id>.<timestamp>.<body>"``,
  keyed with the subscriber secret (``whsec_<base64 key>``);
* ``X-Portal-Event: <int>`` -- the event id, increasing per event.

``WebhookReceiver`` verifies each POST with the ``standardwebhooks`` library: a bad or
missing signature is answered 401, and so is a timestamp more than five minutes away from
now (the library's tolerance), so a captured request cannot be replayed later. Within that
window a replay carries an id already seen: it is answered 200 (delivery is at least
once, so the sender must be told it arrived) and counted in ``duplicates``, not accepted
again. The receiver can inject failures at random (to exercise the sender's retries) and
records everything it saw, thread-safely::

    with WebhookReceiver("whsec_...", fail_share=0.3, failure_modes=("500", "close"), seed=1) as r:
        subscriber.url = r.url
        ...
        assert r.wait_for(10, timeout=5)

A secret without the ``whsec_`` prefix is taken as the raw key (its utf-8 bytes), as the
portal does (kitchen/signing.py).

Failure modes (chosen at random among ``failure_modes`` for a ``fail_share`` of the
correctly signed POSTs):

* ``"500"``: answer 500;
* ``"close"``: shut the connection down without any response;
* ``"slow"``: sleep ``slow_seconds``, then answer 200 -- but the delivery is *not* counted
  as accepted: the point is that the client has given up waiting by then (its timeout is
  meant to be shorter than ``slow_seconds``), so it must treat the delivery as failed and
  retry it; the retry then shows up as a fresh acceptance, not as a duplicate;
* ``"timeout"``: like ``"slow"`` but sleeps ``2 × slow_seconds``.

``accept_seconds`` makes every accepted delivery take that long before its 200 (a receiver
doing real work), e.g. to kill the sender in the middle of a batch.
"""

from __future__ import annotations

import html
import json
import random
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from kitchen.signing import standard_secret

FAILURE_MODES = ("500", "close", "slow", "timeout")
READ_PATHS = ("/", "/hook", "/hook/")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, handler, receiver: WebhookReceiver):
        self.receiver = receiver
        super().__init__(address, handler)

    def handle_error(self, request, client_address):
        # Clients that time out and hang up are expected here; keep stderr quiet.
        if self.receiver.verbose:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Answers go out in two writes; without TCP_NODELAY each waits ~40 ms for the
    # client's delayed ACK, which capped deliveries at ~40/s (bench/outbox.py).
    disable_nagle_algorithm = True
    server_version = "WebhookReceiver/1.0"
    timeout = 30  # idle keep-alive connections are dropped after this many seconds

    server: _Server

    def log_message(self, format, *args):
        pass

    # -- responses ---------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            # The client is gone (it timed out, typically); nothing more to say.
            self.close_connection = True

    def _json(self, status: int, payload) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _drop(self) -> None:
        """Close the connection without answering."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- verbs -------------------------------------------------------------------------

    def do_POST(self):
        receiver = self.server.receiver
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            self._json(400, {"error": "bad content-length"})
            return
        raw = self.rfile.read(length) if length else b""

        delivery_id = self.headers.get("webhook-id", "")
        event_header = self.headers.get("X-Portal-Event", "")
        event_id = int(event_header) if event_header.strip().isdigit() else None

        problem = receiver.verify(raw, dict(self.headers.items()))
        if problem:
            receiver._record_attempt(delivery_id, event_id, problem)
            self._json(401, {"error": problem.replace("_", " ")})
            return

        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            receiver._record_attempt(delivery_id, event_id, "bad_json")
            self._json(400, {"error": "bad json"})
            return
        if event_id is None and isinstance(body.get("event_id"), int):
            event_id = body["event_id"]

        mode = receiver._roll_failure()
        if mode == "500":
            receiver._record_attempt(delivery_id, event_id, "500")
            self._json(500, {"error": "injected failure"})
        elif mode == "close":
            receiver._record_attempt(delivery_id, event_id, "close")
            self._drop()
        elif mode in ("slow", "timeout"):
            # Recorded up front; the (late) 200 does not make it an acceptance.
            receiver._record_attempt(delivery_id, event_id, mode)
            factor = 2 if mode == "timeout" else 1
            receiver._stopping.wait(receiver.slow_seconds * factor)
            self._json(200, {"ok": True})
        else:
            receiver._accept(delivery_id, event_id, body)
            if receiver.accept_seconds:
                receiver._stopping.wait(receiver.accept_seconds)
            self._json(200, {"ok": True})

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path not in READ_PATHS:
            self._json(404, {"error": "not found"})
            return
        bodies = self.server.receiver.accepted_bodies()
        if parse_qs(url.query).get("format") == ["html"]:
            page = self.server.receiver.render_html().encode("utf-8")
            self._send(200, page, "text/html; charset=utf-8")
        else:
            self._json(200, bodies)


class WebhookReceiver:
    """See the module docstring."""

    def __init__(
        self,
        secret: str,
        fail_share: float = 0.0,
        failure_modes=("500",),
        seed=None,
        slow_seconds: float = 2.0,
        accept_seconds: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ):
        unknown = set(failure_modes) - set(FAILURE_MODES)
        if unknown:
            raise ValueError(f"unknown failure modes: {sorted(unknown)}")
        if fail_share > 0 and not failure_modes:
            raise ValueError("fail_share > 0 needs at least one failure mode")
        if not 0.0 <= fail_share <= 1.0:
            raise ValueError("fail_share must be between 0 and 1")
        self.secret = standard_secret(secret)
        self._webhook = Webhook(self.secret)
        self.fail_share = fail_share
        self.failure_modes = tuple(failure_modes)
        self.slow_seconds = slow_seconds
        self.accept_seconds = accept_seconds  # time taken to process an accepted delivery
        self.host = host
        self.port = port
        self.verbose = verbose

        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

        self.attempts: list[dict] = []
        self.accepted: dict[str, dict] = {}
        self.arrivals: list[tuple] = []  # (delivery_id, event_id, page_id, channel, at)
        self.duplicates = 0
        self.bad_signatures = 0
        self.stale = 0  # refused: timestamp outside the tolerance
        self._wall_times: dict[str, float] = {}

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> WebhookReceiver:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server((self.host, self.port), _Handler, self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"webhook-receiver-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # wakes "slow"/"timeout" handlers
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/hook/"

    # -- checks and records ----------------------------------------------------------------

    def verify(self, body: bytes, headers: dict) -> str | None:
        """None when the Standard Webhooks headers check out, else what was wrong:
        "bad_signature" or "stale_timestamp" (too old or too new)."""
        try:
            self._webhook.verify(body, headers, json_parse=False)
        except WebhookVerificationError as exc:
            if "timestamp too" in str(exc):
                return "stale_timestamp"
            return "bad_signature"
        except (ValueError, TypeError, UnicodeError):  # a malformed signature header
            return "bad_signature"
        return None

    def _roll_failure(self) -> str | None:
        if self.fail_share <= 0:
            return None
        with self._lock:
            if self._random.random() < self.fail_share:
                return self._random.choice(self.failure_modes)
        return None

    def _record_attempt(self, delivery_id, event_id, outcome: str) -> None:
        with self._lock:
            self.attempts.append(
                {
                    "delivery_id": delivery_id,
                    "event_id": event_id,
                    "outcome": outcome,
                    "at": time.monotonic(),
                }
            )
            if outcome == "bad_signature":
                self.bad_signatures += 1
            elif outcome == "stale_timestamp":
                self.stale += 1

    def _accept(self, delivery_id: str, event_id, body: dict) -> None:
        now = time.monotonic()
        with self._lock:
            duplicate = delivery_id in self.accepted
            self.attempts.append(
                {
                    "delivery_id": delivery_id,
                    "event_id": event_id,
                    "outcome": "duplicate" if duplicate else "accepted",
                    "at": now,
                }
            )
            if duplicate:
                self.duplicates += 1
                return
            self.accepted[delivery_id] = body
            self._wall_times[delivery_id] = time.time()
            page = body.get("page") if isinstance(body.get("page"), dict) else {}
            self.arrivals.append((delivery_id, event_id, page.get("id"), body.get("channel"), now))
        if self.verbose:
            stamp = time.strftime("%H:%M:%S")
            print(
                f"{stamp}  #{event_id}  {body.get('event', '')}  [{body.get('channel', '')}]  "
                f"{page.get('title', '')}",
                flush=True,
            )

    def accepted_count(self) -> int:
        with self._lock:
            return len(self.accepted)

    def wait_for(self, n: int, timeout: float) -> bool:
        """Block until at least ``n`` deliveries were accepted; False on timeout."""
        deadline = time.monotonic() + timeout
        while self.accepted_count() < n:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def accepted_bodies(self) -> list[dict]:
        """Accepted bodies, newest first."""
        with self._lock:
            return [self.accepted[a[0]] for a in reversed(self.arrivals)]

    def render_html(self) -> str:
        with self._lock:
            rows = [
                (self._wall_times[a[0]], self.accepted[a[0]], a[0]) for a in reversed(self.arrivals)
            ]
        esc = html.escape
        lines = []
        for wall, body, delivery_id in rows:
            page = body.get("page") if isinstance(body.get("page"), dict) else {}
            event = f"#{body.get('event_id', '')} {body.get('event', '')}"
            cells = (
                time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(wall)),
                event,
                str(body.get("channel", "")),
                str(page.get("title", "")),
                delivery_id,
            )
            lines.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        table_body = "\n".join(lines) or '<tr><td colspan="5">暂无投递</td></tr>'
        summary = (
            f"已接收 {len(rows)} 条（最新在前），重复 {self.duplicates} 次，"
            f"签名错误 {self.bad_signatures} 次，时间戳过期 {self.stale} 次。"
        )
        return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>Webhook 接收器</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: .3em .6em; text-align: left; }}
th {{ background: #f3f3f3; }}
</style>
</head>
<body>
<h1>Webhook 接收器</h1>
<p>{summary}</p>
<table>
<thead><tr><th>时间</th><th>事件</th><th>渠道</th><th>页面标题</th><th>投递编号</th></tr></thead>
<tbody>
{table_body}
</tbody>
</table>
</body>
</html>
"""
