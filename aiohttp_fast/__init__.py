"""aiohttp_fast: a fast asyncio HTTP/1.1 client, a drop-in for aiohttp's client API.

``import aiohttp_fast as aiohttp``: every client name aiohttp exports is here. Modules written
in parallel are imported under guards, so the package always imports; a missing one only
removes its names.
"""

__version__ = "0.1.0"

from . import hdrs
from .client_exceptions import *  # noqa: F403
from .client_exceptions import __all__ as _exc_all
from .http_message import HttpVersion, HttpVersion10, HttpVersion11
from .streams import EMPTY_PAYLOAD, EofStream, StreamReader
from .timeouts import ClientTimeout
from .tracing import *  # noqa: F403
from .tracing import __all__ as _tracing_all
from .typedefs import RequestInfo

__all__ = [
    "hdrs",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "EMPTY_PAYLOAD",
    "EofStream",
    "StreamReader",
    "ClientTimeout",
    "RequestInfo",
    *_exc_all,
    *_tracing_all,
]

from .auth import BasicAuth  # noqa: E402

__all__ += ["BasicAuth"]

from .client_request import ClientRequest  # noqa: E402
from .client_response import ClientResponse  # noqa: E402
from .upload_tracker import UploadTracker  # noqa: E402

__all__ += ["ClientRequest", "ClientResponse", "UploadTracker"]

from .client import (  # noqa: E402
    ClientHandlerType,
    ClientMiddlewareType,
    ClientSession,
    request,
)

__all__ += ["ClientSession", "request", "ClientHandlerType", "ClientMiddlewareType"]

from .connector import BaseConnector, TCPConnector, UnixConnector  # noqa: E402
from .cookiejar import CookieJar, DummyCookieJar  # noqa: E402
from .formdata import FormData  # noqa: E402
from .multipart import *  # noqa: E402, F403
from .multipart import __all__ as _multipart_all  # noqa: E402
from .payload import *  # noqa: E402, F403
from .payload import __all__ as _payload_all  # noqa: E402
from .resolver import AsyncResolver, DefaultResolver, ThreadedResolver  # noqa: E402
from .tls import Fingerprint  # noqa: E402

__all__ += [
    "BaseConnector", "TCPConnector", "UnixConnector", "CookieJar", "DummyCookieJar", "FormData",
    "AsyncResolver", "DefaultResolver", "ThreadedResolver", "Fingerprint",
    *_payload_all, *_multipart_all,
]
