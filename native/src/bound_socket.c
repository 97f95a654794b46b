/*
 * One UDP socket per network interface on 0.0.0.0:<port> (Linux, SO_BINDTODEVICE).
 *
 * Node's dgram has neither SO_BINDTODEVICE nor IP_PKTINFO: a socket on 0.0.0.0:67 gets the
 * broadcasts of every segment and cannot tell them apart, and a socket bound to an
 * interface address gets no limited broadcasts at all. So the DHCP server asks this addon
 * for a socket already bound to the bench interface, and hands the fd to
 * dgram.Socket#bind({ fd }). Plain Node-API (C), so there is no C++ toolchain quirk and no
 * dependency: the ABI is stable across Node and Electron versions.
 */
#include <node_api.h>
#include <stdio.h>

#include "errno_util.h"

#ifdef __linux__
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

/* openUdp4(ifname: string, address: string, port: number): number (the fd) */
static napi_value open_udp4(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) {
    napi_throw_type_error(env, NULL, "openUdp4(ifname, address, port)");
    return NULL;
  }
  char ifname[64];
  char address[64];
  size_t len = 0;
  int32_t port = 0;
  if (napi_get_value_string_utf8(env, argv[0], ifname, sizeof ifname, &len) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], address, sizeof address, &len) != napi_ok ||
      napi_get_value_int32(env, argv[2], &port) != napi_ok || port < 0 || port > 65535) {
    napi_throw_type_error(env, NULL, "openUdp4(ifname: string, address: string, port: number)");
    return NULL;
  }
#ifdef __linux__
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, address, &sa.sin_addr) != 1) {
    napi_throw_type_error(env, NULL, "address must be an IPv4 address");
    return NULL;
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ps_throw_errno(env, "socket", errno);
  int one = 1;
  /* Several sockets share 0.0.0.0:67, one per interface; the device binding keeps them apart. */
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) < 0) {
    int e = errno;
    close(fd);
    return ps_throw_errno(env, "setsockopt", e);
  }
  /* Before bind(), so no packet from another segment is ever queued on this socket. */
  if (ifname[0] != '\0' &&
      setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0) {
    int e = errno;
    close(fd);
    return ps_throw_errno(env, "SO_BINDTODEVICE", e);
  }
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int e = errno;
    close(fd);
    return ps_throw_errno(env, "bind", e);
  }
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
#else
  return ps_throw_errno(env, "SO_BINDTODEVICE", 0);
#endif
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "openUdp4", NAPI_AUTO_LENGTH, open_udp4, NULL, &fn);
  napi_set_named_property(env, exports, "openUdp4", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
