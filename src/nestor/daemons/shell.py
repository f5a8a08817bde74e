"""``nestor-shell``: send one management command, print the answer (like ``kea-shell``).

The command is the positional argument (``list-commands`` when absent); its
``arguments`` are read as JSON from standard input when something is piped
in. By default the command goes over HTTP(S) to a Control Agent or to a
server's HTTP control socket, in the agent's request format; ``--socket PATH``
talks straight to a server's UNIX control socket instead. The answer is
printed as received. Exit status: 0 when an answer came back, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import ssl
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import TextIO

import nestor


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nestor-shell", description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1", help="host of the agent or server")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument("--path", default="", help="path of the URL")
    p.add_argument("--ca", default="", help="CA file or directory: use HTTPS")
    p.add_argument("--cert", default="", help="client certificate file")
    p.add_argument("--key", default="", help="client private key file")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds (default 10)")
    p.add_argument("--service", nargs="?", default=None, help="target service, e.g. dhcp4")
    p.add_argument("--auth-user", default="", help="basic HTTP authentication user")
    p.add_argument("--auth-password", default="", help="basic HTTP authentication password")
    p.add_argument("--socket", default="", help="a UNIX control socket path instead of HTTP")
    p.add_argument("-v", action="version", version=nestor.__version__)
    p.add_argument("command", nargs="?", default="list-commands")
    return p


def parse_arguments(text: str) -> object:
    """A JSON value, or - as ``kea-shell`` takes it - the inside of a map (``"a": 1``)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads("{" + text + "}")


def build_request(command: str, service: str | None, arguments_text: str) -> bytes:
    request: dict[str, object] = {"command": command}
    if service:
        request["service"] = [service]
    if arguments_text.strip():
        request["arguments"] = parse_arguments(arguments_text)
    return json.dumps(request).encode()


def send_unix(path: str, body: bytes, timeout: float) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(body)
        chunks = []
        while chunk := s.recv(65536):  # the server closes after its answer
            chunks.append(chunk)
    return b"".join(chunks)


def _tls(args: argparse.Namespace) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    if os.path.isdir(args.ca):
        ctx.load_verify_locations(capath=args.ca)
    else:
        ctx.load_verify_locations(cafile=args.ca)
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key or None)
    return ctx


def send_http(args: argparse.Namespace, body: bytes) -> bytes:
    scheme = "https" if args.ca else "http"
    path = args.path if args.path.startswith("/") else "/" + args.path
    request = urllib.request.Request(f"{scheme}://{args.host}:{args.port}{path}", data=body,
                                     headers={"Content-Type": "application/json"})
    if args.auth_user:
        token = base64.b64encode(f"{args.auth_user}:{args.auth_password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    context = _tls(args) if args.ca else None
    try:
        with urllib.request.urlopen(request, timeout=args.timeout, context=context) as reply:
            data: bytes = reply.read()
    except urllib.error.HTTPError as exc:  # 401 and friends still carry Kea's JSON
        data = exc.read()
    return data


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None,
         out: TextIO | None = None) -> int:
    args = _parser().parse_args(argv)
    stdin = stdin if stdin is not None else sys.stdin
    out = out if out is not None else sys.stdout
    arguments_text = "" if stdin.isatty() else stdin.read()
    try:
        body = build_request(args.command, args.service, arguments_text)
    except json.JSONDecodeError as exc:
        sys.stderr.write(f"nestor-shell: arguments are not JSON: {exc}\n")
        return 1
    try:
        data = send_unix(args.socket, body, args.timeout) if args.socket \
            else send_http(args, body)
    except (OSError, ssl.SSLError) as exc:
        sys.stderr.write(f"nestor-shell: {exc}\n")
        return 1
    out.write(data.decode("utf-8", "replace") + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
