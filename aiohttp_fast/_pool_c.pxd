# Augmenting declarations: Cython compiles _pool_c.py (a symlink to _pool_py.py) with these C
# types, so the accelerated pool runs exactly the reference source.
cdef class Pool:
    cdef public Py_ssize_t limit
    cdef public Py_ssize_t limit_per_host
    cdef Py_ssize_t _acquired
    cdef dict _per_key
    cdef dict _idle
    cdef object _waiters

    cdef void _take(self, object key)
    cdef void _wake(self)
    cpdef bint try_acquire(self, object key)
    cpdef void release_slot(self, object key)
    cpdef void put_idle(self, object key, object conn, double now)
    cpdef object pop_idle(self, object key)
    cpdef bint has_idle(self, object key)
