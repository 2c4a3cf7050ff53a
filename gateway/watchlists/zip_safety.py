"""Opening an uploaded ZIP without trusting it: every check runs on the directory before extraction."""

from __future__ import annotations

import io
import lzma
import stat
import zipfile
import zlib
from pathlib import PurePosixPath

from gateway.config import UploadLimits
from gateway.errors import UploadRejected

RATIO_MIN_BYTES = 64 * 1024  # tiny members may compress very well (e.g. a CSV of repeats)

#: names of the compression methods a ZIP tool may use that Python cannot read (APPNOTE 4.4.5)
METHODS = {
    1: "shrink",
    6: "implode",
    9: "deflate64",
    10: "PKWARE implode",
    18: "IBM TERSE",
    93: "zstd",
    98: "PPMd",
}

#: what reading a member whose directory entry passed may still raise: a bad CRC or local header
#: (BadZipFile), a method Python cannot decompress such as deflate64 (NotImplementedError), a damaged
#: deflate, bzip2 or LZMA stream (zlib.error, OSError, LZMAError), data cut short (EOFError), an
#: offset before the start of the file or a name that is not the UTF-8 it claims (ValueError)
MEMBER_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    NotImplementedError,
    zlib.error,
    lzma.LZMAError,
    OSError,
    EOFError,
    ValueError,
)


def _refuse(detail: str, detail_uk: str) -> UploadRejected:
    return UploadRejected(f"The ZIP was refused: {detail}.", f"ZIP відхилено: {detail_uk}.")


def safe_name(name: str) -> str | None:
    """The member's normalised relative path, or None if it escapes, is absolute or is odd."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or ":" in name.split("/")[0]:
        return None
    parts = PurePosixPath(name).parts
    if any(p in ("..", "") for p in parts):
        return None
    return "/".join(p for p in parts if p != ".")


def open_checked(data: bytes, limits: UploadLimits) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """Open ``data`` and vet its directory: paths, links, counts, sizes, compression ratios, encryption."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError) as exc:
        raise _refuse(f"not a readable ZIP ({exc})", "це не придатний для читання ZIP") from None
    if len(infos) > limits.max_zip_members:
        raise _refuse(
            f"{len(infos)} members, limit {limits.max_zip_members}",
            f"{len(infos)} файлів, межа {limits.max_zip_members}",
        )
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = safe_name(info.filename)
        if name is None:
            raise _refuse(f"unsafe path {info.filename!r}", f"небезпечний шлях {info.filename!r}")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise _refuse(
                f"{info.filename!r} is a symbolic link", f"{info.filename!r} є символьним посиланням"
            )
        if info.flag_bits & 0x1:
            raise _refuse(f"{info.filename!r} is encrypted", f"{info.filename!r} зашифровано")
        if info.is_dir():
            continue
        total += info.file_size
        if total > limits.max_zip_uncompressed_bytes:
            raise _refuse(
                f"more than {limits.max_zip_uncompressed_bytes} bytes uncompressed",
                f"понад {limits.max_zip_uncompressed_bytes} байтів після розпакування",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > limits.max_zip_ratio:
            raise _refuse(
                f"{info.filename!r} expands {ratio:.0f}x (a ZIP bomb?)",
                f"{info.filename!r} розширюється у {ratio:.0f} разів (ZIP-бомба?)",
            )
        if name in members:
            raise _refuse(f"{name!r} appears twice", f"{name!r} трапляється двічі")
        members[name] = info
    return zf, members


def unreadable(name: str, info: zipfile.ZipInfo, exc: Exception) -> tuple[str, str]:
    """Why member ``name`` could not be read (one of ``MEMBER_ERRORS``), in English and Ukrainian."""
    if isinstance(exc, NotImplementedError):
        known = METHODS.get(info.compress_type)
        method = f"{info.compress_type} ({known})" if known else str(info.compress_type)
        return (
            f"{name!r} cannot be read: compression method {method} is not supported; "
            "save the ZIP with Deflate compression",
            f"{name!r} не читається: метод стиснення {method} не підтримується; "
            "збережіть ZIP зі стисненням Deflate",
        )
    return f"{name!r} cannot be read ({exc})", f"{name!r} не читається (файл у ZIP пошкоджено)"


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """The member's bytes, or None if it turns out larger than ``cap`` (headers can lie).
    A damaged member raises one of ``MEMBER_ERRORS`` (see ``unreadable``)."""
    if info.file_size > cap:
        return None
    with zf.open(info) as fh:
        data = fh.read(cap + 1)
    return None if len(data) > cap else data
