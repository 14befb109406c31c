# cython: language_level=3
"""HTTP/1.x response parser over llhttp (the accelerated twin of ``_parser_py``).

Same contract as ``_parser_py.ResponseParser`` (docs/CONTRACTS.md "Response parser"): bytes in,
``ResponseMessage`` / body bytes / message-complete calls out on the handler, the exception
classes of ``http_exceptions`` out of ``feed_data``/``feed_eof``.

How it stays fast:
- llhttp calls plain C functions; each one returns -1 with a Python exception already set when
  something goes wrong (a limit, a handler raising), and ``feed_data`` re-raises it after
  ``llhttp_execute`` returns. No try/except frames in the hot callbacks.
- A header name/value span is normally complete inside one ``feed_data`` call: its pointer into
  the caller's buffer is kept and turned into ``bytes`` once. Only a span split across feeds is
  copied into a private C buffer (see ``_flush_span``).
- Header names are looked up in a C table straight from the span (hdrs' names, plus the names
  met on the wire, bounded): no bytes object, no decode, and an ``istr`` key that
  ``CIMultiDict`` does not need to case-fold. Each name also remembers its last value, so a
  value repeated on a connection (Server, Content-Type, Vary, ...) costs a memcmp.
- Headers go straight into the ``CIMultiDict`` through multidict's C API, and the
  ``ResponseMessage`` tuple is filled directly.
- Framing facts (content length, chunked, keep-alive, upgrade) come from llhttp's flags.

llhttp runs strict: no lenient flag is enabled.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_CheckExact, PyBytes_FromStringAndSize
from cpython.bytes cimport PyBytes_GET_SIZE
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.exc cimport PyErr_Occurred
from cpython.list cimport PyList_Clear, PyList_GET_SIZE
from cpython.mem cimport PyMem_Free, PyMem_Realloc
from cpython.ref cimport Py_INCREF, Py_XDECREF
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_SET_ITEM
from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_DecodeLatin1, PyUnicode_DecodeUTF8
from libc.stdint cimport uint64_t
from libc.string cimport memcmp, memcpy

from aiohttp_fast._body_buffer_c cimport BodyBufferPool
from aiohttp_fast._llhttp cimport *
from multidict cimport CIMultiDict_New, MultiDict_Add, MultiDict_CAPI, MultiDict_GetCAPI

from multidict import istr

from . import hdrs as _hdrs
from .http_exceptions import (
    BadHttpMessage,
    BadStatusLine,
    ContentLengthError,
    InvalidHeader,
    LineTooLong,
    TooManyHeaders,
    TransferEncodingError,
)
from .http_message import HttpVersion, HttpVersion10, HttpVersion11, ResponseMessage

__all__ = ("ResponseParser",)

# Where in a message the parser is: an llhttp error code alone does not say whether a stray
# byte broke the status line, a header line or the chunked framing (HPE_STRICT, HPE_CR_EXPECTED,
# ... occur everywhere), and the contract maps each section to one exception class.
cdef enum Section:
    SEC_IDLE = 0       # between messages
    SEC_STATUS = 1     # "HTTP/1.1 200 OK\r\n"
    SEC_HEADERS = 2
    SEC_BODY = 3       # Content-Length or read-until-close body
    SEC_CHUNKED = 4    # chunk-size lines, chunk data and their CRLFs
    SEC_TRAILERS = 5   # header lines after the last chunk

cdef extern from "Python.h":
    # the allocator tuple.__new__(cls, ...) uses for a tuple subclass; returns a new reference
    object PyType_GenericAlloc(type t, Py_ssize_t nitems)

cdef type _ResponseMessage = ResponseMessage
if ResponseMessage._fields != ("version", "status", "reason", "headers", "raw_headers",
                               "should_close", "chunked", "upgrade", "content_length"):
    # _new_message fills the tuple by position: a changed ResponseMessage must change it too
    raise ImportError("aiohttp_fast._parser_c was built for another ResponseMessage layout")
# multidict's C API: headers go straight into a CIMultiDict as they are parsed (no list of
# (name, value) tuples to build, walk and free).
# It exists since multidict 7.0; with an older multidict at run time this module refuses to
# import (ImportError), and the selector falls back to the Python twin.
cdef MultiDict_CAPI* _MD = NULL
try:
    _MD = MultiDict_GetCAPI()
except Exception as exc:
    raise ImportError(
        f"aiohttp_fast._parser_c needs multidict's C API (multidict>=7.0): {exc!r}"
    ) from exc


include "_parser_names.pxi"


cdef str _OK = "OK"
cdef object _V11 = HttpVersion11
cdef object _V10 = HttpVersion10

cdef llhttp_settings_t _SETTINGS


cdef class ResponseParser:
    """Incremental HTTP/1.x response parser driving a handler (llhttp inside).

    ``feed_data(bytes)`` calls ``handler.on_headers(ResponseMessage)``, ``handler.on_body(bytes)``
    and ``handler.on_message_complete()`` as messages are found; ``feed_eof()`` ends a
    read-until-close body or reports a truncated message. Errors are ``http_exceptions`` classes.
    """

    cdef llhttp_t _p
    cdef object _cb_headers
    cdef object _cb_body
    cdef object _cb_complete
    cdef object _cb_chunk_complete  # the handler's optional on_chunk_complete, else None
    cdef public bint skip_body
    cdef Py_ssize_t _max_line
    cdef Py_ssize_t _max_field
    cdef Py_ssize_t _max_headers

    cdef int _section
    cdef bint _dead
    cdef bint _upgraded
    cdef bint _busy               # inside llhttp_execute/llhttp_finish
    cdef PyObject* _cur           # the bytes object being parsed (borrowed), else NULL
    # start of the last buffer fed: for error offsets only (stale between feeds, and only
    # compared with pointers into that buffer)
    cdef const char* _ptr0
    cdef uint64_t _offset         # bytes fed before the current feed (for error messages)

    # The span (status text, header name or value) being collected. ``_span_ptr`` points into
    # the buffer of the running llhttp_execute; ``_buf`` holds the start of a span that began
    # in an earlier feed.
    cdef const char* _span_ptr
    cdef Py_ssize_t _span_len
    cdef char* _buf
    cdef Py_ssize_t _buf_len
    cdef Py_ssize_t _buf_cap
    cdef bint _in_buf

    cdef str _reason
    cdef bint _have_reason
    cdef object _raw_name
    cdef object _name
    cdef NameSlot* _slot          # the table slot of _name, NULL when not in the table
    cdef object _headers         # CIMultiDict being filled
    cdef list _raw
    cdef Py_ssize_t _count        # header (then trailer) lines in this message
    cdef Py_ssize_t _ext_len      # chunk-extension bytes on the current chunk-size line
    # body_buffer's buffers, kept for reuse until the message ends (None: none)
    cdef BodyBufferPool _body_buffers

    def __cinit__(self, *args, **kwargs):
        # llhttp is set up here, not in __init__, so that no instance can reach llhttp_execute
        # with a zeroed state (ResponseParser.__new__ without __init__).
        self._buf = NULL
        llhttp_init(&self._p, HTTP_RESPONSE, &_SETTINGS)
        self._p.data = <void*>self
        self._raw = []
        self._max_line = self._max_field = 8190
        self._max_headers = 128

    def __init__(self, handler, *, Py_ssize_t max_line_size=8190,
                 Py_ssize_t max_field_size=8190, Py_ssize_t max_headers=128):
        self._cb_headers = handler.on_headers
        self._cb_body = handler.on_body
        self._cb_complete = handler.on_message_complete
        self._cb_chunk_complete = getattr(handler, "on_chunk_complete", None)
        self.skip_body = False
        self._max_line = max_line_size
        self._max_field = max_field_size
        self._max_headers = max_headers
        llhttp_init(&self._p, HTTP_RESPONSE, &_SETTINGS)  # a second __init__ starts afresh
        self._p.data = <void*>self
        self._section = SEC_IDLE
        self._dead = False
        self._upgraded = False
        self._busy = False
        self._offset = 0
        self._span_ptr = NULL
        self._span_len = 0
        self._buf_len = 0
        self._in_buf = False
        self._headers = None
        self._raw = []

    def __dealloc__(self):
        if self._buf != NULL:
            PyMem_Free(self._buf)
            self._buf = NULL

    # ----------------------------------------------------------------- public API

    def feed_data(self, data, Py_ssize_t size=-1):
        """Parse ``data`` (its first ``size`` bytes when ``size`` is not -1: a reused read
        buffer needs no slice); returns the bytes after a 101 head (then the parser stops),
        else None."""
        cdef Py_buffer view
        cdef const char* ptr
        cdef Py_ssize_t n
        cdef llhttp_errno_t err
        if self._dead or self._upgraded or self._busy:
            self._raise_dead()
        self._busy = True  # llhttp is not reentrant: a handler must not feed from a callback
        if PyBytes_CheckExact(data):
            ptr = PyBytes_AS_STRING(data)
            n = PyBytes_GET_SIZE(data)
            if 0 <= size < n:
                n = size
            self._ptr0 = ptr
            self._cur = <PyObject*>data
            err = llhttp_execute(&self._p, ptr, <size_t>n)
            self._cur = NULL
            self._busy = False
            if self._span_ptr != NULL and err == HPE_OK:
                self._flush_span()
        else:
            # bytearray / memoryview (some event loops hand those over)
            PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
            try:
                ptr = <const char*>view.buf
                n = view.len
                if 0 <= size < n:
                    n = size
                self._ptr0 = ptr
                err = llhttp_execute(&self._p, ptr, <size_t>n)
                self._busy = False
                if self._span_ptr != NULL and err == HPE_OK:
                    self._flush_span()
            finally:
                self._busy = False
                PyBuffer_Release(&view)
        if err == HPE_OK:
            self._offset += <uint64_t>n
            return None
        if size >= 0:
            data = data[:n]  # errors quote the input, and a 101's tail is cut from it
        return self._after_error(err, data, ptr, n)

    def body_buffer(self, Py_ssize_t size):
        """A ``BodyBuffer`` of up to ``size`` bytes when all the next bytes are body of a
        Content-Length message (as many as remain, at most ``size``), else None. A read that
        fills it is fed as ``feed_data(buf.data)``, a short one as ``feed_data(buf.take(n))``."""
        cdef BodyBufferPool pool
        cdef llhttp_t* p = &self._p
        if (self._section != SEC_BODY or self._dead or self._upgraded or self._busy
                or not (p.flags & F_CONTENT_LENGTH)
                or p.flags & F_SKIPBODY or p.content_length == 0 or size <= 0):
            return None
        if p.content_length < <uint64_t>size:
            size = <Py_ssize_t>p.content_length
        pool = self._body_buffers
        if pool is None:
            pool = self._body_buffers = BodyBufferPool.__new__(BodyBufferPool)
        return pool.lend(size)

    @property
    def idle(self):
        """True between messages: no byte of a further message (CR/LF aside) is held."""
        return self._section == SEC_IDLE and not self._dead

    def feed_eof(self):
        """The connection closed: finish a read-until-close body or raise for a cut message."""
        cdef llhttp_errno_t err
        if self._dead or self._busy:
            self._raise_dead()
        if self._upgraded:
            return None
        self._busy = True
        err = llhttp_finish(&self._p)
        self._busy = False
        if err == HPE_OK:
            return None
        self._dead = True
        if PyErr_Occurred():
            return self._reraise()
        sec = self._section
        if sec == SEC_BODY:
            raise ContentLengthError(
                f"Not enough data to satisfy content length header "
                f"(connection closed at offset {self._offset})"
            )
        if sec == SEC_CHUNKED or sec == SEC_TRAILERS:
            raise TransferEncodingError(
                f"Not enough data to satisfy transfer length header "
                f"(connection closed inside the chunked body at offset {self._offset})"
            )
        raise BadHttpMessage(
            f"Connection closed inside the response head at offset {self._offset}"
        )

    # ----------------------------------------------------------------- error paths

    def _raise_dead(self):
        if self._busy:
            raise RuntimeError("the parser was fed from inside one of its handler callbacks")
        if self._upgraded:
            raise RuntimeError("the parser stopped after an upgrade (101) response")
        raise RuntimeError("the parser failed earlier; this connection can not be parsed further")

    cdef object _after_error(self, llhttp_errno_t err, object data, const char* ptr,
                             Py_ssize_t n):
        cdef Py_ssize_t pos
        cdef const char* epos = llhttp_get_error_pos(&self._p)
        if epos != NULL and epos >= ptr and epos <= ptr + n:
            pos = epos - ptr
        else:
            pos = 0
        if err == HPE_PAUSED_UPGRADE:
            self._upgraded = True
            self._offset += <uint64_t>n
            return bytes(data[pos:])
        self._dead = True
        if PyErr_Occurred():
            # A callback raised (a limit, or the handler itself): that exception wins.
            return self._reraise()
        self._check_open_span(epos)
        raise self._map_error(err, data, pos)

    cdef int _check_open_span(self, const char* epos) except -1:
        # llhttp stopped at a bad byte inside a span (status text, header name or value, chunk
        # extension) without reporting the span. If the span was already past its limit before
        # that byte, the limit is the first error in the stream: raise LineTooLong, as the
        # Python twin (which checks bytes in order) does.
        cdef const char* start = <const char*>self._p._span_pos0
        cdef void* cb = self._p._span_cb0
        cdef Py_ssize_t length, limit
        cdef int what
        if start == NULL or epos == NULL or epos < start:
            return 0
        length = epos - start
        if cb == <void*>llhttp__on_status:
            what, limit = 0, self._max_line
        elif cb == <void*>llhttp__on_header_field:
            what, limit = 1, self._max_field
        elif cb == <void*>llhttp__on_header_value:
            what, limit = 2, self._max_field
        elif (cb == <void*>llhttp__on_chunk_extension_name
              or cb == <void*>llhttp__on_chunk_extension_value):
            what, limit = 3, self._max_line
            length += self._ext_len
        else:
            return 0
        if what != 3 and self._in_buf:
            length += self._buf_len
        if length > limit:
            self._too_long(what, length, limit, start)
        return 0

    cdef int _reraise(self) except -1:
        # The exception is already set by a callback; returning -1 makes Cython propagate it.
        return -1

    cdef object _map_error(self, llhttp_errno_t err, object data, Py_ssize_t pos):
        cdef int sec = self._section
        if (err == HPE_INVALID_HEADER_TOKEN or err == HPE_INVALID_CONTENT_LENGTH
                or err == HPE_UNEXPECTED_CONTENT_LENGTH
                or err == HPE_INVALID_TRANSFER_ENCODING):
            cls = InvalidHeader
        elif err == HPE_INVALID_CHUNK_SIZE:
            cls = TransferEncodingError
        elif err == HPE_INVALID_STATUS or err == HPE_INVALID_VERSION:
            cls = BadStatusLine
        elif sec == SEC_STATUS:
            cls = BadStatusLine
        elif sec == SEC_HEADERS or sec == SEC_TRAILERS:
            cls = InvalidHeader
        elif sec == SEC_CHUNKED:
            cls = TransferEncodingError
        else:
            cls = BadHttpMessage
        name = llhttp_errno_name(err).decode("ascii")
        cdef const char* reason = llhttp_get_error_reason(&self._p)
        text = reason.decode("utf-8", "replace") if reason != NULL else ""
        start = pos - 16 if pos > 16 else 0
        near = bytes(data[start:pos + 16])
        return cls(f"{name}: {text} at offset {self._offset + <uint64_t>pos} "
                   f"(near {near!r})")

    # ----------------------------------------------------------------- spans

    cdef int _flush_span(self) except -1:
        # llhttp_execute returned with a span still open: its bytes live in the caller's buffer,
        # which is about to go away, so copy them.
        cdef const char* src = self._span_ptr
        self._span_ptr = NULL
        self._buf_len = 0
        self._in_buf = True
        self._buf_append(src, self._span_len)
        return 0

    cdef int _buf_append(self, const char* at, Py_ssize_t n) except -1:
        cdef Py_ssize_t need = self._buf_len + n
        cdef Py_ssize_t cap
        cdef char* nb
        if need > self._buf_cap:
            cap = self._buf_cap * 2 if self._buf_cap else 256
            while cap < need:
                cap *= 2
            nb = <char*>PyMem_Realloc(self._buf, <size_t>cap)
            if nb == NULL:
                raise MemoryError()
            self._buf = nb
            self._buf_cap = cap
        if n:
            memcpy(self._buf + self._buf_len, at, <size_t>n)
        self._buf_len = need
        return 0

    cdef inline int _span(self, const char* at, size_t length, Py_ssize_t limit,
                          int what) except -1:
        cdef Py_ssize_t total
        if self._in_buf:
            total = self._buf_len + <Py_ssize_t>length
            if total > limit:
                self._too_long(what, total, limit, at)
            self._buf_append(at, <Py_ssize_t>length)
        else:
            if <Py_ssize_t>length > limit:
                self._too_long(what, <Py_ssize_t>length, limit, at)
            self._span_ptr = at
            self._span_len = <Py_ssize_t>length
        return 0

    cdef uint64_t _stream_offset(self, const char* at) noexcept:
        # Offset in the whole stream of a pointer into the buffer being parsed.
        if at != NULL and self._ptr0 != NULL and at >= self._ptr0:
            return self._offset + <uint64_t>(at - self._ptr0)
        return self._offset

    cdef int _too_long(self, int what, Py_ssize_t total, Py_ssize_t limit,
                       const char* at=NULL) except -1:
        # ``at``: where the over-long span's bytes in the current feed start (NULL: unknown).
        cdef uint64_t offset = self._stream_offset(at)
        cdef Py_ssize_t shown
        if self._in_buf and what != 3:
            # the span began in an earlier feed: show its start, count back to it
            shown = self._buf_len if self._buf_len < 32 else 32
            sample = PyBytes_FromStringAndSize(self._buf, shown)
            offset -= <uint64_t>self._buf_len if offset >= <uint64_t>self._buf_len else offset
        elif at != NULL:
            shown = total if total < 32 else 32
            sample = PyBytes_FromStringAndSize(at, shown)
        else:
            sample = b""
        where = f"at offset {offset}: {sample!r}..."
        if what == 0:
            raise LineTooLong(f"Status line is too long: reason phrase exceeds {limit} bytes "
                              f"({total}) {where}")
        if what == 1:
            raise LineTooLong(f"Header name is too long: exceeds {limit} bytes ({total}) {where}")
        if what == 2:
            raise LineTooLong(f"Header value is too long: exceeds {limit} bytes ({total}) "
                              f"{where}")
        raise LineTooLong(f"Chunk extension is too long: exceeds {limit} bytes ({total}) {where}")

    cdef inline Py_ssize_t _span_get(self, const char** chars) noexcept:
        # The finished span, from wherever it lives (valid until _span_clear).
        if self._in_buf:
            chars[0] = self._buf
            return self._buf_len
        if self._span_ptr != NULL:
            chars[0] = self._span_ptr
            return self._span_len
        chars[0] = ""
        return 0

    cdef inline void _span_clear(self) noexcept:
        self._span_ptr = NULL
        if self._in_buf:
            self._in_buf = False
            self._buf_len = 0
            if self._buf_cap > 65536:
                # one huge header must not pin its buffer for the connection's life
                PyMem_Free(self._buf)
                self._buf = NULL
                self._buf_cap = 0

    # ----------------------------------------------------------------- llhttp events

    cdef inline int _finish_status(self) except -1:
        cdef const char* chars
        cdef Py_ssize_t n
        n = self._span_get(&chars)
        if n == 2 and chars[0] == 79 and chars[1] == 75:  # "OK", most responses
            self._reason = _OK
        else:
            self._reason = PyUnicode_DecodeUTF8(chars, n, "surrogateescape")
        self._span_clear()
        self._have_reason = True
        self._section = SEC_HEADERS
        return 0

    cdef inline int _on_message_begin(self) except -1:
        self._section = SEC_STATUS
        self._have_reason = False
        self._count = 0
        self._ext_len = 0
        self._headers = CIMultiDict_New(_MD, 16)
        if PyList_GET_SIZE(self._raw):
            # the message got a tuple copy: the list can be reused (no slice object)
            PyList_Clear(self._raw)
        return 0

    cdef inline int _on_field_complete(self) except -1:
        cdef const char* chars
        cdef Py_ssize_t n
        cdef NameSlot* slot
        self._count += 1
        if self._count > self._max_headers:
            return self._too_many()
        n = self._span_get(&chars)
        slot = _find_name(chars, n)
        if slot != NULL and slot.raw != NULL:
            self._raw_name = <object>slot.raw
            self._name = <object>slot.name
            self._slot = slot
        else:
            self._new_name(chars, n, slot)
        self._span_clear()
        return 0

    cdef int _new_name(self, const char* chars, Py_ssize_t n, NameSlot* slot) except -1:
        # Kept out of _on_field_complete so the hit path has no Python locals to manage.
        raw = PyBytes_FromStringAndSize(chars, n)
        name = istr(PyUnicode_DecodeLatin1(chars, n, NULL))
        if slot != NULL:
            _add_name(slot, raw, name)
            if slot.raw == NULL:  # the table is full, or the name too long to keep
                slot = NULL
        self._raw_name = raw
        self._name = name
        self._slot = slot
        return 0

    cdef int _too_many(self) except -1:
        cdef const char* chars
        cdef Py_ssize_t n = self._span_get(&chars)
        what = "trailers" if self._section == SEC_TRAILERS else "headers"
        raise TooManyHeaders(
            f"Too many {what}: more than {self._max_headers} (at offset "
            f"{self._stream_offset(chars if not self._in_buf else NULL)}: "
            f"{PyBytes_FromStringAndSize(chars, n if n < 32 else 32)!r})")

    cdef inline int _on_value_complete(self) except -1:
        cdef const char* chars
        cdef Py_ssize_t n
        n = self._span_get(&chars)
        if self._section == SEC_TRAILERS:
            self._span_clear()
            return 0  # trailers are validated and counted, not delivered
        # llhttp drops the whitespace before a value but keeps the whitespace after it (OWS,
        # RFC 9110 5.5): strip it from both the value and its raw bytes.
        while n and (chars[n - 1] == 32 or chars[n - 1] == 9):
            n -= 1
        cdef NameSlot* slot = self._slot
        cdef PyObject* last
        if slot != NULL and slot.last_pair != NULL:
            last = PyTuple_GET_ITEM(<object>slot.last_pair, 1)
            if (PyBytes_GET_SIZE(<object>last) == n
                    and memcmp(PyBytes_AS_STRING(<object>last), chars, <size_t>n) == 0):
                MultiDict_Add(_MD, self._headers, self._name, <object>slot.last_value)
                self._raw.append(<object>slot.last_pair)
                self._span_clear()
                return 0
        raw = PyBytes_FromStringAndSize(chars, n)
        value = PyUnicode_DecodeUTF8(chars, n, "surrogateescape")
        pair = (self._raw_name, raw)
        MultiDict_Add(_MD, self._headers, self._name, value)
        self._raw.append(pair)
        if slot != NULL and n <= VALUE_CACHE_MAX_LEN and not slot.secret:
            Py_XDECREF(slot.last_pair)
            Py_XDECREF(slot.last_value)
            Py_INCREF(pair)
            Py_INCREF(value)
            slot.last_pair = <PyObject*>pair
            slot.last_value = <PyObject*>value
        self._span_clear()
        return 0

    cdef inline int _on_headers_complete(self) except -1:
        cdef llhttp_t* p = &self._p
        cdef int status = p.status_code
        cdef unsigned int flags = p.flags
        cdef bint upgrade = p.upgrade != 0
        cdef bint no_body
        cdef bint should_close
        if not self._have_reason:
            self._finish_status()
        if p.http_major == 1:
            version = _V11 if p.http_minor == 1 else (
                _V10 if p.http_minor == 0 else HttpVersion(1, p.http_minor))
        else:
            version = HttpVersion(p.http_major, p.http_minor)
        # 1xx (not 101), 204 and 304 never have a body, whatever their headers say; a HEAD
        # response neither. llhttp is told with return value 1 ("no body").
        no_body = self.skip_body or (100 <= status < 200 and status != 101) or \
            status == 204 or status == 304
        if no_body:
            p.flags = <unsigned short>(flags | F_SKIPBODY)  # so should_keep_alive sees it
        should_close = upgrade or not llhttp_should_keep_alive(p)
        content_length = p.content_length if flags & F_CONTENT_LENGTH else None
        headers = self._headers
        msg = _new_message(version, status, self._reason, headers, tuple(self._raw),
                           should_close, (flags & F_CHUNKED) != 0, upgrade, content_length)
        self._count = 0
        self._section = SEC_CHUNKED if (flags & F_CHUNKED and not no_body) else SEC_BODY
        self._cb_headers(msg)
        return 1 if no_body else 0

    cdef inline int _on_message_complete(self) except -1:
        self._section = SEC_IDLE
        self._body_buffers = None  # an idle connection holds no buffer
        self._cb_complete()
        return 0


cdef inline void _put(object t, Py_ssize_t i, object v):
    Py_INCREF(v)  # PyTuple_SET_ITEM steals a reference
    PyTuple_SET_ITEM(t, i, v)


cdef object _new_message(object version, int status, str reason, object headers,
                         tuple raw_headers, bint should_close, bint chunked, bint upgrade,
                         object content_length):
    # ResponseMessage(...) runs the namedtuple's Python __new__; filling the tuple subclass
    # directly is what tuple.__new__ does, minus the argument parsing (~100 ns per message).
    cdef object msg = PyType_GenericAlloc(_ResponseMessage, 9)
    _put(msg, 0, version)
    _put(msg, 1, status)
    _put(msg, 2, reason)
    _put(msg, 3, headers)
    _put(msg, 4, raw_headers)
    _put(msg, 5, should_close)
    _put(msg, 6, chunked)
    _put(msg, 7, upgrade)
    _put(msg, 8, content_length)
    return msg


# llhttp callbacks: module-level C functions. Each returns -1 with a Python exception set to stop
# llhttp; feed_data re-raises it (the `except -1` C signature is what llhttp expects: an int).

cdef int cb_on_message_begin(llhttp_t* p) except -1:
    return (<ResponseParser>p.data)._on_message_begin()


cdef int cb_on_status(llhttp_t* p, const char* at, size_t length) except -1:
    cdef ResponseParser self = <ResponseParser>p.data
    return self._span(at, length, self._max_line, 0)


cdef int cb_on_status_complete(llhttp_t* p) except -1:
    return (<ResponseParser>p.data)._finish_status()


cdef int cb_on_header_field(llhttp_t* p, const char* at, size_t length) except -1:
    cdef ResponseParser self = <ResponseParser>p.data
    if self._section == SEC_STATUS:
        self._finish_status()
    return self._span(at, length, self._max_field, 1)


cdef int cb_on_header_field_complete(llhttp_t* p) except -1:
    return (<ResponseParser>p.data)._on_field_complete()


cdef int cb_on_header_value(llhttp_t* p, const char* at, size_t length) except -1:
    cdef ResponseParser self = <ResponseParser>p.data
    return self._span(at, length, self._max_field, 2)


cdef int cb_on_header_value_complete(llhttp_t* p) except -1:
    return (<ResponseParser>p.data)._on_value_complete()


cdef int cb_on_headers_complete(llhttp_t* p) except -1:
    return (<ResponseParser>p.data)._on_headers_complete()


cdef int cb_on_body(llhttp_t* p, const char* at, size_t length) except -1:
    cdef ResponseParser self = <ResponseParser>p.data
    cdef PyObject* cur = self._cur
    if length == 0:
        return 0
    if (cur != NULL and at == PyBytes_AS_STRING(<object>cur)
            and <Py_ssize_t>length == PyBytes_GET_SIZE(<object>cur)):
        self._cb_body(<object>cur)  # a feed that is all body: hand it on, no copy
    else:
        self._cb_body(PyBytes_FromStringAndSize(at, <Py_ssize_t>length))
    return 0


cdef int cb_on_message_complete(llhttp_t* p) except -1:
    return (<ResponseParser>p.data)._on_message_complete()


cdef int cb_on_chunk_header(llhttp_t* p) except -1:
    cdef ResponseParser self = <ResponseParser>p.data
    self._ext_len = 0
    if p.content_length == 0:
        self._section = SEC_TRAILERS  # the last chunk: what follows are trailer lines
    return 0


cdef int cb_on_chunk_complete(llhttp_t* p) except -1:
    cdef ResponseParser self = <ResponseParser>p.data
    if self._cb_chunk_complete is not None:
        self._cb_chunk_complete()
    return 0


cdef int cb_on_chunk_extension(llhttp_t* p, const char* at, size_t length) except -1:
    # Extension names and values are counted, not kept (the client ignores them).
    cdef ResponseParser self = <ResponseParser>p.data
    self._ext_len += <Py_ssize_t>length
    if self._ext_len > self._max_line:
        self._too_long(3, self._ext_len, self._max_line, at)
    return 0


llhttp_settings_init(&_SETTINGS)
_SETTINGS.on_message_begin = <llhttp_cb>cb_on_message_begin
_SETTINGS.on_status = <llhttp_data_cb>cb_on_status
_SETTINGS.on_status_complete = <llhttp_cb>cb_on_status_complete
_SETTINGS.on_header_field = <llhttp_data_cb>cb_on_header_field
_SETTINGS.on_header_field_complete = <llhttp_cb>cb_on_header_field_complete
_SETTINGS.on_header_value = <llhttp_data_cb>cb_on_header_value
_SETTINGS.on_header_value_complete = <llhttp_cb>cb_on_header_value_complete
_SETTINGS.on_headers_complete = <llhttp_cb>cb_on_headers_complete
_SETTINGS.on_body = <llhttp_data_cb>cb_on_body
_SETTINGS.on_message_complete = <llhttp_cb>cb_on_message_complete
_SETTINGS.on_chunk_header = <llhttp_cb>cb_on_chunk_header
_SETTINGS.on_chunk_complete = <llhttp_cb>cb_on_chunk_complete
_SETTINGS.on_chunk_extension_name = <llhttp_data_cb>cb_on_chunk_extension
_SETTINGS.on_chunk_extension_value = <llhttp_data_cb>cb_on_chunk_extension
