#ifndef DESCENT_CCURL_SHIM_H
#define DESCENT_CCURL_SHIM_H
#include <curl/curl.h>

/* Typed wrappers for libcurl's variadic calls, which Swift cannot call directly. */

/* Sets an option that takes a long. */
static inline CURLcode descent_curl_setopt_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}

/* Sets an option that takes a C string (libcurl copies it). */
static inline CURLcode descent_curl_setopt_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}

/* Sets an option that takes an opaque pointer (user data, header list). */
static inline CURLcode descent_curl_setopt_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}

/* Sets the body-writing or header callback. */
static inline CURLcode descent_curl_setopt_write_function(CURL *curl, CURLoption option, curl_write_callback callback) {
    return curl_easy_setopt(curl, option, callback);
}

/* Sets the transfer-progress callback (used to abort long-lived streams). */
static inline CURLcode descent_curl_setopt_xferinfo_function(CURL *curl, curl_xferinfo_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, callback);
}

/* Makes the request a POST with a copy of `size` bytes at `data` (NULL or 0 bytes: empty body). */
static inline CURLcode descent_curl_set_body(CURL *curl, const void *data, long long size) {
    CURLcode code = curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, (data != NULL && size > 0) ? (const char *)data : "");
}

/* Reads a long-valued transfer info (for example the response status). */
static inline CURLcode descent_curl_getinfo_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}

#endif
