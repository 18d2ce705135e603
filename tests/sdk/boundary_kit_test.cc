// The boundary kit (flyteplug/sdk/boundary/*.h) on its own: the status
// mapping, error sinks, owned buffers, the sized-struct reader and the
// exception guard.
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/boundary/buffer.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "flyteplug/sdk/boundary/exception_guard.h"
#include "flyteplug/sdk/boundary/negotiation.h"
#include "flyteplug/sdk/boundary/serialize.h"
#include "flyteplug/sdk/boundary/sized_struct.h"
#include "flyteplug/sdk/boundary/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace flyteplug::sdk::boundary {
namespace {

using ::testing::HasSubstr;

TEST(AbiStatusMapping, CanonicalCodesMapOneToOneWithoutPayload) {
  EXPECT_TRUE(AbiStatus(FLYTEPLUG_OK, "ignored").ok());
  for (flyteplug_status_code code = 1; code <= kLastCanonicalCode; ++code) {
    absl::Status status = AbiStatus(code, "m");
    EXPECT_EQ(static_cast<int>(status.code()), code);
    EXPECT_FALSE(status.GetPayload(kAbiCodePayloadUrl).has_value());
    EXPECT_EQ(AbiCodeOf(status), code);
  }
}

TEST(AbiStatusMapping, AbiSpecificAndUnknownCodesRoundTrip) {
  struct Case {
    flyteplug_status_code code;
    absl::StatusCode canonical;
  };
  for (const Case& c : {
           Case{FLYTEPLUG_ABI_VERSION_MISMATCH,
                absl::StatusCode::kFailedPrecondition},
           Case{FLYTEPLUG_ABI_STRUCT_TOO_NEW,
                absl::StatusCode::kFailedPrecondition},
           Case{FLYTEPLUG_ABI_CONTRACT_VIOLATION, absl::StatusCode::kInternal},
           Case{1003, absl::StatusCode::kInternal},  // a newer minor's code
           Case{17, absl::StatusCode::kInternal},
           Case{-4, absl::StatusCode::kInternal},
       }) {
    absl::Status status = AbiStatus(c.code, "message");
    EXPECT_EQ(status.code(), c.canonical) << c.code;
    EXPECT_EQ(status.message(), "message");
    EXPECT_EQ(AbiCodeOf(status), c.code);
    EXPECT_EQ(IsKnownAbiCode(c.code), c.code >= kFirstAbiSpecificCode &&
                                          c.code <= kLastAbiSpecificCode);
  }
  // absl codes beyond the canonical range have no ABI number.
  EXPECT_EQ(AbiCodeOf(absl::Status(static_cast<absl::StatusCode>(40), "x")),
            FLYTEPLUG_UNKNOWN);
}

TEST(AbiStatusMapping, PrefixKeepsThePayload) {
  absl::Status status = PrefixMessage(
      AbiStatus(FLYTEPLUG_ABI_STRUCT_TOO_NEW, "tail"), "module m.so: ");
  EXPECT_EQ(status.message(), "module m.so: tail");
  EXPECT_EQ(AbiCodeOf(status), FLYTEPLUG_ABI_STRUCT_TOO_NEW);
}

TEST(ErrorSink, ReportAndCaptureMeet) {
  ErrorCapture capture;
  EXPECT_EQ(ReportError(capture.sink(), FLYTEPLUG_NOT_FOUND, "gone"),
            FLYTEPLUG_NOT_FOUND);
  EXPECT_EQ(capture.calls(), 1);
  EXPECT_EQ(capture.code(), FLYTEPLUG_NOT_FOUND);
  EXPECT_EQ(capture.message(), "gone");
  EXPECT_EQ(capture.StatusFor(FLYTEPLUG_NOT_FOUND, "fallback").message(),
            "gone");
  EXPECT_TRUE(capture.StatusFor(FLYTEPLUG_OK, "fallback").ok());
  // An empty status message is replaced: the ABI promises one.
  ReportStatus(capture.sink(), absl::Status(absl::StatusCode::kAborted, ""));
  EXPECT_EQ(capture.calls(), 2);
  EXPECT_EQ(capture.code(), FLYTEPLUG_ABORTED);
  EXPECT_THAT(capture.message(), HasSubstr("ABORTED"));
  capture.sink()->set(capture.sink(), FLYTEPLUG_INTERNAL, nullptr, 4);
  EXPECT_TRUE(capture.null_message());
  EXPECT_EQ(ReportError(nullptr, FLYTEPLUG_INTERNAL, "no sink"),
            FLYTEPLUG_INTERNAL);
}

TEST(OwnedBuffer, ReleasesOnceAndZeroes) {
  flyteplug_buffer buffer{};
  EmitOwnedString("payload", &buffer);
  ASSERT_NE(buffer.release, nullptr);
  EXPECT_EQ(ViewOf({buffer.data, buffer.size}), "payload");
  EXPECT_EQ(TakeBuffer(&buffer), "payload");
  EXPECT_EQ(buffer.release, nullptr);
  EXPECT_EQ(buffer.data, nullptr);
  ReleaseBuffer(&buffer);  // owns nothing: a no-op
  ReleaseBuffer(nullptr);

  EmitOwnedString("secret", &buffer, OnRelease::kScrubAndFree);
  buffer.release(&buffer);
  EXPECT_EQ(buffer.release, nullptr);
  EXPECT_EQ(buffer.size, 0u);
}

TEST(OwnedBuffer, BytesViewsAndChecks) {
  std::string text = "abc";
  flyteplug_bytes bytes = BytesOf(text);
  EXPECT_EQ(ViewOf(bytes), "abc");
  EXPECT_EQ(ViewOf(flyteplug_bytes{nullptr, 0}), "");
  EXPECT_TRUE(CheckBytes(bytes, "x").ok());
  absl::Status bad = CheckBytes(flyteplug_bytes{nullptr, 3}, "task_context");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(), "task_context: NULL data with size 3");
}

