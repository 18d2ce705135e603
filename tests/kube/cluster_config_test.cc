// Cluster configuration from temporary service-account directories and
// kubeconfig files.
#include "cluster_config.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace flyteplug::kube {
namespace {

using ::testing::HasSubstr;

constexpr char kCaPem[] =
    "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/flyteplug-kube-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  std::string path_;
};

GetEnvFn Env(std::map<std::string, std::string> vars) {
  auto shared =
      std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

TEST(InClusterConfigTest, ReadsTheServiceAccountDirectory) {
  TempDir sa;
  sa.Write("token", "sa-token-0123456789\n");
  sa.Write("ca.crt", kCaPem);
  sa.Write("namespace", "flyte\n");
  auto config = LoadInClusterConfig(
      sa.path(), Env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                      {"KUBERNETES_SERVICE_PORT", "443"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->cluster_name, "in-cluster");
  EXPECT_EQ(config->default_namespace, "flyte");
  EXPECT_EQ(config->ca_pem, kCaPem);
  ASSERT_NE(config->token, nullptr);
  EXPECT_EQ(config->token->Get(), "sa-token-0123456789");

  auto v6 = LoadInClusterConfig(sa.path(),
                                Env({{"KUBERNETES_SERVICE_HOST", "fd00::1"},
                                     {"KUBERNETES_SERVICE_PORT", "6443"}}));
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->server, "https://[fd00::1]:6443");
}

TEST(InClusterConfigTest, MissingPiecesAreNamed) {
  TempDir sa;
  auto no_env = LoadInClusterConfig(sa.path(), Env({}));
  EXPECT_EQ(no_env.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(no_env.status().message()),
              HasSubstr("KUBERNETES_SERVICE_HOST"));
  auto no_token = LoadInClusterConfig(
      sa.path(), Env({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"},
                      {"KUBERNETES_SERVICE_PORT", "443"}}));
  EXPECT_EQ(no_token.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(no_token.status().message()),
              HasSubstr(sa.path() + "/token"));
}

TEST(TokenSourceTest, RereadsTheFileAfterRefreshOrInvalidate) {
  TempDir dir;
  std::string file = dir.Write("token", "first-token");
  auto source = TokenSource::FromFile(file, absl::Hours(1));
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->Get(), "first-token");
  dir.Write("token", "second-token");
  EXPECT_EQ((*source)->Get(), "first-token");  // within the refresh period
  EXPECT_TRUE((*source)->Invalidate());        // a 401
  EXPECT_EQ((*source)->Get(), "second-token");

  auto eager = TokenSource::FromFile(file, absl::ZeroDuration());
  ASSERT_TRUE(eager.ok());
  dir.Write("token", "third-token");
  EXPECT_EQ((*eager)->Get(), "third-token");
  // A failed re-read keeps the last good token.
  unlink(file.c_str());
  EXPECT_EQ((*eager)->Get(), "third-token");

  EXPECT_FALSE(TokenSource::Fixed("x")->Invalidate());
  EXPECT_FALSE(TokenSource::FromFile(dir.path() + "/none").ok());
}

std::string Kubeconfig(const std::string& cluster, const std::string& user,
                       const std::string& extra_context = "") {
  return absl::StrCat(R"(apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: team-a}
- name: other
  context: {cluster: dev-cluster, user: dev-user}
)",
                      extra_context,
                      "clusters:\n- name: dev-cluster\n  cluster:\n", cluster,
                      "users:\n- name: dev-user\n  user:\n", user);
}

TEST(KubeconfigTest, TokenAndCaDataInTheCurrentContext) {
  std::string ca_data = absl::Base64Escape(kCaPem);
  auto config = ParseKubeconfig(
      Kubeconfig(
          absl::StrCat("    server: https://k8s.example:6443/\n",
                       "    certificate-authority-data: ", ca_data, "\n"),
          "    token: kc-token-0123456789\n"),
      "/nonexistent/config", "");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://k8s.example:6443");
  EXPECT_EQ(config->cluster_name, "dev-cluster");
  EXPECT_EQ(config->default_namespace, "team-a");
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_FALSE(config->insecure_skip_tls_verify);
  EXPECT_EQ(config->token->Get(), "kc-token-0123456789");

  auto other = ParseKubeconfig(
      Kubeconfig("    server: https://k8s.example\n", "    token: t\n"),
      "/nonexistent/config", "other");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->default_namespace, "default");
}

