# Included by _parser_c.pyx (one extension module, one namespace): the header-name table.
# It uses the .pyx's cimports (memcpy, PyBytes_*, PyObject) and imports (istr, _hdrs).

# Header names -> pre-built (bytes, istr) pairs, looked up straight from llhttp's span (no bytes
# object, no dict hash): an open-addressing table keyed by the exact bytes as sent. It holds every
# name hdrs knows, in canonical and lower case (HTTP/2-style servers behind proxies send lower
# case), and learns names met on the wire (X-Request-Id, CF-RAY, ...): a connection sees the same
# names again and again, and an istr key makes CIMultiDict three times cheaper to build. Bounded
# (count and length) so a hostile server can not grow it.
ctypedef struct NameSlot:
    Py_ssize_t length
    const char* chars      # the bytes object's buffer
    PyObject* raw          # bytes, kept alive by _NAME_KEEP
    PyObject* name         # istr, kept alive by _NAME_KEEP
    # The last value seen under this name, owned references (NULL until then): a connection
    # gets the same Server, Content-Type, Vary, Cache-Control... again and again, and a repeat
    # costs a memcmp instead of a bytes, a str and a tuple.
    PyObject* last_pair    # (raw name, raw value) tuple, as raw_headers holds it
    PyObject* last_value   # the decoded value
    bint secret            # never cache values under this name (credentials, cookies)

cdef enum:
    NAME_SLOTS = 4096      # power of two
    NAME_MAX = 2048        # at most half full: probe chains stay short
    NAME_MAX_LEN = 64
    NAME_PROBES = 8
    VALUE_CACHE_MAX_LEN = 256

cdef NameSlot _SLOTS[NAME_SLOTS]
cdef Py_ssize_t _N_NAMES = 0
cdef list _NAME_KEEP = []


cdef inline uint64_t _load_upto8(const char* s, Py_ssize_t n) noexcept:
    cdef uint64_t v = 0
    memcpy(&v, s, <size_t>n)
    return v


cdef inline NameSlot* _find_name(const char* s, Py_ssize_t n) noexcept:
    # Returns the matching slot, else the empty slot where the name would go, else NULL (the
    # probe limit keeps a flood of colliding names from making lookups slow). The hash reads
    # the length and at most 24 bytes: names differ early or late, and memcmp settles it.
    cdef uint64_t h = <uint64_t>n * 0x9E3779B97F4A7C15ULL
    cdef Py_ssize_t i, _probe
    cdef NameSlot* slot
    if n >= 8:
        h = (h ^ _load_upto8(s, 8)) * 0xFF51AFD7ED558CCDULL
        h = (h ^ _load_upto8(s + n - 8, 8)) * 0xC4CEB9FE1A85EC53ULL
        if n > 16:
            h = (h ^ _load_upto8(s + (n >> 1) - 4, 8)) * 0xFF51AFD7ED558CCDULL
    else:
        h = (h ^ _load_upto8(s, n)) * 0xFF51AFD7ED558CCDULL
    # A multiplication carries low bits up, never high bits down: the last bytes of a name (the
    # high bytes of a little-endian load) must be folded down, or X-Thing-01 ... X-Thing-15 all
    # land on one probe chain and the ones past NAME_PROBES are never cached (murmur3's fmix64).
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    i = <Py_ssize_t>(h & (NAME_SLOTS - 1))
    for _probe in range(NAME_PROBES):
        slot = &_SLOTS[i]
        if slot.raw == NULL:
            return slot
        if slot.length == n and memcmp(slot.chars, s, <size_t>n) == 0:
            return slot
        i = (i + 1) & (NAME_SLOTS - 1)
    return NULL


# Values that must not outlive their response in the value cache (lower-case names).
cdef frozenset _SECRET_NAMES = frozenset({
    "set-cookie", "set-cookie2", "authorization", "proxy-authorization", "www-authenticate",
    "proxy-authenticate", "authentication-info", "proxy-authentication-info",
})


cdef int _add_name(NameSlot* slot, bytes raw, object name) except -1:
    global _N_NAMES
    if _N_NAMES >= NAME_MAX or PyBytes_GET_SIZE(raw) > NAME_MAX_LEN:
        return 0
    _NAME_KEEP.append((raw, name))
    slot.length = PyBytes_GET_SIZE(raw)
    slot.chars = PyBytes_AS_STRING(raw)
    slot.raw = <PyObject*>raw
    slot.name = <PyObject*>name
    slot.secret = str(name).lower() in _SECRET_NAMES
    _N_NAMES += 1
    return 0


def _load_known_names():
    cdef bytes raw
    cdef NameSlot* slot
    for value in vars(_hdrs).values():
        if isinstance(value, istr):
            canon = str(value)
            for variant in (canon, canon.lower()):
                raw = variant.encode("ascii")
                slot = _find_name(PyBytes_AS_STRING(raw), PyBytes_GET_SIZE(raw))
                if slot != NULL and slot.raw == NULL:
                    _add_name(slot, raw, istr(variant))


_load_known_names()