struct Small {
  uint32_t struct_size;
  uint32_t a;
  uint64_t b;
};

TEST(SerializeDeterministic, MapsComeOutInKeyOrderWhateverTheHistory) {
  // Lite messages (the module side): two maps with the same entries,
  // inserted in opposite orders, give identical bytes, again and again.
  using flyteplug::abi::flyteplug::v1::TaskContext;
  TaskContext forward, backward;
  for (int i = 0; i < 64; ++i) {
    (*forward.mutable_metadata()->mutable_labels())["k" + std::to_string(i)] =
        "v";
    (*backward.mutable_metadata()
          ->mutable_labels())["k" + std::to_string(63 - i)] = "v";
  }
  std::string a, b;
  ASSERT_TRUE(SerializeDeterministic(forward, &a));
  ASSERT_TRUE(SerializeDeterministic(backward, &b));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), forward.ByteSizeLong());
  for (int round = 0; round < 10; ++round) {
    TaskContext copy;
    ASSERT_TRUE(copy.ParseFromString(a));
    std::string again = "stale";
    ASSERT_TRUE(SerializeDeterministic(copy, &again));
    ASSERT_EQ(again, a);
  }
  // k0 < k1 < k10 < k11 ...: the first entry is k0, the second k1.
  EXPECT_LT(a.find("k0"), a.find("k1"));
  EXPECT_LT(a.find("k1"), a.find("k10"));
}

