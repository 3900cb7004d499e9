#ifndef DESCENT_CFILESYNC_H
#define DESCENT_CFILESYNC_H
#include <stdint.h>
/*
 * Starts writing `length` bytes of file `fd` from `offset` to disk without waiting (Linux: sync_file_range with
 * SYNC_FILE_RANGE_WRITE; elsewhere nothing). No durability by itself: a later fdatasync still waits for them.
 */
int descent_start_writeback(int fd, int64_t offset, int64_t length);
#endif
