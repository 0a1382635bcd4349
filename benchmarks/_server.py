"""The local server in a child process, over HTTP or HTTPS, rate limits off.

A child process keeps the server's work off the clients' interpreter (and its
GIL) and on the other core, as a real server would be. `nextschool.testing`'s
own runner has no TLS options, so this wraps its ASGI app in uvicorn with the
run's certificate.

The child prints its URL on its first line of output, then serves; meanwhile
it answers one-line commands on stdin with one line of JSON on stdout:
`revoke_access_tokens`, `reset_counters`, `counters`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent


class ServerProcess:
    def __init__(self, url: str, child: subprocess.Popen[str]) -> None:
        self.url = url
        self._child = child

    def command(self, name: str) -> Any:
        assert self._child.stdin is not None
        assert self._child.stdout is not None
        self._child.stdin.write(name + "\n")
        self._child.stdin.flush()
        return json.loads(self._child.stdout.readline())

    def revoke_access_tokens(self) -> None:
        self.command("revoke_access_tokens")

    def reset_counters(self) -> None:
        self.command("reset_counters")

    def counters(self) -> dict[str, Any]:
        counters: dict[str, Any] = self.command("counters")
        return counters


@contextlib.contextmanager
def server_process(
    *,
    cert_file: Path | None = None,
    key_file: Path | None = None,
    access_token_ttl: float | None = None,
    students: int | None = None,
) -> Iterator[ServerProcess]:
    """Start the server in a child process and stop it afterwards.

    `students` makes the demo school that large, by repeating its students
    under new ids.
    """
    command = [sys.executable, "-m", "benchmarks._server"]
    if students is not None:
        command += ["--students", str(students)]
    if cert_file is not None and key_file is not None:
        command += ["--cert", str(cert_file), "--key", str(key_file)]
    if access_token_ttl is not None:
        command += ["--access-token-ttl", repr(access_token_ttl)]
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            command,
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            assert child.stdout is not None
            url = child.stdout.readline().strip()
            if not url.startswith(("http://", "https://")):
                child.kill()
                child.wait()
                errors.seek(0)
                detail = errors.read().decode(errors="replace")
                raise RuntimeError(f"the benchmark server did not start:\n{detail}")
            yield ServerProcess(url, child)
        finally:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            for stream in (child.stdin, child.stdout):
                if stream is not None:
                    stream.close()


def _answer_commands(state: Any, commands: IO[str], replies: IO[str]) -> None:
    for line in commands:
        name = line.strip()
        reply: Any = "ok"
        if name == "revoke_access_tokens":
            state.controls.revoke_access_tokens()
        elif name == "reset_counters":
            state.counters.reset()
        elif name == "counters":
            reply = asdict(state.counters.snapshot())
        else:
            reply = {"error": f"unknown command {name!r}"}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


def _grow_demo_school(state: Any, count: int) -> None:
    schools = state.seed.schools
    world = schools[1]
    seeded = world.students
    first_id = max(s.id for school in schools.values() for s in school.students) + 1
    grown = [
        dataclasses.replace(seeded[n % len(seeded)], id=first_id + n, code=f"B{n:06d}")
        for n in range(max(0, count - len(seeded)))
    ]
    schools[1] = dataclasses.replace(world, students=(*seeded, *grown)[:count])


def main() -> None:
    from nextschool.testing import ServerSettings, create_app
    from nextschool.testing.server import bind_socket, make_uvicorn_server

    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--access-token-ttl", type=float, default=ServerSettings.access_token_ttl)
    parser.add_argument("--students", type=int)
    args = parser.parse_args()
    settings = ServerSettings(rate_limits=False, access_token_ttl=args.access_token_ttl)
    app, state = create_app(settings)
    if args.students is not None:
        _grow_demo_school(state, args.students)
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = make_uvicorn_server(app, ssl_certfile=args.cert, ssl_keyfile=args.key)
    scheme = "https" if args.cert else "http"
    print(f"{scheme}://127.0.0.1:{port}/", flush=True)
    threading.Thread(
        target=_answer_commands, args=(state, sys.stdin, sys.stdout), daemon=True
    ).start()
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
