#include "flyteplug/flytek8s/config.h"

namespace flyteplug::flytek8s {

K8sPluginConfig::K8sPluginConfig()
    : store(std::make_unique<rapidjson::Document>()),
      default_tolerations(rapidjson::kArrayType),
      interruptible_tolerations(rapidjson::kArrayType),
      resource_tolerations(rapidjson::kObjectType) {}

}  // namespace flyteplug::flytek8s