TEST(KubeconfigTest, RelativeFilesResolveAgainstTheKubeconfigDirectory) {
  TempDir dir;
  dir.Write("ca.pem", kCaPem);
  dir.Write("client.crt", "CERT");
  dir.Write("client.key", "KEY");
  dir.Write("token", "file-token-0123456789\n");
  std::string path =
      dir.Write("config", Kubeconfig("    server: https://k8s.example\n"
                                     "    certificate-authority: ca.pem\n"
                                     "    insecure-skip-tls-verify: false\n",
                                     "    tokenFile: token\n"
                                     "    client-certificate: client.crt\n"
                                     "    client-key: client.key\n"));
  auto config = LoadKubeconfig(path, "");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_EQ(config->client_cert_pem, "CERT");
  EXPECT_EQ(config->client_key_pem, "KEY");
  EXPECT_EQ(config->token->Get(), "file-token-0123456789");
}

TEST(KubeconfigTest, ClientCertificateDataAndInsecureSkip) {
  auto config = ParseKubeconfig(
      Kubeconfig(
          "    server: https://k8s.example\n"
          "    insecure-skip-tls-verify: true\n",
          absl::StrCat(
              "    client-certificate-data: ", absl::Base64Escape("CERT"),
              "\n    client-key-data: ", absl::Base64Escape("KEY"), "\n")),
      "/x/config", "");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->insecure_skip_tls_verify);
  EXPECT_EQ(config->client_cert_pem, "CERT");
  EXPECT_EQ(config->client_key_pem, "KEY");
  EXPECT_EQ(config->token, nullptr);
}

TEST(KubeconfigTest, UnsupportedAndBrokenEntriesAreNamed) {
  struct Case {
    std::string yaml;
    std::string context;
    absl::StatusCode code;
    std::string names;
  };
  const std::string server = "    server: https://k8s.example\n";
  const Case cases[] = {
      {Kubeconfig(server, "    exec: {command: aws, apiVersion: v1}\n"), "",
       absl::StatusCode::kFailedPrecondition,
       "users[name=dev-user].user.exec: not supported"},
      {Kubeconfig(server, "    auth-provider: {name: gcp}\n"), "",
       absl::StatusCode::kFailedPrecondition,
       "users[name=dev-user].user.auth-provider"},
      {Kubeconfig(server, "    token: t\n"), "prod",
       absl::StatusCode::kFailedPrecondition,
       "contexts: no entry named 'prod'"},
      {Kubeconfig("    certificate-authority-data: '%%%'\n" + server,
                  "    token: t\n"),
       "", absl::StatusCode::kInvalidArgument,
       "clusters[name=dev-cluster].cluster.certificate-authority-data: not "
       "valid base64"},
      {Kubeconfig(server + "    insecure-skip-tls-verify: 1\n",
                  "    token: t\n"),
       "", absl::StatusCode::kInvalidArgument, "insecure-skip-tls-verify"},
      {Kubeconfig("    certificate-authority: missing.pem\n" + server,
                  "    token: t\n"),
       "", absl::StatusCode::kFailedPrecondition, "/x/missing.pem"},
      {Kubeconfig(server, "    client-certificate-data: Q0VSVA==\n"), "",
       absl::StatusCode::kInvalidArgument, "must be given together"},
      {"clusters: []\n", "", absl::StatusCode::kFailedPrecondition,
       "current-context is not set"},
      {"- a list\n", "", absl::StatusCode::kInvalidArgument,
       "expected a mapping"},
  };
  for (const Case& c : cases) {
    auto config = ParseKubeconfig(c.yaml, "/x/config", c.context);
    ASSERT_FALSE(config.ok()) << c.names;
    EXPECT_EQ(config.status().code(), c.code) << config.status();
    EXPECT_THAT(std::string(config.status().message()), HasSubstr(c.names));
    EXPECT_THAT(std::string(config.status().message()),
                HasSubstr("kubeconfig '/x/config'"));
  }
}

