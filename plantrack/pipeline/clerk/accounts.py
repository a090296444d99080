"""Who may write from the browser: clerks signed in with the one-time link `plantrack serve` prints, or
with a name and password whose hash is in plantrack.toml's `[clerks]` table.

Passwords are never stored: `python -m plantrack.pipeline.clerk.accounts NAME` asks for one and prints
the line to add to [clerks], a salted scrypt
hash (hashlib's, from OpenSSL: memory-hard, no extra dependency), checked in constant time.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N, R, P = 2 ** 14, 8, 1  # OWASP's scrypt floor for a log-in (16 MiB, ~50 ms)


class PasswordHashError(ValueError):
    """A `[clerks]` value that is not a hash this module made; str() is the one line to show."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """"scrypt$N$r$p$salt$hash", to put in plantrack.toml's [clerks] table."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def check_hash(value: object) -> str | None:
    """Why `value` is not a usable password hash (for settings checking), or None."""
    if not isinstance(value, str):
        return "must be a password hash made by `python -m plantrack.pipeline.clerk.accounts NAME`"
    parts = value.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return "must be a password hash made by `python -m plantrack.pipeline.clerk.accounts NAME` (never the password itself)"
    try:
        n, r, p = (int(x) for x in parts[1:4])
        base64.b64decode(parts[4], validate=True)
        base64.b64decode(parts[5], validate=True)
    except ValueError:
        return "is a damaged password hash: make it again with `python -m plantrack.pipeline.clerk.accounts NAME`"
    if n < 2 ** 10 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16:
        return "has scrypt parameters out of range: make it again with `python -m plantrack.pipeline.clerk.accounts NAME`"
    return None


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` (a hash_password value) was made from."""
    if check_hash(stored) is not None:
        return False
    _, n, r, p, salt, digest = stored.split("$")
    want = base64.b64decode(digest)
    got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                         dklen=len(want), maxmem=256 * 1024 * 1024)
    return hmac.compare_digest(got, want)


class SignInLink:
    """The one-time sign-in token `plantrack serve` prints (as `datasette --root` does): it works once."""

    def __init__(self) -> None:
        self.token: str | None = secrets.token_urlsafe(32)

    def use(self, given: str) -> bool:
        if self.token is None or not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            return False
        self.token = None
        return True


def main(argv: list[str] | None = None) -> int:
    """`python -m plantrack.pipeline.clerk.accounts NAME`: ask for a password (twice, not shown) and print
    the line to put under [clerks] in plantrack.toml."""
    import getpass
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].strip():
        print("usage: python -m plantrack.pipeline.clerk.accounts NAME   (the clerk's name, as they sign in)",
              file=sys.stderr)
        return 2
    password = getpass.getpass("password: ")
    if len(password) < 8:
        print("error: a password needs at least 8 characters", file=sys.stderr)
        return 2
    if getpass.getpass("the same again: ") != password:
        print("error: the two passwords differ", file=sys.stderr)
        return 2
    print(f"{json.dumps(args[0].strip(), ensure_ascii=False)} = {json.dumps(hash_password(password))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
