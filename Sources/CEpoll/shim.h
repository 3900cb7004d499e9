// epoll(7), eventfd(2) and accept4(2), which the Glibc module does not export (accept4 needs _GNU_SOURCE);
// the event loops of DescentHTTP use them. <sys/socket.h> is not included here: its declarations would
// clash with the Glibc module's, so accept4 takes the address as an untyped pointer.
#include <sys/epoll.h>
#include <sys/eventfd.h>

extern int accept4(int fd, void *address, unsigned int *length, int flags);
