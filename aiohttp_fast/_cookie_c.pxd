# Augmenting declarations: Cython compiles _cookie_c.py (a symlink to _cookie_py.py) with these
# C types, so the accelerated module runs exactly the reference source.
import cython

cdef frozenset _NAME_CHARS
cdef frozenset _LEGAL_CHARS
cdef frozenset _UNESCAPED_CHARS
cdef frozenset _KNOWN_ATTRS
cdef frozenset _FLAG_ATTRS
cdef dict _BLANK_ATTRS
cdef dict _MONTHS
cdef frozenset _WEEKDAYS
cdef tuple _FIXDATE_DIGITS
cdef tuple _DAYS_IN_MONTH

cdef bint _is_forbidden_ctl(Py_UCS4 c)
cdef bint _is_name_char(Py_UCS4 c)
cdef bint _is_date_delimiter(Py_UCS4 c)
cdef bint _is_digit(Py_UCS4 c)

@cython.locals(n=Py_ssize_t, end=Py_ssize_t, value=long)
cdef tuple _read_number(str token, Py_ssize_t pos, Py_ssize_t min_digits, Py_ssize_t max_digits)

@cython.locals(value=long, k=Py_ssize_t)
cdef long _digits_at(str text, Py_ssize_t start, Py_ssize_t count)

@cython.locals(era=cython.longlong, yoe=cython.longlong, mp=cython.longlong, doy=cython.longlong, doe=cython.longlong)
cdef long long _days_from_civil(long long year, long long month, long long day)

@cython.locals(n=Py_ssize_t, i=Py_ssize_t, start=Py_ssize_t, p=Py_ssize_t,
               found_time=bint, found_day=bint, found_month=bint, found_year=bint,
               hour=long, minute=long, second=long, day=long, month=long, year=long,
               h=long, m=long, s=long, d=long, mo=long, y=long, token=str, k=Py_ssize_t)
cpdef object parse_cookie_date(str text)

@cython.locals(limit=long)
cdef object _timestamp(long year, long month, long day, long hour, long minute, long second)

@cython.locals(n=Py_ssize_t, i=Py_ssize_t, c=long, value=cython.longlong)
cpdef object parse_max_age(str text)

@cython.locals(n=Py_ssize_t, i=Py_ssize_t, end=Py_ssize_t, ch=Py_UCS4, nxt=Py_UCS4, out=list)
cpdef str unquote_value(str text)

@cython.locals(ch=Py_UCS4, out=list)
cpdef str quote_value(str value)

cdef Py_ssize_t _utf8_length(str text)

@cython.locals(ch=Py_UCS4)
cdef bint _has_ctl(str text)

cdef Py_ssize_t _skip_blanks(str text, Py_ssize_t i, Py_ssize_t n)

@cython.locals(ch=Py_UCS4, end=Py_ssize_t)
cdef Py_ssize_t _quoted_span_end(str header, Py_ssize_t start, Py_ssize_t n)

cdef bint _is_blank(Py_UCS4 ch)

@cython.locals(nxt=Py_ssize_t, i=Py_ssize_t, start=Py_ssize_t, j=Py_ssize_t, end=Py_ssize_t,
               value_start=Py_ssize_t, k=Py_ssize_t, e=Py_ssize_t, key=str, value=str)
cdef Py_ssize_t _read_attributes(str header, Py_ssize_t pos, Py_ssize_t n, list out)

@cython.locals(n=Py_ssize_t, i=Py_ssize_t, semi=Py_ssize_t, eq=Py_ssize_t, pos=Py_ssize_t,
               nxt=Py_ssize_t, length=Py_ssize_t, name=str, coded_value=str, value=str,
               key=str, attr_value=str, attrs=dict, ch=Py_UCS4, end=Py_ssize_t,
               count=Py_ssize_t, found=list)
cpdef object parse_set_cookie(str header)

cpdef object make_morsel(str name, str value, str coded_value, object attrs)

@cython.locals(result=list, parsed=tuple)
cpdef list parse_set_cookie_headers(object headers)

cpdef str build_cookie_header(object cookies)

@cython.locals(parts=list, part=str, ch=Py_UCS4)
cpdef bint is_ip_address(str host)

@cython.locals(hl=Py_ssize_t, dl=Py_ssize_t)
cpdef bint domain_match(str domain, str host)

@cython.locals(last=Py_ssize_t)
cpdef str default_path(str uri_path)

@cython.locals(cl=Py_ssize_t)
cpdef bint path_match(str request_path, str cookie_path)


cdef object _SEND_ORDER
cdef double _INF
cdef Py_ssize_t MAX_COOKIES_PER_REQUEST
cdef Py_ssize_t MAX_COOKIES_PER_RESPONSE
cdef Py_ssize_t MAX_COOKIE_HEADER_LENGTH
cdef Py_ssize_t _COOKIE_HEADER_PREFIX_LENGTH

cdef class StoredCookie:
    cdef public object morsel
    cdef public str name
    cdef public str domain
    cdef public str path
    cdef public str path_key
    cdef public bint host_only
    cdef public bint secure
    cdef public object expires
    cdef public long long created
    cdef public object send
    cdef public Py_ssize_t send_len
    cdef public long long order
    cdef public long long access

@cython.locals(value=str, coded=str)
cpdef object send_morsel(object morsel, bint quote)

@cython.locals(selected=dict, entry=StoredCookie, prev=StoredCookie, bucket=object, exact=bint,
               entries=list, admitted=list, chosen=dict, valid_until=double, name=str,
               n=Py_ssize_t, i=Py_ssize_t, header_length=Py_ssize_t, length=Py_ssize_t)
cpdef tuple select_cookies(list buckets, str req_path, bint secure, double now, bint quote,
                           list expired, bint limited, long long generation)

@cython.locals(entry=StoredCookie)
cpdef stamp_access(list entries, long long generation)
