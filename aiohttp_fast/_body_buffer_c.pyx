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
    """
    bint afast_bytes_forget_hash(PyObject* o)


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
            raise BufferError("this body buffer was never lent")
        PyBuffer_FillInfo(view, self, PyBytes_AS_STRING(self.data), PyBytes_GET_SIZE(self.data),
                          0, flags)

    def __releasebuffer__(self, Py_buffer* view):
        pass

    def take(self, Py_ssize_t n):
        """The first ``n`` bytes read into this buffer (a short read), copied out as bytes of
        their own; the buffer stays its pool's, to be refilled by a later read.

        A copy of at most one read, rather than shrinking the object in place: a shrunk buffer
        is spent, and the fresh one that replaces it at the next read has every page faulted
        in anew wherever malloc gave the memory back. That cost slows the client, which makes
        the next reads short too (64 MiB downloads with client and server on one core: 16,800
        page faults per download when shrinking, 150-800 when copying).
        """
        if self.data is None:
            raise BufferError("this body buffer was never lent")
        if n < 0 or n > PyBytes_GET_SIZE(self.data):
            raise ValueError(f"{n} bytes of a {PyBytes_GET_SIZE(self.data)}-byte buffer")
        return PyBytes_FromStringAndSize(PyBytes_AS_STRING(self.data), n)


cdef class BodyBufferPool:
    """One message's body buffers: ``lend`` refills one nobody else holds, else makes one.

    The parser drops the whole pool when the message ends, so an idle connection holds no
    buffer.
    """

    cdef BodyBuffer lend(self, Py_ssize_t size):
        cdef BodyBuffer buf
        spares = self._spares
        if spares is None:
            spares = self._spares = []
        for buf in spares:
            if _reusable(buf, size):
                return buf
        buf = BodyBuffer.__new__(BodyBuffer)
        buf.data = PyBytes_FromStringAndSize(NULL, size)
        if PyList_GET_SIZE(spares) == _SPARES:
            del spares[0]  # the oldest goes: its bytes are their holder's now
        spares.append(buf)
        return buf
