/*
 * LD_PRELOAD library that makes Linux accept()/accept4() behave like macOS for connections the client has already
 * reset: the call still returns a valid descriptor, but the peer address comes back empty (addrlen 0).
 * This is the behaviour behind workerd issue 4623 ("expected addrlen >= sizeof(addr->sa_family) [0 >= 1]").
 *
 * Built by the tests: gcc -shared -fPIC -O2 -o libmacos_accept.so macos_accept.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
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

static void like_macos(int fd, struct sockaddr *addr, socklen_t *addrlen) {
  if (fd >= 0 && addr != NULL && addrlen != NULL && already_reset(fd)) {
    memset(addr, 0, *addrlen);
    *addrlen = 0;
    atomic_fetch_add(&emptied, 1);
  }
}

int accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen) {
  static int (*real_accept)(int, struct sockaddr *, socklen_t *);
  if (real_accept == NULL) {
    real_accept = (int (*)(int, struct sockaddr *, socklen_t *)) dlsym(RTLD_NEXT, "accept");
  }
  int fd = real_accept(sockfd, addr, addrlen);
  like_macos(fd, addr, addrlen);
  return fd;
}

int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags) {
  static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
  if (real_accept4 == NULL) {
    real_accept4 = (int (*)(int, struct sockaddr *, socklen_t *, int)) dlsym(RTLD_NEXT, "accept4");
  }
  int fd = real_accept4(sockfd, addr, addrlen, flags);
  like_macos(fd, addr, addrlen);
  return fd;
}
