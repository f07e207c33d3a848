"""The e2e launcher's retry replay (tests/e2e/moto_replay.py): a retry of an answered call is not run again."""

from __future__ import annotations

from typing import Any

from tests.e2e.moto_replay import ReplayRetries


class CountingApp:
    """A WSGI application answering each request with the next status of ``statuses`` and its run number."""

    def __init__(self, *statuses: str) -> None:
        self.statuses, self.runs = list(statuses), 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.runs += 1
        start_response(self.statuses[min(self.runs, len(self.statuses)) - 1], [("Content-Type", "text/plain")])
        return [f"run {self.runs}".encode()]


def _call(app: ReplayRetries, invocation: str | None, attempt: int) -> tuple[str, bytes]:
    environ = {"HTTP_AMZ_SDK_REQUEST": f"attempt={attempt}; max=5"}
    if invocation:
        environ["HTTP_AMZ_SDK_INVOCATION_ID"] = invocation
    seen: dict[str, str] = {}
    body = b"".join(app(environ, lambda status, headers, exc_info=None: seen.update(status=status)))
    return seen["status"], body


def test_a_retry_of_an_answered_call_gets_the_first_answer() -> None:
    inner = CountingApp("200 OK")
    app = ReplayRetries(inner)
    assert _call(app, "a", 1) == ("200 OK", b"run 1")
    assert _call(app, "a", 2) == ("200 OK", b"run 1")
    assert inner.runs == 1
    assert _call(app, "b", 1) == ("200 OK", b"run 2")  # another call runs


def test_a_retry_after_a_retryable_answer_runs_again() -> None:
    inner = CountingApp("503 SERVICE UNAVAILABLE", "200 OK")
    app = ReplayRetries(inner)
    assert _call(app, "a", 1) == ("503 SERVICE UNAVAILABLE", b"run 1")
    assert _call(app, "a", 2) == ("200 OK", b"run 2")
    assert _call(app, "a", 3) == ("200 OK", b"run 2")  # and its answer is the one kept
    assert inner.runs == 2


def test_calls_without_sdk_headers_always_run() -> None:
    inner = CountingApp("200 OK")
    app = ReplayRetries(inner)
    assert _call(app, None, 2) == ("200 OK", b"run 1")
    assert _call(app, None, 2) == ("200 OK", b"run 2")
