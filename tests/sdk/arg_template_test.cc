// Tests of the SDK's argument templating (flyteplug/sdk/arg_template.h),
// shared by the shipped modules and the example third-party module.
#include "flyteplug/sdk/arg_template.h"

#include "gtest/gtest.h"

namespace flyteplug::sdk {
namespace {

flyteplug::abi::flyteplug::v1::TaskContext ContextWithPaths() {
  flyteplug::abi::flyteplug::v1::TaskContext context;
  context.mutable_io()->set_input_path("s3://b/in.pb");
  context.mutable_io()->set_output_prefix("s3://b/out");
  context.mutable_metadata()->set_generated_name("a8x2kq-n0-0");
  context.mutable_metadata()->set_namespace_("flytesnacks-development");
  return context;
}

TEST(RenderArgTemplate, KnownTemplatesAreRenderedOthersKept) {
  const flyteplug::abi::flyteplug::v1::TaskContext context = ContextWithPaths();
  EXPECT_EQ(RenderArgTemplate("{{.Input}}", context), "s3://b/in.pb");
  EXPECT_EQ(RenderArgTemplate("x={{ .outputprefix }}/y", context),
            "x=s3://b/out/y");
  EXPECT_EQ(RenderArgTemplate("{{.PrevCheckpointPrefix}}", context), "\"\"");
  EXPECT_EQ(RenderArgTemplate("{{.Inputs.x}}", context), "{{.Inputs.x}}");
  EXPECT_EQ(RenderArgTemplate("{{.Input", context), "{{.Input");
  EXPECT_EQ(RenderArgTemplate("", context), "");
}

TEST(RenderArgTemplate, DollarPrefixAndExecutionVariables) {
  const flyteplug::abi::flyteplug::v1::TaskContext context = ContextWithPaths();
  EXPECT_EQ(RenderArgTemplate("{{$Input}}", context), "s3://b/in.pb");
  EXPECT_EQ(RenderArgTemplate("{{ .PerRetryUniqueKey }}", context),
            "a8x2kq-n0-0");
  EXPECT_EQ(RenderArgTemplate("{{.Namespace}}/{{.Input}}", context),
            "flytesnacks-development/s3://b/in.pb");
  EXPECT_EQ(RenderArgTemplate("{{Input}}", context), "{{Input}}");
}

TEST(RenderArgTemplates, RendersEveryElementInOrder) {
  const flyteplug::abi::flyteplug::v1::TaskContext context = ContextWithPaths();
  google::protobuf::RepeatedPtrField<std::string> args;
  *args.Add() = "--in";
  *args.Add() = "{{.Input}}";
  *args.Add() = "{{.OutputPrefix}}";
  EXPECT_EQ(RenderArgTemplates(args, context),
            (std::vector<std::string>{"--in", "s3://b/in.pb", "s3://b/out"}));
}

}  // namespace
}  // namespace flyteplug::sdk