TEST(SizedStruct, MissingTailIsZeroAndZeroTailIsAccepted) {
  const SizedStructSpec spec{"small", "test", sizeof(uint32_t) * 2,
                             FLYTEPLUG_INVALID_ARGUMENT};
  Small older{};
  older.a = 7;
  older.b = 99;  // beyond the declared size: must not be read
  older.struct_size = sizeof(uint32_t) * 2;
  Small out{};
  ASSERT_TRUE(ReadSizedStruct(&older, spec, &out).ok());
  EXPECT_EQ(out.a, 7u);
  EXPECT_EQ(out.b, 0u);

  struct {
    Small known;
    uint32_t tail[2];
  } newer{};
  newer.known.struct_size = sizeof(newer);
  newer.known.b = 5;
  ASSERT_TRUE(ReadSizedStruct(&newer, spec, &out).ok());
  EXPECT_EQ(out.b, 5u);

  newer.tail[1] = 1;
  absl::Status too_new = ReadSizedStruct(&newer, spec, &out);
  EXPECT_EQ(AbiCodeOf(too_new), FLYTEPLUG_ABI_STRUCT_TOO_NEW);
  EXPECT_EQ(too_new.message(),
            "small.struct_size is 24, this test knows 16, and the unknown "
            "tail has a non-zero byte at offset 20");
}

TEST(SizedStruct, SizesOutOfRangeNameTheStruct) {
  const SizedStructSpec spec{"small", "test", 12,
                             FLYTEPLUG_ABI_CONTRACT_VIOLATION};
  Small in{};
  Small out{};
  in.struct_size = 8;
  absl::Status small = ReadSizedStruct(&in, spec, &out);
  EXPECT_EQ(AbiCodeOf(small), FLYTEPLUG_ABI_CONTRACT_VIOLATION);
  EXPECT_EQ(small.message(),
            "small.struct_size is 8, expected between 12 and 4096 (this test "
            "knows 16)");
  in.struct_size = kMaxStructSize + 1;
  EXPECT_THAT(ReadSizedStruct(&in, spec, &out).message(),
              HasSubstr("struct_size is 4097"));
}

TEST(ExceptionGuard, TurnsExceptionsIntoCodesAndMessages) {
  std::string reported;
  auto report = [&](flyteplug_status_code code, absl::string_view message) {
    reported = std::string(message);
    return code;
  };
  EXPECT_EQ(GuardBoundary("call", report, [] { return FLYTEPLUG_NOT_FOUND; }),
            FLYTEPLUG_NOT_FOUND);
  EXPECT_EQ(reported, "");
  EXPECT_EQ(GuardBoundary("call", report,
                          []() -> flyteplug_status_code {
                            throw std::runtime_error("boom");
                          }),
            FLYTEPLUG_INTERNAL);
  EXPECT_EQ(reported, "call: uncaught exception: boom");
  EXPECT_EQ(
      GuardBoundary("call", report, []() -> flyteplug_status_code { throw 1; }),
      FLYTEPLUG_INTERNAL);
  EXPECT_EQ(reported, "call: uncaught non-standard exception");
  EXPECT_EQ(
      GuardBoundary("call", report,
                    []() -> flyteplug_status_code { throw std::bad_alloc(); }),
      FLYTEPLUG_RESOURCE_EXHAUSTED);
  EXPECT_EQ(reported, "call: out of memory");
  // A reporter that throws still yields the code.
  auto throwing = [](flyteplug_status_code,
                     absl::string_view) -> flyteplug_status_code {
    throw std::runtime_error("x");
  };
  EXPECT_EQ(GuardBoundary("call", throwing,
                          []() -> flyteplug_status_code { throw 1; }),
            FLYTEPLUG_INTERNAL);
}

TEST(Negotiation, HostOfferSpansEveryMinorOfThisBuild) {
  flyteplug_negotiation offer = HostOffer();
  EXPECT_EQ(offer.struct_size, sizeof(flyteplug_negotiation));
  EXPECT_EQ(offer.host_abi_major, uint32_t{FLYTEPLUG_ABI_VERSION_MAJOR});
  EXPECT_EQ(offer.host_abi_min_minor, 0u);
  EXPECT_EQ(offer.host_abi_max_minor, uint32_t{FLYTEPLUG_ABI_VERSION_MINOR});
  EXPECT_EQ(offer.module_abi_minor, UINT32_MAX);
}

}  // namespace
}  // namespace flyteplug::sdk::boundary
