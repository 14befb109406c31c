# Augmenting declarations: Cython compiles _request_heads_c.py (a symlink to
# _request_heads_py.py) with its caches as C-typed dicts, so a cached head is found without
# a Python frame (the request path asks once per request).
cdef dict _HEAD_BLOCKS
cdef Py_ssize_t _HEAD_BLOCKS_MAX
cdef dict _WHOLE_HEADS

cpdef object cached_head(object method, object url, object headers, object body,
                         object header_lines)
