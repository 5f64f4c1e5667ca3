"""A free TCP port on 127.0.0.1 for throwaway servers (tests, benchmarks, demos)."""

import socket


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
