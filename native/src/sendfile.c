/*
 * sendfile(2) for the bench listener's big downloads (Linux).
 *
 * Node has no sendfile: a file served through a stream is copied from the page cache into
 * a JS buffer and from there into the socket, twice per byte. For twenty PCs pulling a
 * 5 GiB install image at once that copying is most of the station's CPU. Here the kernel
 * moves the pages itself. Each call runs on libuv's thread pool (a cold page cache means a
 * disk read) and is non-blocking on the socket: when the socket buffer is full it resolves
 * to -1 and the caller lets libuv wait for the socket to drain (see main/net/http/zero-copy.ts).
 *
 * The caller passes a dup() of the socket's fd (dupFd), so the number stays ours even if
 * Node closes its own fd while a call is on the thread pool.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errno_util.h"

#ifdef __linux__
#include <errno.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>
#endif

#define CHECK(call)                                                                   \
  do {                                                                                \
    if ((call) != napi_ok) {                                                          \
      napi_throw_error(env, NULL, "sendfile addon: " #call " failed");                \
      return NULL;                                                                    \
    }                                                                                 \
  } while (0)

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int out_fd;
  int in_fd;
  int64_t offset;
  int64_t count;
  int64_t result;
  int err;
} sf_req;

static void sf_execute(napi_env env, void *data) {
  (void)env;
  sf_req *r = data;
#ifdef __linux__
  off_t off = (off_t)r->offset;
  ssize_t n;
  do {
    n = sendfile(r->out_fd, r->in_fd, &off, (size_t)r->count);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    r->err = errno;
    r->result = -1;
  } else {
    r->err = 0;
    r->result = n;
  }
#else
  r->err = 0;
  r->result = -2;
#endif
}

static void sf_complete(napi_env env, napi_status status, void *data) {
  sf_req *r = data;
  napi_value v;
  if (status != napi_ok) {
    napi_reject_deferred(env, r->deferred, ps_errno_error(env, "sendfile", 0));
  } else if (r->result == -2) {
    napi_reject_deferred(env, r->deferred, ps_errno_error(env, "sendfile", 0));
  }
#ifdef __linux__
  else if (r->err == EAGAIN || r->err == EWOULDBLOCK) {
    /* The socket buffer is full: not an error, the caller waits for it to drain. */
    napi_create_int32(env, -1, &v);
    napi_resolve_deferred(env, r->deferred, v);
  } else if (r->err != 0) {
    napi_reject_deferred(env, r->deferred, ps_errno_error(env, "sendfile", r->err));
  }
#endif
  else {
    napi_create_int64(env, r->result, &v);
    napi_resolve_deferred(env, r->deferred, v);
  }
  napi_delete_async_work(env, r->work);
  free(r);
}

/* sendfile(outFd, inFd, offset, count): Promise<number>, bytes sent, or -1 when the socket is full */
static napi_value js_sendfile(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t out_fd, in_fd;
  int64_t offset, count;
  if (argc != 4 || napi_get_value_int32(env, argv[0], &out_fd) != napi_ok ||
      napi_get_value_int32(env, argv[1], &in_fd) != napi_ok ||
      napi_get_value_int64(env, argv[2], &offset) != napi_ok ||
      napi_get_value_int64(env, argv[3], &count) != napi_ok || out_fd < 0 || in_fd < 0 ||
      offset < 0 || count <= 0) {
    napi_throw_type_error(env, NULL, "sendfile(outFd, inFd, offset >= 0, count > 0)");
    return NULL;
  }
  sf_req *r = calloc(1, sizeof *r);
  if (!r) {
    napi_throw_error(env, "ENOMEM", "sendfile: out of memory");
    return NULL;
  }
  r->out_fd = out_fd;
  r->in_fd = in_fd;
  r->offset = offset;
  r->count = count;
  napi_value promise, name;
  if (napi_create_promise(env, &r->deferred, &promise) != napi_ok) {
    free(r);
    napi_throw_error(env, NULL, "sendfile: cannot create a promise");
    return NULL;
  }
  CHECK(napi_create_string_utf8(env, "prepstation:sendfile", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, sf_execute, sf_complete, r, &r->work));
  CHECK(napi_queue_async_work(env, r->work));
  return promise;
}

/* dupFd(fd): number, a close-on-exec duplicate sharing the same socket */
static napi_value js_dup(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "dupFd(fd >= 0)");
    return NULL;
  }
#ifdef __linux__
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) {
    napi_throw(env, ps_errno_error(env, "dup", errno));
    return NULL;
  }
  napi_value out;
  CHECK(napi_create_int32(env, copy, &out));
  return out;
#else
  napi_throw(env, ps_errno_error(env, "dup", 0));
  return NULL;
#endif
}

/* closeFd(fd): closes a descriptor from dupFd */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "closeFd(fd >= 0)");
    return NULL;
  }
#ifdef __linux__
  close(fd);
#endif
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "sendfile", NAPI_AUTO_LENGTH, js_sendfile, NULL, &fn);
  napi_set_named_property(env, exports, "sendfile", fn);
  napi_create_function(env, "dupFd", NAPI_AUTO_LENGTH, js_dup, NULL, &fn);
  napi_set_named_property(env, exports, "dupFd", fn);
  napi_create_function(env, "closeFd", NAPI_AUTO_LENGTH, js_close, NULL, &fn);
  napi_set_named_property(env, exports, "closeFd", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
