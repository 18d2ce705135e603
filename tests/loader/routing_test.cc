// White-box tests of the routed-call plumbing: reading the task type from
// the wire bytes (task_type_scan.h) and handing module outputs on
// (module_output.h).
#include <cstring>
#include <string>
#include <vector>

#include "flyteplug/v1/task_context.pb.h"
#include "gtest/gtest.h"
#include "module_output.h"
#include "task_type_scan.h"

namespace flyteplug::loader {
namespace {

// A context touching strings, maps, repeated and nested messages, a Struct
// and enums, as a host sends it.
::flyteplug::v1::TaskContext RichContext() {
  ::flyteplug::v1::TaskContext context;
  auto* task = context.mutable_task_template();
  task->set_type("spark");
  task->mutable_id()->set_name("wf.task");
  task->mutable_container()->set_image("ghcr.io/x:1");
  task->mutable_container()->add_args("pyflyte-execute");
  auto* env = task->mutable_container()->add_env();
  env->set_key("K");
  env->set_value("V");
  auto& fields = *task->mutable_custom()->mutable_fields();
  fields["mainApplicationFile"].set_string_value("local:///a.py");
  fields["sparkConf"].mutable_struct_value()->mutable_fields()->insert(
      {"spark.executor.cores", google::protobuf::Value()});
  fields["n"].set_number_value(2.5);
  context.mutable_metadata()->mutable_labels()->insert({"team", "data"});
  context.mutable_metadata()->set_namespace_("ns");
  return context;
}

// OK when ScanTaskType is sound on `bytes`: it answers only for bytes the
// full parse accepts, and then with the parsed type.
::testing::AssertionResult ScanAgreesWithParse(const std::string& bytes) {
  std::optional<absl::string_view> scanned = ScanTaskType(bytes);
  if (!scanned.has_value()) return ::testing::AssertionSuccess();
  ::flyteplug::v1::TaskContext parsed;
  if (!parsed.ParseFromString(bytes)) {
    return ::testing::AssertionFailure()
           << "scan read '" << *scanned << "' from bytes the parser refuses";
  }
  if (*scanned != parsed.task_template().type()) {
    return ::testing::AssertionFailure()
           << "scan read '" << *scanned << "', the parser '"
           << parsed.task_template().type() << "'";
  }
  return ::testing::AssertionSuccess();
}

TEST(ScanTaskTypeTest, ReadsTheTypeOfAWellFormedContext) {
  EXPECT_EQ(ScanTaskType(RichContext().SerializeAsString()),
            absl::string_view("spark"));
}

TEST(ScanTaskTypeTest, UnsetTypeIsEmpty) {
  ::flyteplug::v1::TaskContext context = RichContext();
  context.mutable_task_template()->clear_type();
  EXPECT_EQ(ScanTaskType(context.SerializeAsString()), absl::string_view(""));
  EXPECT_EQ(ScanTaskType(""), absl::string_view(""));
}

TEST(ScanTaskTypeTest, LaterOccurrencesWinAsWhenMerging) {
  ::flyteplug::v1::TaskContext second;
  second.mutable_task_template()->set_type("databricks");
  const std::string bytes =
      RichContext().SerializeAsString() + second.SerializeAsString();
  EXPECT_EQ(ScanTaskType(bytes), absl::string_view("databricks"));
  EXPECT_TRUE(ScanAgreesWithParse(bytes));
}

TEST(ScanTaskTypeTest, TypeOfANestedTemplateIsNotTheRoutingKey) {
  // Field 1 of TaskTemplate.id (an Identifier) is not TaskTemplate.type.
  ::flyteplug::v1::TaskContext context;
  context.mutable_task_template()->mutable_id()->set_project("spark");
  EXPECT_EQ(ScanTaskType(context.SerializeAsString()), absl::string_view(""));
}

TEST(ScanTaskTypeTest, LeavesMalformedAndUnusualBytesToTheParser) {
  std::string bad_utf8 = RichContext().SerializeAsString();
  bad_utf8.replace(bad_utf8.find("ghcr"), 2, "\xff\xfe");
  EXPECT_EQ(ScanTaskType(bad_utf8), std::nullopt);

  const std::string whole = RichContext().SerializeAsString();
  EXPECT_EQ(ScanTaskType(whole.substr(0, whole.size() - 1)), std::nullopt);
  EXPECT_EQ(ScanTaskType(std::string("\x00", 1)), std::nullopt);  // tag 0
  EXPECT_EQ(ScanTaskType("\x0b\x0c"), std::nullopt);  // a group (field 1)
  EXPECT_EQ(ScanTaskType("\x0f"), std::nullopt);      // wire type 7

  // Nesting the parser accepts but deeper than the scan goes.
  ::flyteplug::v1::TaskContext deep;
  deep.mutable_task_template()->set_type("spark");
  google::protobuf::Struct* level =
      deep.mutable_task_template()->mutable_custom();
  for (int i = 0; i < 25; ++i) {  // 3 messages a level: ~77 deep
    level = (*level->mutable_fields())["x"].mutable_struct_value();
  }
  const std::string deep_bytes = deep.SerializeAsString();
  ASSERT_TRUE(::flyteplug::v1::TaskContext().ParseFromString(deep_bytes));
  EXPECT_EQ(ScanTaskType(deep_bytes), std::nullopt);
}

TEST(ScanTaskTypeTest, NeverAcceptsWhatTheParserRefuses) {
  const std::string whole = RichContext().SerializeAsString();
  int accepted = 0;
  for (size_t i = 0; i <= whole.size(); ++i) {
    const std::string prefix = whole.substr(0, i);
    EXPECT_TRUE(ScanAgreesWithParse(prefix)) << "prefix of " << i;
    for (unsigned char value :
         {0x00, 0x01, 0x02, 0x07, 0x7f, 0x80, 0xc0, 0xff}) {
      if (i == whole.size()) break;
      std::string mutated = whole;
      mutated[i] = static_cast<char>(value);
      EXPECT_TRUE(ScanAgreesWithParse(mutated))
          << "byte " << i << " = " << static_cast<int>(value);
      if (ScanTaskType(mutated).has_value()) ++accepted;
    }
  }
  EXPECT_GT(accepted, 0);  // the check above was not vacuous
}

// A producer's buffer whose release is counted.
struct Produced {
  std::string bytes = "{\"kind\":\"SparkApplication\"}";
  int releases = 0;
};

void CountRelease(flyteplug_buffer* buffer) {
  ++static_cast<Produced*>(buffer->private_data)->releases;
  *buffer = flyteplug_buffer{};
}

flyteplug_buffer BufferOf(Produced* produced) {
  return flyteplug_buffer{
      reinterpret_cast<const uint8_t*>(produced->bytes.data()),
      produced->bytes.size(), &CountRelease, produced};
}

TEST(ModuleOutputTest, HandsOnTheModulesOwnBufferWhenTheModuleStaysLoaded) {
  Produced produced;
  flyteplug_buffer buffer = BufferOf(&produced);
  ModuleOutput output(&buffer, /*module_stays_loaded=*/true);
  EXPECT_EQ(buffer.release, nullptr);  // taken
  flyteplug_buffer out{};
  output.HandTo(&out);
  EXPECT_EQ(
      out.data,
      reinterpret_cast<const uint8_t*>(produced.bytes.data()));  // no copy
  EXPECT_EQ(produced.releases, 0);
  out.release(&out);
  EXPECT_EQ(produced.releases, 1);
}

TEST(ModuleOutputTest, CopiesWhenTheModuleMayBeUnloaded) {
  Produced produced;
  flyteplug_buffer buffer = BufferOf(&produced);
  ModuleOutput output(&buffer, /*module_stays_loaded=*/false);
  EXPECT_EQ(produced.releases, 1);  // the module's buffer is gone already
  flyteplug_buffer out{};
  output.HandTo(&out);
  ASSERT_NE(out.release, nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data), out.size),
            produced.bytes);
  out.release(&out);
  EXPECT_EQ(out.release, nullptr);
}

TEST(ModuleOutputTest, ReleasesOnceWhenNotHandedOn) {
  Produced produced;
  {
    flyteplug_buffer buffer = BufferOf(&produced);
    ModuleOutput output(&buffer, /*module_stays_loaded=*/true);
    ModuleOutput moved = std::move(output);
  }
  EXPECT_EQ(produced.releases, 1);
}

TEST(ModuleOutputTest, EmptyOutputsGiveAnOwnedEmptyBuffer) {
  Produced produced;
  produced.bytes.clear();
  flyteplug_buffer buffer = BufferOf(&produced);
  buffer.data = nullptr;
  ModuleOutput output(&buffer, /*module_stays_loaded=*/true);
  EXPECT_EQ(produced.releases, 1);
  flyteplug_buffer out{};
  output.HandTo(&out);
  EXPECT_NE(out.data, nullptr);
  EXPECT_EQ(out.size, 0u);
  ASSERT_NE(out.release, nullptr);
  out.release(&out);

  flyteplug_buffer none{};
  ModuleOutput().HandTo(&none);  // a call without output bytes
  EXPECT_EQ(none.size, 0u);
  ASSERT_NE(none.release, nullptr);
  none.release(&none);
}

}  // namespace
}  // namespace flyteplug::loader
