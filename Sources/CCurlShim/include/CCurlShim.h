// Typed wrappers around the parts of libcurl that Swift cannot call directly.
//
// curl_easy_setopt and curl_easy_getinfo are C variadic functions, which Swift does not
// import; the option and info constants are plain enums, so one wrapper per *argument type*
// is enough. Function-pointer options get their own wrapper each because a Swift
// @convention(c) closure must be passed as the exact callback type libcurl will call.
#ifndef CCURLSHIM_H
#define CCURLSHIM_H

#include <curl/curl.h>

// curl_easy_setopt for options that take a long (flags, timeouts, CURLUSESSL_* values).
CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);

// curl_easy_setopt for options that take a NUL-terminated string (libcurl copies it).
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);

// curl_easy_setopt for options that take an object pointer (READDATA, DEBUGDATA, ...).
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);

// curl_easy_setopt for options that take a curl_slist (MAIL_RCPT); libcurl does NOT copy
// the list, so the caller keeps it alive until the transfer has finished.
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

// curl_easy_setopt for options that take a curl_off_t (INFILESIZE_LARGE, which lets libcurl
// announce SIZE= in MAIL FROM so a server can refuse an oversized message before the upload).
CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);

// CURLOPT_READFUNCTION: the upload read callback that hands the message to libcurl.
CURLcode ccurl_setopt_read_function(CURL *handle, curl_read_callback callback);

// CURLOPT_WRITEFUNCTION: without one, libcurl writes received data to stdout.
CURLcode ccurl_setopt_write_function(CURL *handle, curl_write_callback callback);

// CURLOPT_DEBUGFUNCTION: the only way to see the server's reply text and EHLO lines.
CURLcode ccurl_setopt_debug_function(CURL *handle, curl_debug_callback callback);

// CURLOPT_XFERINFOFUNCTION: progress callback, used to notice a stalled upload.
CURLcode ccurl_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback callback);

// curl_easy_getinfo for CURLINFO_LONG values (RESPONSE_CODE, ...).
CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);

// curl_easy_getinfo for CURLINFO_ACTIVESOCKET: the socket of the connection the last transfer used, if
// libcurl still keeps it open (CURL_SOCKET_BAD otherwise).
CURLcode ccurl_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value);

// CURL_SOCKET_BAD, a macro Swift does not import.
curl_socket_t ccurl_socket_bad(void);

// curl_easy_getinfo for CURLINFO_CERTINFO (needs CURLOPT_CERTINFO set before the transfer).
CURLcode ccurl_getinfo_certinfo(CURL *handle, struct curl_certinfo **value);

// curl_global_init(CURL_GLOBAL_DEFAULT): the flag is a macro built from other macros,
// which Swift does not import.
CURLcode ccurl_global_init_default(void);

// CURL_READFUNC_ABORT as a size_t, the return type of the read callback.
size_t ccurl_readfunc_abort(void);

// Note: CURLOPT_MAIL_RCPT_ALLOWFAILS is not wrapped on purpose. It is spelt
// CURLOPT_MAIL_RCPT_ALLLOWFAILS before libcurl 8.2.0 (Debian 12 ships 7.88.1), and it is not
// needed: every envelope has exactly one recipient, so a refused RCPT fails the transfer.

#endif
