// epoll(7), which Swift's Glibc module does not export; part of glibc, so nothing to link.
#include <sys/epoll.h>
