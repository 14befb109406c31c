# Augmenting declarations: Cython compiles _client_request_c.py (a symlink to
# _client_request_py.py) with ClientRequest's state and methods (_ClientRequestCore) as an
# extension type, so the request's own attribute reads and writes are C struct accesses
# instead of slot look-ups. ClientRequest itself stays a Python subclass (patchable).
import cython

from aiohttp_fast._client_response_c cimport _ClientResponseCore as _Response
from aiohttp_fast._protocol_c cimport _ResponseHandlerCore as _Protocol

# the id(URL)-keyed caches: C dict look-ups (``.get`` would be a method call)
cdef dict _SIMPLE_KEYS
cdef dict _CHECKED_URLS
cdef dict _METHODS

cdef class _ClientRequestCore:
    cdef object __weakref__
    cdef public object method
    cdef public object original_url
    cdef public object url
    cdef public object headers
    cdef public object skip_auto_headers
    cdef public object auth
    cdef public object version
    cdef public object body
    cdef public object _stream
    cdef public object compress
    cdef public object chunked
    cdef public bint _expect100
    cdef public object loop
    cdef public object response_class
    cdef public object proxy
    cdef public object proxy_auth
    cdef public object proxy_headers
    cdef public object ssl
    cdef public object server_hostname
    cdef public object _traces
    cdef public object _session
    cdef public object _connection_key
    cdef public object _request_info
    cdef public object trace_request_ctx
    cdef public bint _body_sent
    cdef public bint _compressed
    cdef public bint _force_close
    cdef public object _compress_stream
    cdef public object _upload_tracker

    cpdef _init(self, method, url, params, headers, skip_auto_headers, data, cookies, auth,
                version, compress, chunked, expect100, loop, response_class, proxy, proxy_auth,
                proxy_headers, ssl, server_hostname, traces, session, trace_request_ctx)
    cpdef _set_body(self, data)
    cpdef _serialize_head(self)
    @cython.locals(protocol=_Protocol)
    cpdef _send_now(self, conn, read_options)
    @cython.locals(response=_Response)
    cpdef _response(self, protocol, waiter, writer_task)
