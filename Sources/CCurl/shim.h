#ifndef DESCENT_CCURL_SHIM_H
#define DESCENT_CCURL_SHIM_H
#include <curl/curl.h>
#endif
