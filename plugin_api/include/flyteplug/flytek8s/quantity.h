// Kubernetes resource quantities ("500m", "1Gi", "2e3"), as
// k8s.io/apimachinery's resource.ParseQuantity accepts them.
#ifndef FLYTEPLUG_FLYTEK8S_QUANTITY_H_
#define FLYTEPLUG_FLYTEK8S_QUANTITY_H_

#include "absl/strings/string_view.h"

namespace flyteplug::flytek8s {

// Whether `value` is a valid quantity; on success `*zero` tells whether it
// is zero. Pure; thread-safe.
bool ParseQuantity(absl::string_view value, bool* zero);

// The value of a quantity already accepted by ParseQuantity, in base units
// (bytes, cores); -1 when it is not one.
double QuantityValue(absl::string_view value);

}  // namespace flyteplug::flytek8s

#endif  // FLYTEPLUG_FLYTEK8S_QUANTITY_H_
