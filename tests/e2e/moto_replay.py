"""A retried request gets the answer its first attempt got, not a second execution (moto_launcher.py, fix 16).

moto's server is Werkzeug's development server: it answers every request with ``Connection: close`` on a
connection of its own. Under the e2e's load (the provider's ten parallel calls, IAM evaluated in Python) the AWS
SDK for Go now and then loses an answer moto has already sent and retries the call: the second execution then
fails where the first succeeded (``ConditionalCheckFailedException`` on Terraform's own state lock,
``InvalidLaunchTemplateName.AlreadyExistsException``, ``InvalidPermission.Duplicate``; each seen in a CI run
with the first attempt's success in moto's log). AWS answers such retries from the same service that applied the
first attempt; here the SDKs' own retry headers tell the two apart: every attempt of one call carries the same
``amz-sdk-invocation-id`` and its number in ``amz-sdk-request: attempt=N`` (AWS SDKs and Tools reference guide,
"Retry behavior"; both sent by botocore and the AWS SDK for Go v2).

Fix: a call's answer is kept by invocation id; a later attempt whose earlier attempt got a final answer (not
5xx, not throttling: those the SDK retries on purpose, and they must run again) gets that answer again, and the
replay is logged. An attempt still running is waited for.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

KEPT = 4096
"""Answers kept (the oldest are dropped; a retry follows its first attempt within seconds)."""
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Answers the SDKs retry by design: the retry runs again."""


@dataclass
class _Call:
    done: threading.Event = field(default_factory=threading.Event)
    answer: tuple[str, list[tuple[str, str]], bytes] | None = None


def _attempt(environ: dict[str, Any]) -> int:
    for part in environ.get("HTTP_AMZ_SDK_REQUEST", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == "attempt" and value.isdigit():
            return int(value)
    return 1


class ReplayRetries:
    """WSGI middleware: the answer of a call's first final attempt, for each of its retries."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.calls: OrderedDict[str, _Call] = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not invocation:
            return self.app(environ, start_response)
        with self.lock:
            earlier = self.calls.get(invocation)
            if earlier is None:
                call = self.calls[invocation] = _Call()
                while len(self.calls) > KEPT:
                    self.calls.popitem(last=False)
        if earlier is not None and _attempt(environ) > 1:
            earlier.done.wait(timeout=120)
            if earlier.answer is not None and int(earlier.answer[0].split()[0]) not in RETRIED_STATUSES:
                status, headers, body = earlier.answer
                print(f"moto_replay: attempt {_attempt(environ)} of {invocation} answered as its first "
                      f"({status}) without running again", file=sys.stderr, flush=True)
                start_response(status, headers)
                return [body]
        if earlier is not None:
            with self.lock:
                call = self.calls[invocation] = _Call()
        return self._run(call, environ, start_response)

    def _run(self, call: _Call, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        try:
            chunks = self.app(environ, capture)
            try:
                body = b"".join(chunks)
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
            call.answer = (captured["status"], list(captured["headers"]), body)
            return [body]
        finally:
            call.done.set()
