# Augmenting declarations: Cython compiles _request_context_c.py (a symlink to
# _request_context_py.py) with both context managers as extension types.
cdef class RequestContextManager:
    cdef object _coro
    cdef object _resp


cdef class SessionRequestContextManager:
    cdef object _coro
    cdef object _session
    cdef object _resp