TEST(KubeconfigTest, HostileYamlIsRefusedByTheInputLimits) {
  // Alias expansion ("billion laughs") and nesting beyond the limits.
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    absl::StrAppend(&laughs, std::string(1, c), ": &", std::string(1, c), " [*",
                    std::string(1, c - 1), ", *", std::string(1, c - 1), ", *",
                    std::string(1, c - 1), ", *", std::string(1, c - 1), ", *",
                    std::string(1, c - 1), ", *", std::string(1, c - 1), ", *",
                    std::string(1, c - 1), ", *", std::string(1, c - 1), ", *",
                    std::string(1, c - 1), ", *", std::string(1, c - 1), "]\n");
  }
  auto expanded = ParseKubeconfig(laughs, "/x/config", "");
  EXPECT_EQ(expanded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(expanded.status().message()),
              HasSubstr("aliases expand to more than"));
  std::string deep = std::string(200, '[') + std::string(200, ']');
  auto nested = ParseKubeconfig(deep, "/x/config", "");
  EXPECT_EQ(nested.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(nested.status().message()),
              HasSubstr("nested deeper than"));
  auto syntax = ParseKubeconfig("a: [b\n", "/x/config", "");
  EXPECT_EQ(syntax.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KubeconfigTest, TokenOverPlainHttpOnlyToLoopback) {
  auto remote =
      ParseKubeconfig(Kubeconfig("    server: http://k8s.example:8080\n",
                                 "    token: secret-token-0123456789\n"),
                      "/x/config", "");
  EXPECT_EQ(remote.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(remote.status().message()),
              HasSubstr("plain http:// and not loopback"));
  EXPECT_FALSE(absl::StrContains(remote.status().message(), "secret-token"));
  for (const char* server :
       {"http://127.0.0.1:8080", "http://localhost:8001", "http://[::1]:80"}) {
    auto local =
        ParseKubeconfig(Kubeconfig(absl::StrCat("    server: ", server, "\n"),
                                   "    token: t\n"),
                        "/x/config", "");
    EXPECT_TRUE(local.ok()) << server << ": " << local.status();
  }
  auto no_token = ParseKubeconfig(
      Kubeconfig("    server: http://k8s.example:8080\n", "    {}\n"),
      "/x/config", "");
  EXPECT_TRUE(no_token.ok()) << no_token.status();
  auto ftp = ParseKubeconfig(
      Kubeconfig("    server: ftp://k8s.example\n", "    token: t\n"),
      "/x/config", "");
  EXPECT_EQ(ftp.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ResolveClusterConfigTest, ExplicitThenInClusterThenKubeconfigThenHome) {
  TempDir dir;
  std::string a = dir.Write(
      "a", Kubeconfig("    server: https://a.example\n", "    token: t\n"));
  std::string b = dir.Write(
      "b", Kubeconfig("    server: https://b.example\n", "    token: t\n"));
  std::system(
      ("mkdir -p '" + dir.path() + "/sa' '" + dir.path() + "/user-home/.kube'")
          .c_str());
  dir.Write("sa/token", "sa");
  dir.Write("sa/ca.crt", kCaPem);
  dir.Write("user-home/.kube/config",
            Kubeconfig("    server: https://home.example\n", "    token: t\n"));

  ClusterConfigOptions options;
  options.service_account_dir = dir.path() + "/sa";
  options.getenv = Env({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"},
                        {"KUBERNETES_SERVICE_PORT", "443"},
                        {"KUBECONFIG", b + ":" + a},
                        {"HOME", dir.path() + "/user-home"}});
  options.kubeconfig = a;
  EXPECT_EQ(ResolveClusterConfig(options)->server, "https://a.example");
  options.kubeconfig.clear();
  EXPECT_EQ(ResolveClusterConfig(options)->server, "https://10.0.0.1:443");
  options.getenv =
      Env({{"KUBECONFIG", b + ":" + a}, {"HOME", dir.path() + "/user-home"}});
  EXPECT_EQ(ResolveClusterConfig(options)->server, "https://b.example");
  options.getenv = Env({{"HOME", dir.path() + "/user-home"}});
  EXPECT_EQ(ResolveClusterConfig(options)->server, "https://home.example");
  options.getenv = Env({});
  EXPECT_EQ(ResolveClusterConfig(options).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace flyteplug::kube
