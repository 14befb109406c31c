# Augmenting declarations: Cython compiles _request_context_c.py (a symlink to
# _request_context_py.py) with both context managers as extension types.
from aiohttp_fast._client_response_c cimport _ClientResponseCore as _Response


cdef class RequestContextManager:
    cdef object _coro
    cdef _Response _resp


cdef class SessionRequestContextManager:
    cdef object _coro
    cdef object _session
    cdef object _resp
