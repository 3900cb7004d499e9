/* sync_file_range(2) is a Linux call that glibc declares only under _GNU_SOURCE, which Swift's Glibc module is not
 * built with; this file is. */
#define _GNU_SOURCE
#include <fcntl.h>
#include "CFileSync.h"

int descent_start_writeback(int fd, int64_t offset, int64_t length) {
#if defined(__linux__)
    return sync_file_range(fd, (off_t)offset, (off_t)length, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd; (void)offset; (void)length;
    return 0;
#endif
}
