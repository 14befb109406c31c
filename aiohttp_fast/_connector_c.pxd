# Augmenting declarations: Cython compiles _connector_c.py (a symlink to _connector_py.py)
# with Connection and BaseConnector as extension types, so their own attribute reads and
# writes are C struct accesses instead of slot or dict look-ups.
import cython

from aiohttp_fast._pool_c cimport Pool as _Pool
from aiohttp_fast._protocol_c cimport _ResponseHandlerCore as _Protocol


cdef class BaseConnector


cdef class Connection:
    cdef public BaseConnector _connector
    cdef public object _key
    cdef public _Protocol _protocol
    cdef public object _loop
    cdef public object is_reused
    cdef public object _callbacks

    cpdef release(self)
    cpdef close(self)


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
    cdef public set _acquired
    cdef public object _sweep_handle
    cdef public object _closed
    cdef public object _close_grace
    cdef public object _factory

    cpdef _release(self, key, _Protocol proto, bint should_close)
    @cython.locals(proto=_Protocol)
    cpdef _pop_reusable(self, key)
    cpdef _connect_now(self, req)
    cpdef _lend_idle(self, key)
