/* Everything in CLaneMath is static inline in include/CLaneMath.h; a C target needs one source file. */
#include "CLaneMath.h"
