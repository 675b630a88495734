/*
 * LD_PRELOAD library that makes Linux accept()/accept4() behave like macOS for connections the client has already
 * reset: the call still returns a valid descriptor, but reports addrlen 0 and leaves the address buffer as it was
 * (so whatever it held before, often the previous peer's address, is what the caller reads). This is the behaviour
 * behind workerd issue 4623 ("expected addrlen >= sizeof(addr->sa_family) [0 >= 1]"); the untouched buffer is what
 * dotnet/runtime#121848 measured on macOS. With MACOS_ACCEPT_ZERO=1 the buffer is zeroed instead.
 * The first time it empties an address it says so on stderr, so tests can tell it was active.
 *
 * Built by the tests: gcc -shared -fPIC -O2 -o libmacos_accept.so macos_accept.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

static atomic_long emptied;

static int already_reset(int fd) {
  struct tcp_info info;
  socklen_t len = sizeof(info);
  int saved = errno;
  int reset = 0;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_state == TCP_CLOSE) {
    reset = 1;
  } else {
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    reset = n < 0 && errno == ECONNRESET;
  }
  errno = saved;
  return reset;
}

static void like_macos(int fd, struct sockaddr *addr, socklen_t *addrlen, const unsigned char *before,
                       socklen_t capacity) {
  if (fd >= 0 && addr != NULL && addrlen != NULL && already_reset(fd)) {
    const char *zero = getenv("MACOS_ACCEPT_ZERO");
    if (zero != NULL && zero[0] == '1') {
      memset(addr, 0, capacity);
    } else {
      memcpy(addr, before, capacity); /* as if the kernel had written nothing */
    }
    *addrlen = 0;
    if (atomic_fetch_add(&emptied, 1) == 0) {
      fprintf(stderr, "macos_accept: accept() returned addrlen 0 for a reset connection (macOS emulation)\n");
    }
  }
}

#define BEFORE(addr, addrlen, copy) \
  unsigned char copy[sizeof(struct sockaddr_storage)]; \
  if ((addr) != NULL && (addrlen) != NULL && *(addrlen) <= sizeof(copy)) memcpy(copy, (addr), *(addrlen))

int accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen) {
  static int (*real_accept)(int, struct sockaddr *, socklen_t *);
  if (real_accept == NULL) {
    real_accept = (int (*)(int, struct sockaddr *, socklen_t *)) dlsym(RTLD_NEXT, "accept");
  }
  BEFORE(addr, addrlen, before);
  socklen_t capacity = addrlen != NULL ? *addrlen : 0;
  int fd = real_accept(sockfd, addr, addrlen);
  if (addrlen != NULL && capacity <= sizeof(before)) {
    like_macos(fd, addr, addrlen, before, capacity);
  }
  return fd;
}

int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags) {
  static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
  if (real_accept4 == NULL) {
    real_accept4 = (int (*)(int, struct sockaddr *, socklen_t *, int)) dlsym(RTLD_NEXT, "accept4");
  }
  BEFORE(addr, addrlen, before);
  socklen_t capacity = addrlen != NULL ? *addrlen : 0;
  int fd = real_accept4(sockfd, addr, addrlen, flags);
  if (addrlen != NULL && capacity <= sizeof(before)) {
    like_macos(fd, addr, addrlen, before, capacity);
  }
  return fd;
}
