"""Optional encryption of a backup archive with a passphrase: AES-256-GCM in 1 MiB frames.

The key is derived from the passphrase with scrypt and a random salt. Every frame is authenticated
together with the file's header, its own number and whether it is the last one, so a wrong passphrase,
a changed byte, frames swapped or a file cut short are all refused; nothing is ever held whole in memory.
"""

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"LMS-BACKUP-AESGCM-1\n"
FRAME = 1 << 20
# scrypt's cost: 2**15 rounds, 32 MiB of memory, about a tenth of a second.
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1
_PARAMS = struct.Struct(">BBB")
_FRAME_HEAD = struct.Struct(">I?")


class DecryptionError(Exception):
    """The passphrase is wrong, or the encrypted archive was changed or cut short."""


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    """A 256-bit key from the passphrase and the archive's salt."""
    return Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p).derive(passphrase.encode("utf-8"))


def is_encrypted(path: os.PathLike) -> bool:
    """Whether the file at path starts like an archive written by EncryptingWriter."""
    with open(path, "rb") as raw:
        return raw.read(len(MAGIC)) == MAGIC


class EncryptingWriter:
    """A write-only stream that encrypts what is written to it into `raw`, frame by frame; close() ends it."""

    def __init__(self, raw: BinaryIO, passphrase: str):
        salt, self._prefix = os.urandom(16), os.urandom(8)
        self._header = MAGIC + _PARAMS.pack(SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P) + salt + self._prefix
        self._aead = AESGCM(_key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P))
        self._raw, self._buffer, self._counter, self._closed = raw, bytearray(), 0, False
        raw.write(self._header)

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        nonce = self._prefix + self._counter.to_bytes(4, "big")
        sealed = self._aead.encrypt(nonce, chunk, self._header + _FRAME_HEAD.pack(self._counter, last))
        self._raw.write(_FRAME_HEAD.pack(len(sealed), last) + sealed)
        self._counter += 1

    def write(self, data: bytes) -> int:
        """Encrypt and write out every full frame of the data received so far."""
        self._buffer += data
        while len(self._buffer) >= FRAME:
            self._emit(bytes(self._buffer[:FRAME]), last=False)
            del self._buffer[:FRAME]
        return len(data)

    def close(self) -> None:
        """Write the last frame (marked as last, so that a file cut short is refused)."""
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True


class DecryptingReader:
    """A read-only stream of the plain bytes of an archive written by EncryptingWriter."""

    def __init__(self, raw: BinaryIO, passphrase: str):
        magic = raw.read(len(MAGIC))
        params = raw.read(_PARAMS.size)
        salt, prefix = raw.read(16), raw.read(8)
        if magic != MAGIC or len(params) != _PARAMS.size or len(prefix) != 8:
            raise DecryptionError("This is not an encrypted backup archive.")
        self._header = magic + params + salt + prefix
        self._prefix = prefix
        self._aead = AESGCM(_key(passphrase, salt, *_PARAMS.unpack(params)))
        self._raw, self._buffer, self._pos, self._counter, self._done = raw, b"", 0, 0, False

    def _next_frame(self) -> None:
        head = self._raw.read(_FRAME_HEAD.size)
        if len(head) != _FRAME_HEAD.size:
            raise DecryptionError("The encrypted archive is cut short.")
        size, last = _FRAME_HEAD.unpack(head)
        sealed = self._raw.read(size)
        nonce = self._prefix + self._counter.to_bytes(4, "big")
        try:
            plain = self._aead.decrypt(nonce, sealed, self._header + _FRAME_HEAD.pack(self._counter, last))
        except InvalidTag:
            raise DecryptionError("The passphrase is wrong, or the archive was changed.") from None
        self._counter += 1
        self._done = last
        if last and self._raw.read(1):
            raise DecryptionError("The encrypted archive has bytes after its end.")
        # Frames are joined once each; reads then take slices from a moving position, not copies of the rest.
        self._buffer, self._pos = self._buffer[self._pos :] + plain, 0

    def read(self, size: int = -1) -> bytes:
        """Up to `size` plain bytes (all that is left when size is negative); b"" at the end."""
        while (size < 0 or len(self._buffer) - self._pos < size) and not self._done:
            self._next_frame()
        end = len(self._buffer) if size < 0 else self._pos + size
        chunk = self._buffer[self._pos : end]
        self._pos += len(chunk)
        return chunk
