# Augmenting declarations: Cython compiles _read_buffer_c.py (a symlink to _read_buffer_py.py)
# with the shared buffer as an extension type, so the protocol's per-read checks of ``busy``
# are C struct accesses.
cdef class SharedReadBuffer:
    cdef public object view
    cdef public bint busy
