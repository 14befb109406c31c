"""Type stub of the compiled llhttp response parser (same interface as ``_parser_py``)."""

from .abc import ResponseParserHandler

class BodyBuffer:
    @property
    def data(self) -> bytes | None: ...
    def take(self, n: int) -> bytes: ...

class ResponseParser:
    skip_body: bool

    def __init__(
        self,
        handler: ResponseParserHandler,
        *,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
    ) -> None: ...
    def feed_data(
        self, data: bytes | bytearray | memoryview, size: int = -1
    ) -> bytes | None: ...
    def body_buffer(self, size: int) -> BodyBuffer | None: ...
    @property
    def idle(self) -> bool: ...
    def feed_eof(self) -> None: ...
