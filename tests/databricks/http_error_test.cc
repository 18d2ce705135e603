// Lenient error-body parsing and HTTP status mapping.
#include "http_error.h"

#include "gtest/gtest.h"

namespace flyteplug::databricks {
namespace {

TEST(ErrorBodyTest, JsonWithStringOrNumericCode) {
  auto e = ParseErrorBody(
      R"({"error_code":"INVALID_PARAMETER_VALUE","message":"Run 5 does not exist."})");
  EXPECT_EQ(e.error_code, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(e.message, "Run 5 does not exist.");
  e = ParseErrorBody(R"({"error_code":403,"message":"Invalid access token."})");
  EXPECT_EQ(e.error_code, "403");
  EXPECT_EQ(e.message, "Invalid access token.");
}

TEST(ErrorBodyTest, HtmlPlainAndEmpty) {
  auto e = ParseErrorBody(
      "<html><head><title>Error 403 Invalid access token.</title></head>"
      "<body><h2>HTTP ERROR 403</h2><p>Problem accessing /api. Reason:\n"
      "<pre>    Invalid access token.</pre></p></body></html>");
  EXPECT_EQ(e.message, "Invalid access token.");
  e = ParseErrorBody("<html><head><title>Login</title></head></html>");
  EXPECT_EQ(e.message, "Login");
  e = ParseErrorBody("TEMPORARILY_UNAVAILABLE: try   again\n later");
  EXPECT_EQ(e.message, "TEMPORARILY_UNAVAILABLE: try again later");
  e = ParseErrorBody("   ");
  EXPECT_TRUE(e.message.empty());
  EXPECT_TRUE(e.error_code.empty());
  e = ParseErrorBody("{not json");
  EXPECT_EQ(e.message, "{not json");
  e = ParseErrorBody(std::string(5000, 'x'));
  EXPECT_LE(e.message.size(), 310u);
}

TEST(ErrorBodyTest, InvalidUtf8AndControlBytesAreReplaced) {
  auto e = ParseErrorBody("oops \xff\x01 \xe2\x82 end \xc3\xa9");
  EXPECT_EQ(e.message, "oops ? ?? end \xc3\xa9");  // \x01 is a space
  // Truncation never splits a character.
  std::string long_text(299, 'a');
  long_text += "\xc3\xa9\xc3\xa9";
  e = ParseErrorBody(long_text);
  EXPECT_EQ(e.message, std::string(299, 'a') + "...");
}

TEST(ErrorBodyTest, DeepJsonBody) {
  std::string deep = "{\"error_code\":" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  auto e = ParseErrorBody(deep);
  EXPECT_TRUE(e.error_code.empty());
  EXPECT_LE(e.message.size(), 310u);
}

TEST(ErrorBodyTest, HttpErrorNamesCallStatusAndServerText) {
  absl::Status s =
      HttpError("runs/get", 403,
                R"({"error_code":403,"message":"Invalid access token."})", "");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "databricks runs/get: HTTP 403 Forbidden: [403] Invalid access "
            "token.");
  s = HttpError("runs/cancel", 503, "", "");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(),
            "databricks runs/cancel: HTTP 503 Service Unavailable: (empty "
            "response body) Service Unavailable");
  s = HttpError("runs/get", 401, "", "Token expired");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("Token expired"), std::string::npos);
}

TEST(ErrorBodyTest, StatusCodeMapping) {
  EXPECT_EQ(CodeForHttpStatus(400), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeForHttpStatus(401), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(CodeForHttpStatus(403), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeForHttpStatus(404), absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeForHttpStatus(429), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(CodeForHttpStatus(500), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForHttpStatus(503), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForHttpStatus(501), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForHttpStatus(504), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForHttpStatus(302), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeForHttpStatus(418), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace flyteplug::databricks
