# cython: language_level=3
"""Where a large Content-Length body is read to: bytes objects lent as writable memory.

The llhttp parser (``_parser_c``) hands the protocol a ``BodyBuffer`` for its next read when
every byte to come is body; a read that fills it is fed back as the bytes object itself, which
reaches ``on_body`` uncopied. A ``BodyBufferPool`` keeps a message's last few buffers and
refills one once nobody else holds its bytes: fresh 256 KiB objects per read would fault fresh
pages in whenever malloc gives memory back. C only: the Python parser reads into the shared
buffer and copies (its ``body_buffer`` returns None). Contract: docs/CONTRACTS.md.
"""

from cpython.buffer cimport PyBuffer_FillInfo
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.list cimport PyList_GET_SIZE
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF

__all__ = ("BodyBuffer", "BodyBufferPool")


cdef extern from *:
    """
    /* A bytes object caches its hash: one refilled for reuse must forget it. Where the
       cache field is not known to exist, no buffer is reused. */
    static inline int afast_bytes_forget_hash(PyObject* o) {
    #if PY_VERSION_HEX < 0x030F0000 && !defined(PYPY_VERSION)
        ((PyBytesObject*)o)->ob_shash = -1;
        return 1;
    #else
        (void)o;
        return 0;
    #endif
    }

    /* The first n bytes of o as a bytes object of their own; steals the reference to o.
       Shrunk in place when nothing else holds o (realloc gives the rest back, no copy),
       else copied. */
    static PyObject* afast_bytes_shrink(PyObject* o, Py_ssize_t n) {
        PyObject* r;
    #if PY_VERSION_HEX < 0x030F0000 && !defined(PYPY_VERSION)
        if (Py_REFCNT(o) == 1) {
            if (_PyBytes_Resize(&o, n) < 0)
                return NULL;  /* o is freed */
            return o;
        }
    #endif
        r = PyBytes_FromStringAndSize(PyBytes_AS_STRING(o), n);
        Py_DECREF(o);
        return r;
    }
    """
    bint afast_bytes_forget_hash(PyObject* o)
    object afast_bytes_shrink(PyObject* o, Py_ssize_t n)


# Buffers a pool keeps for reuse: a reader holds the chunk it is on and the reader's buffer
# the next one or two when the next read comes.
cdef enum:
    _SPARES = 4


cdef inline bint _reusable(BodyBuffer buf, Py_ssize_t size):
    # Only the BodyBuffer holds its bytes (what was handed on has been let go), so refilling
    # them can not change what anyone sees. The count is read through a borrowed pointer: a
    # temporary reference would add one.
    cdef PyObject* data = <PyObject*>buf.data
    return (data.ob_refcnt == 1 and PyBytes_GET_SIZE(<object>data) == size
            and afast_bytes_forget_hash(data))


cdef class BodyBuffer:
    """Where the next read of a Content-Length body can land: a new bytes object, exposed as
    writable memory until the read is in. ``data`` is that object; fed whole to the parser (a
    read that filled it), it reaches ``on_body`` as is, with no copy.

    Only the parser hands one out (``body_buffer``), and only for the protocol's next read:
    the object is nobody else's until it is fed.
    """

    def __getbuffer__(self, Py_buffer* view, int flags):
        if self.data is None:
            raise BufferError("this body buffer was taken already")
        PyBuffer_FillInfo(view, self, PyBytes_AS_STRING(self.data), PyBytes_GET_SIZE(self.data),
                          0, flags)

    def __releasebuffer__(self, Py_buffer* view):
        pass

    def take(self, Py_ssize_t n):
        """The first ``n`` bytes read into this buffer (a short read) as bytes of their own,
        shrunk in place rather than copied; the buffer is spent (``data`` becomes None)."""
        cdef PyObject* o
        if self.data is None:
            raise RuntimeError("this body buffer was taken already")
        if n < 0 or n > PyBytes_GET_SIZE(self.data):
            raise ValueError(f"{n} bytes of a {PyBytes_GET_SIZE(self.data)}-byte buffer")
        o = <PyObject*>self.data
        Py_INCREF(<object>o)  # afast_bytes_shrink takes this reference
        self.data = None
        return afast_bytes_shrink(o, n)


cdef class BodyBufferPool:
    """One message's body buffers: ``lend`` refills one nobody else holds, else makes one.

    Spent buffers (a short read's, taken) are dropped as found; the parser drops the whole
    pool when the message ends, so an idle connection holds no buffer.
    """

    cdef BodyBuffer lend(self, Py_ssize_t size):
        cdef BodyBuffer buf
        cdef Py_ssize_t i = 0
        spares = self._spares
        if spares is None:
            spares = self._spares = []
        while i < PyList_GET_SIZE(spares):
            buf = <BodyBuffer>spares[i]
            if buf.data is None:
                del spares[i]  # spent: its bytes went to the reader
                continue
            if _reusable(buf, size):
                return buf
            i += 1
        buf = BodyBuffer.__new__(BodyBuffer)
        buf.data = PyBytes_FromStringAndSize(NULL, size)
        if PyList_GET_SIZE(spares) == _SPARES:
            del spares[0]  # the oldest goes: its bytes are their holder's now
        spares.append(buf)
        return buf
