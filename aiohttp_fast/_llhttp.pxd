# Declarations of vendor/llhttp/llhttp.h (llhttp 9.4.2) that _parser_c.pyx uses.
# Only what the response parser needs; the struct fields listed are the ones read directly
# (reading flags/content_length from the struct avoids a C call per message).

from libc.stdint cimport uint8_t, uint16_t, int32_t, uint64_t


# Not `nogil`: the callbacks given to llhttp are Cython functions that use Python objects (the
# parser always runs with the GIL held).
cdef extern from "llhttp.h":
    ctypedef struct llhttp_t:
        void* _span_pos0     # start of the open span, NULL when none (kept after an error)
        void* _span_cb0      # the span's callback: tells which span was open
        int32_t error
        const char* reason
        const char* error_pos
        void* data
        uint64_t content_length
        uint8_t type
        uint8_t http_major
        uint8_t http_minor
        uint8_t upgrade
        uint16_t flags
        uint16_t status_code

    ctypedef int (*llhttp_data_cb)(llhttp_t*, const char* at, size_t length)
    ctypedef int (*llhttp_cb)(llhttp_t*)

    ctypedef struct llhttp_settings_t:
        llhttp_cb on_message_begin
        llhttp_data_cb on_protocol
        llhttp_data_cb on_url
        llhttp_data_cb on_status
        llhttp_data_cb on_method
        llhttp_data_cb on_version
        llhttp_data_cb on_header_field
        llhttp_data_cb on_header_value
        llhttp_data_cb on_chunk_extension_name
        llhttp_data_cb on_chunk_extension_value
        llhttp_cb on_headers_complete
        llhttp_data_cb on_body
        llhttp_cb on_message_complete
        llhttp_cb on_protocol_complete
        llhttp_cb on_url_complete
        llhttp_cb on_status_complete
        llhttp_cb on_method_complete
        llhttp_cb on_version_complete
        llhttp_cb on_header_field_complete
        llhttp_cb on_header_value_complete
        llhttp_cb on_chunk_extension_name_complete
        llhttp_cb on_chunk_extension_value_complete
        llhttp_cb on_chunk_header
        llhttp_cb on_chunk_complete
        llhttp_cb on_reset

    ctypedef enum llhttp_errno_t "llhttp_errno_t":
        HPE_OK
        HPE_INTERNAL
        HPE_STRICT
        HPE_LF_EXPECTED
        HPE_UNEXPECTED_CONTENT_LENGTH
        HPE_CLOSED_CONNECTION
        HPE_INVALID_METHOD
        HPE_INVALID_URL
        HPE_INVALID_CONSTANT
        HPE_INVALID_VERSION
        HPE_INVALID_HEADER_TOKEN
        HPE_INVALID_CONTENT_LENGTH
        HPE_INVALID_CHUNK_SIZE
        HPE_INVALID_STATUS
        HPE_INVALID_EOF_STATE
        HPE_INVALID_TRANSFER_ENCODING
        HPE_CB_MESSAGE_BEGIN
        HPE_CB_HEADERS_COMPLETE
        HPE_CB_MESSAGE_COMPLETE
        HPE_CB_CHUNK_HEADER
        HPE_CB_CHUNK_COMPLETE
        HPE_PAUSED
        HPE_PAUSED_UPGRADE
        HPE_PAUSED_H2_UPGRADE
        HPE_USER
        HPE_CR_EXPECTED
        HPE_UNEXPECTED_SPACE

    ctypedef enum llhttp_flags_t "llhttp_flags_t":
        F_CONNECTION_KEEP_ALIVE
        F_CONNECTION_CLOSE
        F_CONNECTION_UPGRADE
        F_CHUNKED
        F_UPGRADE
        F_CONTENT_LENGTH
        F_SKIPBODY
        F_TRAILING
        F_TRANSFER_ENCODING

    ctypedef enum llhttp_type_t "llhttp_type_t":
        HTTP_BOTH
        HTTP_REQUEST
        HTTP_RESPONSE

    void llhttp_init(llhttp_t* parser, llhttp_type_t type, const llhttp_settings_t* settings)
    void llhttp_settings_init(llhttp_settings_t* settings)
    void llhttp_reset(llhttp_t* parser)
    llhttp_errno_t llhttp_execute(llhttp_t* parser, const char* data, size_t len)
    llhttp_errno_t llhttp_finish(llhttp_t* parser)
    int llhttp_message_needs_eof(const llhttp_t* parser)
    int llhttp_should_keep_alive(const llhttp_t* parser)
    llhttp_errno_t llhttp_get_errno(const llhttp_t* parser)
    const char* llhttp_get_error_reason(const llhttp_t* parser)
    const char* llhttp_get_error_pos(const llhttp_t* parser)
    const char* llhttp_errno_name(llhttp_errno_t err)


# llhttp's internal span wrappers (api.c): `_span_cb0` holds one of these while a span is open.
# llhttp.h does not declare them, hence the prototypes.
cdef extern from *:
    """
    int llhttp__on_status(llhttp_t* s, const char* p, const char* endp);
    int llhttp__on_header_field(llhttp_t* s, const char* p, const char* endp);
    int llhttp__on_header_value(llhttp_t* s, const char* p, const char* endp);
    int llhttp__on_chunk_extension_name(llhttp_t* s, const char* p, const char* endp);
    int llhttp__on_chunk_extension_value(llhttp_t* s, const char* p, const char* endp);
    """
    int llhttp__on_status(llhttp_t* s, const char* p, const char* endp)
    int llhttp__on_header_field(llhttp_t* s, const char* p, const char* endp)
    int llhttp__on_header_value(llhttp_t* s, const char* p, const char* endp)
    int llhttp__on_chunk_extension_name(llhttp_t* s, const char* p, const char* endp)
    int llhttp__on_chunk_extension_value(llhttp_t* s, const char* p, const char* endp)
