/*
 * peerCred(fd) -> { pid, uid, gid }: the credentials the kernel recorded for the peer of a
 * connected AF_UNIX stream socket (getsockopt SO_PEERCRED). Node exposes no API for this.
 *
 * The fd is checked to be an AF_UNIX socket first: on other families Linux answers SO_PEERCRED
 * with placeholder ids instead of an error, which a caller could mistake for a real peer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <node_api.h>

#define CHECK(env, call)                                                                  \
  do {                                                                                    \
    if ((call) != napi_ok) {                                                              \
      napi_throw_error((env), "EINTERNAL", "peercred: N-API call failed: " #call);       \
      return NULL;                                                                        \
    }                                                                                     \
  } while (0)

static napi_value throw_errno(napi_env env, int err, const char *what) {
  char msg[160];
  const char *name = strerrorname_np(err);
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, name ? name : "EUNKNOWN", msg);
  return NULL;
}

static napi_value set_int(napi_env env, napi_value obj, const char *key, double v) {
  napi_value num;
  if (napi_create_double(env, v, &num) != napi_ok) return NULL;
  if (napi_set_named_property(env, obj, key, num) != napi_ok) return NULL;
  return obj;
}

static napi_value peer_cred(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "peerCred(fd): fd is required");
    return NULL;
  }
  napi_valuetype type;
  CHECK(env, napi_typeof(env, argv[0], &type));
  if (type != napi_number) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "peerCred(fd): fd must be a number");
    return NULL;
  }
  double raw;
  CHECK(env, napi_get_value_double(env, argv[0], &raw));
  if (!(raw >= 0 && raw <= 2147483647.0) || raw != (double)(int)raw) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "peerCred(fd): fd must be a non-negative integer");
    return NULL;
  }
  int fd = (int)raw;

  int domain = 0;
  socklen_t len = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
    return throw_errno(env, errno, "peerCred: getsockopt(SO_DOMAIN)");
  if (domain != AF_UNIX)
    return throw_errno(env, EAFNOSUPPORT, "peerCred: not an AF_UNIX socket");

  struct ucred cred;
  len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return throw_errno(env, errno, "peerCred: getsockopt(SO_PEERCRED)");
  if (len != sizeof cred)
    return throw_errno(env, EPROTO, "peerCred: short SO_PEERCRED answer");
  /*
   * A socket without a peer gets uid (uid_t)-1 rather than an error. pid 0 alone is not that
   * case: it is a live peer in a PID namespace this process cannot see (a daemon in a pod with
   * its own PID namespace, a client on the host), so it is reported as 0.
   */
  if (cred.uid == (uid_t)-1)
    return throw_errno(env, ENOTCONN, "peerCred: socket has no peer");

  napi_value obj;
  CHECK(env, napi_create_object(env, &obj));
  if (!set_int(env, obj, "pid", cred.pid) || !set_int(env, obj, "uid", cred.uid) ||
      !set_int(env, obj, "gid", cred.gid))
    return NULL;
  return obj;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  if (napi_create_function(env, "peerCred", NAPI_AUTO_LENGTH, peer_cred, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "peerCred", fn) != napi_ok) return NULL;
  return exports;
}
