# The body buffers' types, for the parser (_parser_c) to cimport.

cdef class BodyBuffer:
    cdef readonly bytes data


cdef class BodyBufferPool:
    cdef list _spares

    cdef BodyBuffer lend(self, Py_ssize_t size)
