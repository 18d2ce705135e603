// The host the suite hands to modules: the SDK's FakeHost, answering every
// secret lookup with kTestSecretValue so checks can verify that it never
// shows up in logs, error messages or outputs.
#ifndef FLYTEPLUG_CONFORMANCE_TEST_HOST_H_
#define FLYTEPLUG_CONFORMANCE_TEST_HOST_H_

#include "flyteplug/sdk/testing/fake_host.h"

namespace flyteplug::conformance {

inline constexpr char kTestSecretValue[] =
    "flyteplug-conformance-secret-5b9e2c71";

// THREADING and OWNERSHIP: those of FakeHost.
class TestHost : public sdk::testing::FakeHost {
 public:
  TestHost() { SetSecretForAnyKey(kTestSecretValue); }
};

}  // namespace flyteplug::conformance

#endif  // FLYTEPLUG_CONFORMANCE_TEST_HOST_H_
