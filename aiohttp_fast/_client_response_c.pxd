# Augmenting declarations: Cython compiles _client_response_c.py (a symlink to
# _client_response_py.py) with ClientResponse's state and methods (_ClientResponseCore) as
# an extension type, so the response's own attribute reads and writes are C struct accesses
# instead of slot look-ups. ClientResponse itself stays a Python subclass (patchable).
from aiohttp_fast._connector_c cimport Connection as _Connection
from aiohttp_fast._protocol_c cimport _ResponseHandlerCore as _Protocol
from aiohttp_fast._streams_c cimport StreamReader as _StreamReader


cdef class _ClientResponseCore:
    cdef object __weakref__
    cdef public object method
    cdef public object _url
    cdef public object _real_url
    cdef public object _request_info
    cdef public object _traces
    cdef public object _loop
    cdef public object _session
    cdef public object version
    cdef public object status
    cdef public object reason
    cdef public object _message
    cdef public object _headers
    cdef public _StreamReader content
    cdef public object _body
    cdef public _Connection _connection
    cdef public _Protocol _protocol
    cdef public object _head_waiter
    cdef public object _writer
    cdef public object _history
    cdef public object _cookies
    cdef public bint _released
    cdef public bint _in_context
    cdef public bint _closed
    cdef public object _resolve_charset
    cdef public object _cache
    cdef public object _writer_exc
    cdef public object _request

    cpdef _init(self, method, url, wire_url, request_info, traces, loop, session, writer)
    cpdef _bind(self, connection)
    cpdef _head_received(self, message)
    cpdef _response_eof(self)
    cpdef bint _cleanup_writer(self)
    cpdef release(self)
    cpdef close(self)
    cpdef _notify_content(self)
    cpdef _exit(self, exc_type)
