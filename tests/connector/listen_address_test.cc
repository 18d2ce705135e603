#include "listen_address.h"

#include "gtest/gtest.h"

namespace flyteplug::connector {
namespace {

TEST(ListenAddressTest, ParsesHostAndPort) {
  absl::StatusOr<ListenAddress> a =
      ParseListenAddress("--address", "0.0.0.0:8000");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->host, "0.0.0.0");
  EXPECT_EQ(a->port, 8000);
  a = ParseListenAddress("--address", "[::]:0");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->host, "[::]");
  EXPECT_EQ(a->port, 0);
  EXPECT_EQ(FormatListenAddress("[::]", 9090), "[::]:9090");
}

TEST(ListenAddressTest, RejectsWhatIsNotHostPort) {
  for (const char* bad : {"8000", ":8000", "host:", "host:65536", "host:-1",
                          "host:+1", "host:x", "::1:80", "[::1:80"}) {
    absl::Status s = ParseListenAddress("--metrics-address", bad).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("--metrics-address"), std::string::npos) << s;
    EXPECT_NE(s.message().find(bad), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace flyteplug::connector
