/*
 * UDP segmentation offload (Linux 4.18+, UDP_SEGMENT) for TFTP windows.
 *
 * A window of RFC 7440 is up to 64 DATA packets of one size (only the file's last block
 * is shorter). Sent one by one from JS, each costs a trip through Node's dgram layer and
 * a syscall. Here the window goes out as one sendmsg with a UDP_SEGMENT control message;
 * the kernel cuts it into the same datagrams the client would have received one by one.
 * Synchronous: the socket is non-blocking and a full buffer returns -EAGAIN, after which
 * the caller sends the window the ordinary way.
 */
#include <node_api.h>
#include <stdint.h>
#include <string.h>

#include "errno_util.h"

#ifdef __linux__
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#endif

/* sendSegments(fd, buffer, segmentSize, address, port): bytes sent, or -errno */
static napi_value send_segments(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t fd = -1, seg = 0, port = 0;
  void *data = NULL;
  size_t len = 0;
  char address[64];
  size_t alen = 0;
  bool is_buffer = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_is_buffer(env, argv[1], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok ||
      napi_get_value_int32(env, argv[2], &seg) != napi_ok ||
      napi_get_value_string_utf8(env, argv[3], address, sizeof address, &alen) != napi_ok ||
      napi_get_value_int32(env, argv[4], &port) != napi_ok || fd < 0 || seg <= 0 ||
      seg > 65507 || port <= 0 || port > 65535) {
    napi_throw_type_error(env, NULL,
                          "sendSegments(fd, buffer, segmentSize, address, port)");
    return NULL;
  }
  int64_t result;
#ifdef __linux__
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, address, &sa.sin_addr) != 1) {
    napi_throw_type_error(env, NULL, "sendSegments: address must be IPv4");
    return NULL;
  }
  struct iovec iov = {.iov_base = data, .iov_len = len};
  char control[CMSG_SPACE(sizeof(uint16_t))];
  memset(control, 0, sizeof control);
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_name = &sa;
  msg.msg_namelen = sizeof sa;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (len > (size_t)seg) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t size = (uint16_t)seg;
    memcpy(CMSG_DATA(cm), &size, sizeof size);
  }
  ssize_t n;
  do {
    n = sendmsg(fd, &msg, 0);
  } while (n < 0 && errno == EINTR);
  result = n < 0 ? -(int64_t)errno : (int64_t)n;
#else
  (void)data;
  (void)len;
  result = PS_NEG_ENOSYS;
#endif
  napi_value out;
  napi_create_int64(env, result, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "sendSegments", NAPI_AUTO_LENGTH, send_segments, NULL, &fn);
  napi_set_named_property(env, exports, "sendSegments", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
