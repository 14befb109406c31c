# Augmenting declarations: Cython compiles _protocol_c.py (a symlink to _protocol_py.py)
# with ResponseHandler's state and methods (_ResponseHandlerCore) as an extension type, so
# the protocol's own attribute reads and writes are C struct accesses instead of slot
# look-ups.
from aiohttp_fast._read_buffer_c cimport SharedReadBuffer as _SharedReadBuffer
from aiohttp_fast._streams_c cimport StreamReader as _StreamReader


cdef class _ResponseHandlerCore:
    cdef public object _loop
    cdef public object transport
    cdef public object closed
    cdef public object _parser
    cdef public object _limits
    cdef public bint _paused_writing
    cdef public object _drain_waiter
    cdef public bint _reading_paused
    cdef public bint _should_close
    cdef public object _exception
    cdef public object _head_waiter
    cdef public object _continue_waiter
    cdef public object _message
    cdef public _StreamReader payload
    cdef public bint _payload_done
    cdef public bint _interim
    cdef public object _decoder
    cdef public bint _auto_decompress
    cdef public object _read_bufsize
    cdef public bint _read_until_eof
    cdef public bint _sending
    cdef public bint _got_response_data
    cdef public bint _upgraded
    cdef public object _tail
    cdef public object _read_timeout
    cdef public object _deadline
    cdef public object _last_read
    cdef public object _timer
    cdef public object _timer_when
    cdef public object _zin
    cdef public bint _zin_done
    cdef public bint _drain_scheduled
    cdef public _SharedReadBuffer _rbuf
    cdef public object _lent
    cdef public object _body_buf

    cpdef data_received(self, data)
    cpdef _feed(self, data, Py_ssize_t size)
    cpdef bint _must_close(self)
    cpdef bint _idle_usable(self)
    cpdef forget_exchange(self)
    cpdef begin(self, bint skip_body, object options, bint expect100, bint body_pending)
