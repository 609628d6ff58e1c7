"""Signatures that tell this installation's models from everyone else's.

A card's sha256 shows that a model file is intact, but whoever can write the
file can write a matching card. So every model this installation saves is
signed: an HMAC-SHA256 of its card (which holds the file's sha256) under a
random key generated once per installation and kept outside the model folder,
readable by its owner only. A file from elsewhere, or one whose card was
re-signed with another key, fails the check.

The key lives at $CNN_LENS_KEY_FILE, else $XDG_CONFIG_HOME/cnn-lens/model-signing.key
(~/.config/... by default).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_ENV_VAR = "CNN_LENS_KEY_FILE"
KEY_BYTES = 32


class SigningKeyError(OSError):
    """The installation's key cannot be read or made."""


def key_path() -> Path:
    explicit = os.environ.get(KEY_ENV_VAR)
    if explicit:
        return Path(explicit).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "cnn-lens" / "model-signing.key"


def installation_key(*, create: bool) -> bytes | None:
    """This installation's key; made on first use when `create`, else None if there is none."""
    path = key_path()
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        if not create:
            return None
        key = _create_key(path)
    except OSError as err:
        raise SigningKeyError("the model-signing key cannot be read") from err
    if len(key) != KEY_BYTES:
        raise SigningKeyError("the model-signing key is damaged (wrong length)")
    return key


def _create_key(path: Path) -> bytes:
    """Write a new random key so that two processes racing here end up with the same one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(temporary, path)  # fails if another process made the key first
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
        return path.read_bytes()
    except OSError as err:
        raise SigningKeyError("the model-signing key cannot be created") from err


def sign(payload: bytes, key: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def is_signed_by(payload: bytes, signature: str, key: bytes) -> bool:
    return hmac.compare_digest(sign(payload, key), signature)
