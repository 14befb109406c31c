# Augmenting declarations: Cython compiles _client_c.py (a symlink to _client_py.py) with
# ClientSession's state and methods (_ClientSessionCore) as an extension type, so the
# session's own attribute reads and writes are C struct accesses instead of slot look-ups.
# ClientSession itself stays a Python subclass: test code patches its methods.

from aiohttp_fast._client_request_c cimport _ClientRequestCore
from aiohttp_fast._connector_c cimport BaseConnector as _BaseConnector
from aiohttp_fast._client_response_c cimport _ClientResponseCore

# parsed URL strings: a C dict look-up (``.get`` would be a method call)
cdef dict _PARSED_URLS

cdef class _ClientSessionCore:
    cdef object __weakref__
    cdef public object _loop
    cdef public object _base_url
    cdef public object _base_url_origin
    cdef public object _connector
    cdef public object _connector_owner
    cdef public object _cookie_jar
    cdef public object _default_headers
    cdef public object _skip_auto_headers
    cdef public object _default_auth
    cdef public object _default_proxy
    cdef public object _default_proxy_auth
    cdef public object _json_serialize
    cdef public object _json_serialize_bytes
    cdef public object _timeout
    cdef public object _connect_timeout
    cdef public object _raise_for_status
    cdef public object _auto_decompress
    cdef public object _read_bufsize
    cdef public object _limits
    cdef public object _trust_env
    cdef public object _trace_configs
    cdef public object _middlewares
    cdef public object _resolve_charset
    cdef public object _requote_redirect_url
    cdef public object _request_class
    cdef public object _response_class
    cdef public object _version
    cdef public object _closed
    cdef public object _retry_connection

    cpdef _build_url(self, str_or_url)
