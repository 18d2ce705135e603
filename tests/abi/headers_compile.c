/* Compiled as C99 and C11 (and, renamed, as C++17/C++20) with -Wall -Wextra
 * -pedantic -Werror by CTest: the public headers must be clean in every
 * language mode a host or a module author may use. It also uses each
 * declaration, so a header that only parses is not enough. */
#include "flyteplug/loader.h"
#include "flyteplug/plugin.h" /* again: include guards */

static flyteplug_status_code entry(flyteplug_negotiation* negotiation,
                                   const flyteplug_module** module,
                                   flyteplug_error* error) {
  (void)negotiation;
  (void)module;
  (void)error;
  return FLYTEPLUG_ABI_VERSION_MISMATCH;
}

int main(void) {
  flyteplug_entry_v1_fn fn = &entry;
  flyteplug_negotiation negotiation = {sizeof(flyteplug_negotiation),
                                       FLYTEPLUG_ABI_VERSION_MAJOR, 0,
                                       FLYTEPLUG_ABI_VERSION_MINOR, 0};
  const flyteplug_module* module = 0;
  flyteplug_bytes bytes = {0, 0};
  flyteplug_buffer buffer = {0, 0, 0, 0};
  flyteplug_k8s_vtable k8s = {sizeof(flyteplug_k8s_vtable), 0, 0, 0};
  flyteplug_webapi_vtable web = {
      sizeof(flyteplug_webapi_vtable), 0, 0, 0, 0, 0};
  flyteplug_status status = {sizeof(flyteplug_status), FLYTEPLUG_OK, 0};
  flyteplug_loader_options options = {sizeof(flyteplug_loader_options),
                                      FLYTEPLUG_LOADER_SKIP_DEFAULT_PATHS,
                                      0,
                                      0,
                                      0,
                                      {0, 0},
                                      0,
                                      {0, 0},
                                      FLYTEPLUG_CONFIG_FORMAT_AUTO,
                                      0,
                                      0};
  flyteplug_module_info info = {sizeof(flyteplug_module_info),
                                0,
                                0,
                                FLYTEPLUG_FAMILY_K8S_RESOURCE,
                                0,
                                0,
                                0,
                                0,
                                0,
                                0};
  const char* symbol = FLYTEPLUG_ENTRY_SYMBOL_V1;
  (void)bytes;
  (void)buffer;
  (void)k8s;
  (void)web;
  (void)status;
  (void)options;
  (void)info;
  (void)symbol;
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
  /* The same layout seen from C11 as from C++ (abi_layout_test.cc). */
  _Static_assert(offsetof(flyteplug_module, k8s) == 88, "module.k8s");
  _Static_assert(offsetof(flyteplug_host_api, now_unix_nanos) == 40,
                 "host_api.now_unix_nanos");
  _Static_assert(offsetof(flyteplug_webapi_vtable, render_create_request) == 40,
                 "webapi.render_create_request");
#endif
  return fn(&negotiation, &module, 0) == FLYTEPLUG_ABI_VERSION_MISMATCH ? 0 : 1;
}
