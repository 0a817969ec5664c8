"""Fetch a file another system offers by URL, within bounds: http(s) only, from the hosts the
province trusts for it (no request leaves for anywhere else), no redirects, a connect and read
timeout, at most `max_bytes` (the body is streamed and cut off), and a type
taken from the bytes themselves (the `filetype` library), which must be one the component
accepts and agree with the type the sender declared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # imported where used: only the calls out need it (cold start)
    import httpx

TIMEOUT_SECONDS, CONNECT_SECONDS = 10.0, 3.0
CHUNK = 64 * 1024


class FetchError(Exception):
    """Why the file was not taken (Vietnamese, shown to the sender); `temporary` when the same
    request may fetch it later (the host timed out, was out of reach, or answered 408, 425, 429
    or 5xx)."""

    def __init__(self, message: str, temporary: bool = False):
        super().__init__(message)
        self.temporary = temporary


@dataclass(frozen=True)
class Fetched:
    content: bytes
    content_type: str


def fetch(
    http: httpx.Client,
    url: str,
    declared_type: str,
    allowed: tuple[str, ...],
    max_bytes: int,
    hosts: tuple[str, ...],
) -> Fetched:
    import httpx  # only national intake fetches files (cold start of the API handler)

    timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_SECONDS)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("Chỉ nhận đường dẫn http hoặc https")
    if not trusted(parts.hostname or "", hosts):
        raise FetchError("Máy chủ lưu tệp không nằm trong danh sách được phép")
    try:
        with http.stream("GET", url, timeout=timeout, follow_redirects=False) as answer:
            if answer.status_code != 200:
                raise FetchError(
                    f"Không tải được tệp (HTTP {answer.status_code})",
                    temporary=answer.status_code in (408, 425, 429) or answer.status_code >= 500,
                )
            length = answer.headers.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError("Tệp lớn hơn dung lượng cho phép")
            content = bytearray()
            for chunk in answer.iter_bytes(CHUNK):
                content += chunk
                if len(content) > max_bytes:
                    raise FetchError("Tệp lớn hơn dung lượng cho phép")
    except httpx.TimeoutException:
        raise FetchError("Hết thời gian chờ khi tải tệp", temporary=True) from None
    except httpx.HTTPError:
        raise FetchError("Không kết nối được tới nơi lưu tệp", temporary=True) from None
    return Fetched(bytes(content), _checked_type(bytes(content), declared_type, allowed))


def trusted(host: str, hosts: tuple[str, ...]) -> bool:
    """`host` is one of `hosts` or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith(f".{h}") for h in hosts)


def _checked_type(content: bytes, declared: str, allowed: tuple[str, ...]) -> str:
    import filetype  # lazily: only the intake of remote files needs it

    found = filetype.guess_mime(content)
    if found is None or found not in allowed:
        raise FetchError("Kiểu tệp không được chấp nhận (chỉ nhận: " + ", ".join(allowed) + ")")
    if found != declared.split(";")[0].strip().lower():
        raise FetchError(f"Nội dung tệp không khớp kiểu đã khai ({found})")
    return found
