/*
 * The errno helper of the three addons (bound_socket, sendfile, udp_gso): one errno -> code
 * table, one error object, so that JS sees the same err.code ("EPERM", "EADDRINUSE"...)
 * and the same "what: strerror" message whichever addon failed. The station's fixes are
 * chosen by that code (main/net/dhcp/preflight.ts, main/net/http/zero-copy.ts).
 * Header only: `static inline` so that an addon that uses part of it builds without warnings.
 */
#ifndef PREPSTATION_ERRNO_UTIL_H
#define PREPSTATION_ERRNO_UTIL_H

#include <node_api.h>
#include <stdio.h>

#ifdef __linux__
#include <errno.h>
#include <string.h>
#endif

/* What a call that is Linux-only returns elsewhere, as -errno (ENOSYS is 38 on Linux). */
#define PS_NEG_ENOSYS (-38)

/* The errno's name for err.code; errnos the station has no fix for all read EIO. */
static inline const char *ps_errno_name(int e) {
#ifdef __linux__
  switch (e) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ENOTCONN: return "ENOTCONN";
    case EBADF: return "EBADF";
    case ENOSYS: return "ENOSYS";
    case EIO: return "EIO";
    case ENOMEM: return "ENOMEM";
    case EOVERFLOW: return "EOVERFLOW";
    case ESPIPE: return "ESPIPE";
    default: return "EIO";
  }
#else
  (void)e;
  return "ENOSYS";
#endif
}

/* An Error with code ps_errno_name(e) and message "what: strerror(e)". */
static inline napi_value ps_errno_error(napi_env env, const char *what, int e) {
  char text[256];
#ifdef __linux__
  snprintf(text, sizeof text, "%s: %s", what, strerror(e));
#else
  snprintf(text, sizeof text, "%s: not supported on this platform", what);
#endif
  napi_value code, msg, err;
  napi_create_string_utf8(env, ps_errno_name(e), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, code, msg, &err);
  return err;
}

/* Throws ps_errno_error; returns NULL for `return ps_throw_errno(...)`. */
static inline napi_value ps_throw_errno(napi_env env, const char *what, int e) {
  napi_throw(env, ps_errno_error(env, what, e));
  return NULL;
}

#endif
