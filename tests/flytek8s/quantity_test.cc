#include "flyteplug/flytek8s/quantity.h"

#include "gtest/gtest.h"

namespace flyteplug::flytek8s {
namespace {

TEST(Quantity, AcceptsKubernetesForms) {
  bool zero = true;
  for (const char* valid : {"1", "500m", "1.5", ".5", "1Gi", "200M", "+3",
                            "1e3", "2E-2", "0.1Ki", "7Ei"}) {
    EXPECT_TRUE(ParseQuantity(valid, &zero)) << valid;
    EXPECT_FALSE(zero) << valid;
  }
  for (const char* zeros : {"0", "0m", "0.0Gi", "-0"}) {
    EXPECT_TRUE(ParseQuantity(zeros, &zero)) << zeros;
    EXPECT_TRUE(zero) << zeros;
  }
  for (const char* invalid :
       {"", "lots", "1GB", "1.2.3", "m", "1e", "Gi", " 1", "1 "}) {
    EXPECT_FALSE(ParseQuantity(invalid, &zero)) << invalid;
  }
}

TEST(Quantity, Values) {
  EXPECT_DOUBLE_EQ(QuantityValue("3Gi"), 3.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(QuantityValue("500m"), 0.5);
  EXPECT_DOUBLE_EQ(QuantityValue("2M"), 2e6);
  EXPECT_DOUBLE_EQ(QuantityValue("1e3"), 1000);
  EXPECT_DOUBLE_EQ(QuantityValue("4"), 4);
}

}  // namespace
}  // namespace flyteplug::flytek8s
