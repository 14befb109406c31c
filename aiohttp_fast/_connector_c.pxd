# Augmenting declarations: Cython compiles _connector_c.py (a symlink to _connector_py.py)
# with Connection and BaseConnector as extension types, so their own attribute reads and
# writes are C struct accesses instead of slot or dict look-ups.
from aiohttp_fast._pool_c cimport Pool as _Pool


cdef class BaseConnector


cdef class Connection:
    cdef public BaseConnector _connector
    cdef public object _key
    cdef public object _protocol
    cdef public object _loop
    cdef public object is_reused
    cdef public object _callbacks


cdef class BaseConnector:
    # a connector accepts attributes of its own, as aiohttp's does
    cdef dict __dict__
    cdef object __weakref__
    cdef public object _loop
    cdef public object _keepalive_timeout
    cdef public object _force_close
    cdef public object _timeout_ceil_threshold
    cdef public object _cleanup_closed
    cdef public _Pool _pool
    cdef public object _acquired
    cdef public object _sweep_handle
    cdef public object _closed
    cdef public object _close_grace
    cdef public object _factory

    cpdef _release(self, key, proto, bint should_close)
    cpdef _pop_reusable(self, key)
