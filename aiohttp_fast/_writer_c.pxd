# Augmenting declarations: Cython compiles _writer_c.py (a symlink to _writer_py.py) with these
# C types, so the accelerated module runs exactly the reference source.
import cython

cdef set _VALID_NAMES
cdef set _VALID_METHODS
cdef Py_ssize_t _CACHE_LIMIT
cdef str _HTTP11_TAIL
cdef str _HTTP10_TAIL

cdef _check_token(object kind, object value)
cdef _check_forbidden(object kind, object value)
cdef _find_injection(list parts)

@cython.locals(parts=list, values=list, checked=str, tail=str)
cpdef bytes serialize_request_head(object method, object target, object version, object headers)
