#include "server/common/text_proto.h"

#include <fstream>

#include "gtest/gtest.h"
#include "safeguard/config/v1/server_config.pb.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace safeguard {
namespace {

using ::safeguard::config::v1::ServerConfig;
using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;
using google::protobuf::TextFormat;

TEST(TextProtoTest, ParsesAndLocatesFields) {
  ServerConfig config;
  TextFormat::ParseInfoTree tree;
  SAFEGUARD_ASSERT_OK(ParseTextProto("\n  data_dir: \"d\"\ntls { ca_file: \"c\" }\n",
                                     "test", &config, &tree));
  EXPECT_EQ(config.data_dir(), "d");
  EXPECT_EQ(config.tls().ca_file(), "c");
  const TextFormat::ParseLocation at = tree.GetLocation(
      ServerConfig::descriptor()->FindFieldByName("data_dir"), -1);
  EXPECT_EQ(at.line, 1);  // counted from 0
  EXPECT_EQ(at.column, 2);
}

TEST(TextProtoTest, NamesTheSourceAndTheFirstErrorsPlace) {
  struct Case {
    const char* name;
    const char* text;
    const char* error;
  } cases[] = {
      {"unknown field", "data_dir: \"d\"\nlisten_port: 5\n",
       "test:2:12: Message type \"safeguard.config.v1.ServerConfig\" has no "
       "field named \"listen_port\"."},
      {"wrong type", "\n\nworker_threads: \"four\"\n",
       "test:3:17: Expected integer, got: \"four\""},
      {"two errors", "bogus: 1\nalso_bogus: 2\n",
       "test:1:6: Message type \"safeguard.config.v1.ServerConfig\" has no "
       "field named \"bogus\"."},
      {"unclosed block", "tls {\n  ca_file: \"x\"\n",
       "test:3:1: Expected identifier, got: "},
  };
  for (const Case& c : cases) {
    ServerConfig config;
    EXPECT_THAT(ParseTextProto(c.text, "test", &config),
                StatusIs(absl::StatusCode::kInvalidArgument, c.error))
        << c.name;
  }
}

TEST(TextProtoTest, ReadsFilesNamingThem) {
  TempDir dir;
  const std::string good = dir.File("good.textproto");
  std::ofstream(good) << "data_dir: \"d\"\n";
  const std::string bad = dir.File("bad.textproto");
  std::ofstream(bad) << "data_dir: 5\n";
  ServerConfig config;
  SAFEGUARD_ASSERT_OK(ReadTextProtoFile("config file", good, &config));
  EXPECT_EQ(config.data_dir(), "d");

  struct Case {
    const char* name;
    std::string path;
    absl::StatusCode code;
    std::string error;
  } cases[] = {
      {"missing", dir.File("none"), absl::StatusCode::kNotFound,
       "config file " + dir.File("none") + ": cannot be read"},
      {"malformed", bad, absl::StatusCode::kInvalidArgument,
       "config file " + bad + ":1:11: Expected string, got: 5"},
  };
  for (const Case& c : cases) {
    ServerConfig ignored;
    EXPECT_THAT(ReadTextProtoFile("config file", c.path, &ignored),
                StatusIs(c.code, c.error))
        << c.name;
  }
}

}  // namespace
}  // namespace safeguard
