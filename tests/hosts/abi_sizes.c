/* Prints the C sizes of the structs the host bindings mirror, as JSON, so the
 * Python and Go tests can check their layouts against the real headers. */
#include <stddef.h>
#include <stdio.h>

#include "flyteplug/loader.h"
#include "flyteplug/plugin.h"

int main(void) {
  printf(
      "{\"flyteplug_bytes\": %zu, \"flyteplug_buffer\": %zu, "
      "\"flyteplug_error\": %zu, \"flyteplug_host_api\": %zu, "
      "\"flyteplug_status\": %zu, \"flyteplug_loader_options\": %zu, "
      "\"flyteplug_module_info\": %zu, "
      "\"flyteplug_loader_options.config_json\": %zu, "
      "\"flyteplug_loader_options.host\": %zu, "
      "\"flyteplug_module_info.id\": %zu, "
      "\"flyteplug_module_info.claimed_task_types\": %zu}\n",
      sizeof(flyteplug_bytes), sizeof(flyteplug_buffer),
      sizeof(flyteplug_error), sizeof(flyteplug_host_api),
      sizeof(flyteplug_status), sizeof(flyteplug_loader_options),
      sizeof(flyteplug_module_info),
      offsetof(flyteplug_loader_options, config_json),
      offsetof(flyteplug_loader_options, host),
      offsetof(flyteplug_module_info, id),
      offsetof(flyteplug_module_info, claimed_task_types));
  return 0;
}
