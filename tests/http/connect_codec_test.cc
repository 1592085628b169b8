#include "server/http/connect_codec.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "safeguard/v1/referrals.pb.h"
#include "server/core/field_violations.h"
#include "tests/testing/status_matchers.h"

namespace safeguard::http {
namespace {

using ::safeguard::testing::IsOk;
using ::safeguard::testing::StatusIs;

TEST(ConnectCodecTest, ContentTypes) {
  struct Case {
    std::string header;
    std::optional<ContentType> want;
  };
  const std::vector<Case> cases = {
      {"application/json", ContentType{Codec::kJson, false}},
      {"application/json; charset=utf-8", ContentType{Codec::kJson, false}},
      {"application/json;charset=UTF-8", ContentType{Codec::kJson, false}},
      {"Application/JSON", ContentType{Codec::kJson, false}},
      {"application/proto", ContentType{Codec::kProto, false}},
      {"application/connect+json", ContentType{Codec::kJson, true}},
      {"application/connect+proto", ContentType{Codec::kProto, true}},
      {"", std::nullopt},
      {"application/x-www-form-urlencoded", std::nullopt},
      {"multipart/form-data; boundary=x", std::nullopt},
      {"text/plain", std::nullopt},
      {"application/json; charset=latin1", std::nullopt},
      {"application/json; foo=bar", std::nullopt},
      {"application/grpc", std::nullopt},
      {"application/grpc-web+proto", std::nullopt},
      {"application/protobuf", std::nullopt},
      {"application/jsonx", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseContentType(c.header), c.want) << c.header;
  }
}

TEST(ConnectCodecTest, ContentTypeNames) {
  EXPECT_STREQ(ContentTypeName({Codec::kJson, false}), "application/json");
  EXPECT_STREQ(ContentTypeName({Codec::kProto, false}), "application/proto");
  EXPECT_STREQ(ContentTypeName({Codec::kJson, true}),
               "application/connect+json");
  EXPECT_STREQ(ContentTypeName({Codec::kProto, true}),
               "application/connect+proto");
}

TEST(ConnectCodecTest, CodesHaveTheProtocolsNamesAndHttpStatuses) {
  struct Case {
    absl::StatusCode code;
    const char* name;
    int http;
  };
  const std::vector<Case> cases = {
      {absl::StatusCode::kCancelled, "canceled", 499},
      {absl::StatusCode::kUnknown, "unknown", 500},
      {absl::StatusCode::kInvalidArgument, "invalid_argument", 400},
      {absl::StatusCode::kDeadlineExceeded, "deadline_exceeded", 504},
      {absl::StatusCode::kNotFound, "not_found", 404},
      {absl::StatusCode::kAlreadyExists, "already_exists", 409},
      {absl::StatusCode::kPermissionDenied, "permission_denied", 403},
      {absl::StatusCode::kResourceExhausted, "resource_exhausted", 429},
      {absl::StatusCode::kFailedPrecondition, "failed_precondition", 400},
      {absl::StatusCode::kAborted, "aborted", 409},
      {absl::StatusCode::kOutOfRange, "out_of_range", 400},
      {absl::StatusCode::kUnimplemented, "unimplemented", 501},
      {absl::StatusCode::kInternal, "internal", 500},
      {absl::StatusCode::kUnavailable, "unavailable", 503},
      {absl::StatusCode::kDataLoss, "data_loss", 500},
      {absl::StatusCode::kUnauthenticated, "unauthenticated", 401},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ConnectCodeName(c.code), c.name) << c.name;
    EXPECT_EQ(HttpStatusForCode(c.code), c.http) << c.name;
    EXPECT_EQ(ErrorJson(absl::Status(c.code, "")),
              std::string("{\"code\":\"") + c.name + "\"}")
        << c.name;
  }
  EXPECT_EQ(HttpStatusForCode(absl::StatusCode::kOk), 200);
}

TEST(ConnectCodecTest, DecodesJsonAndBinary) {
  v1::ListReferralsRequest want;
  want.set_page_size(7);
  want.set_page_token("tok");
  want.mutable_filter()->set_overdue_only(true);

  struct Case {
    std::string name;
    Codec codec;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"camel case JSON", Codec::kJson,
       R"({"pageSize":7,"pageToken":"tok","filter":{"overdueOnly":true}})"},
      {"proto field names in JSON", Codec::kJson,
       R"({"page_size":7,"page_token":"tok","filter":{"overdue_only":true}})"},
      {"binary", Codec::kProto, want.SerializeAsString()},
  };
  for (const Case& c : cases) {
    v1::ListReferralsRequest got;
    ASSERT_THAT(DecodeMessage(c.codec, c.body, &got), IsOk()) << c.name;
    EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString()) << c.name;
  }
}

TEST(ConnectCodecTest, RefusesBadBodiesWithoutEchoingThem) {
  struct Case {
    std::string name;
    Codec codec;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"unknown JSON field", Codec::kJson, R"({"secretName":"Jane Doe"})"},
      {"wrong JSON type", Codec::kJson, R"({"pageSize":"Jane Doe"})"},
      {"not JSON", Codec::kJson, "Jane Doe"},
      {"empty JSON", Codec::kJson, ""},
      {"JSON array", Codec::kJson, R"(["Jane Doe"])"},
      {"not protobuf", Codec::kProto, std::string("\x0a\xff\xff\xff", 4)},
  };
  for (const Case& c : cases) {
    v1::ListReferralsRequest got;
    absl::Status s = DecodeMessage(c.codec, c.body, &got);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument)) << c.name;
    EXPECT_EQ(s.message(),
              std::string("the request body is not a valid ") +
                  (c.codec == Codec::kJson ? "JSON" : "binary") +
                  " safeguard.v1.ListReferralsRequest message")
        << c.name;
  }
}

TEST(ConnectCodecTest, EncodesProto3JsonInLowerCamelCase) {
  v1::ListReferralsResponse response;
  response.set_next_page_token("next");
  absl::StatusOr<std::string> json = EncodeMessage(Codec::kJson, response);
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ(*json, R"({"nextPageToken":"next"})");
  absl::StatusOr<std::string> empty =
      EncodeMessage(Codec::kJson, v1::ListReferralsResponse());
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(*empty, "{}");
  absl::StatusOr<std::string> binary = EncodeMessage(Codec::kProto, response);
  ASSERT_THAT(binary, IsOk());
  EXPECT_EQ(*binary, response.SerializeAsString());
}

TEST(ConnectCodecTest, ErrorJsonEscapesTheMessage) {
  EXPECT_EQ(ErrorJson(absl::NotFoundError("a \"quoted\"\\ line\nnext\x01")),
            R"({"code":"not_found","message":"a \"quoted\"\\ line\nnext\u0001"})");
  EXPECT_EQ(ErrorJson(absl::NotFoundError("caf\xc3\xa9 \xff")),
            "{\"code\":\"not_found\",\"message\":\"caf\xc3\xa9 \xef\xbf\xbd\"}");
}

TEST(ConnectCodecTest, FieldViolationsRoundTripAsBadRequestDetails) {
  const std::vector<FieldViolation> violations = {
      {"referral.subject.date_of_birth", "must not be in the future"},
      {"request_id", "is required"},
  };
  const std::string json = ErrorJson(InvalidArgumentWithViolations(violations));

  const std::string prefix =
      R"({"code":"invalid_argument","message":")";
  ASSERT_EQ(json.compare(0, prefix.size(), prefix), 0) << json;
  const std::string marker =
      R"(","details":[{"type":"google.rpc.BadRequest","value":")";
  const size_t at = json.find(marker);
  ASSERT_NE(at, std::string::npos) << json;
  const size_t value_start = at + marker.size();
  const size_t value_end = json.find('"', value_start);
  ASSERT_EQ(json.substr(value_end), "\"}]}");
  const std::string value = json.substr(value_start, value_end - value_start);
  EXPECT_EQ(value.find('='), std::string::npos) << "padded: " << value;

  std::string padded = value;
  while (padded.size() % 4 != 0) padded.push_back('=');
  std::string bytes;
  ASSERT_TRUE(absl::Base64Unescape(padded, &bytes));
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(bad_request.ParseFromString(bytes));
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(bad_request.field_violations(i).field(), violations[i].field);
    EXPECT_EQ(bad_request.field_violations(i).description(),
              violations[i].description);
  }
}

TEST(ConnectCodecTest, EndStreamJson) {
  EXPECT_EQ(EndStreamJson(absl::OkStatus()), "{}");
  EXPECT_EQ(EndStreamJson(absl::PermissionDeniedError("no")),
            R"({"error":{"code":"permission_denied","message":"no"}})");
}

TEST(ConnectCodecTest, EnvelopesRoundTrip) {
  const std::string wire = EncodeEnvelope(0, "abc") +
                           EncodeEnvelope(kFlagEndStream, "{}") +
                           EncodeEnvelope(0, "");
  EXPECT_EQ(wire.substr(0, 8), std::string("\x00\x00\x00\x00\x03" "abc", 8));
  absl::StatusOr<std::vector<Envelope>> got = ParseEnvelopes(wire);
  ASSERT_THAT(got, IsOk());
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].flags, 0);
  EXPECT_EQ((*got)[0].message, "abc");
  EXPECT_EQ((*got)[1].flags, kFlagEndStream);
  EXPECT_EQ((*got)[1].message, "{}");
  EXPECT_EQ((*got)[2].message, "");

  const std::string big(300, 'x');
  EXPECT_EQ(EncodeEnvelope(0, big).substr(0, 5),
            std::string("\x00\x00\x00\x01\x2c", 5));
}

TEST(ConnectCodecTest, RequestEnvelopes) {
  struct Case {
    std::string name;
    std::string body;
    absl::StatusCode code;
    std::string message;  // the payload when OK, else the error message
  };
  const std::vector<Case> cases = {
      {"one frame", EncodeEnvelope(0, "abc"), absl::StatusCode::kOk, "abc"},
      {"empty message", EncodeEnvelope(0, ""), absl::StatusCode::kOk, ""},
      {"truncated prefix", std::string("\x00\x00\x00", 3),
       absl::StatusCode::kInvalidArgument,
       "a stream frame's prefix is truncated"},
      {"truncated message", EncodeEnvelope(0, "abc").substr(0, 7),
       absl::StatusCode::kInvalidArgument,
       "a stream frame's message is truncated"},
      {"no frame", "", absl::StatusCode::kInvalidArgument,
       "a streaming request must be exactly one stream frame"},
      {"two frames", EncodeEnvelope(0, "a") + EncodeEnvelope(0, "b"),
       absl::StatusCode::kInvalidArgument,
       "a streaming request must be exactly one stream frame"},
      {"compressed", EncodeEnvelope(kFlagCompressed, "abc"),
       absl::StatusCode::kInvalidArgument,
       "compressed stream frames are not supported"},
      {"end of stream", EncodeEnvelope(kFlagEndStream, "{}"),
       absl::StatusCode::kInvalidArgument,
       "a request's stream frame must have no flags set"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> got = ParseRequestEnvelope(c.body);
    if (c.code == absl::StatusCode::kOk) {
      ASSERT_THAT(got, IsOk()) << c.name;
      EXPECT_EQ(*got, c.message) << c.name;
    } else {
      EXPECT_THAT(got, StatusIs(c.code, c.message)) << c.name;
    }
  }
}

TEST(ConnectCodecTest, TimeoutHeader) {
  struct Case {
    std::string header;
    bool ok;
    std::optional<absl::Duration> want;
  };
  const std::vector<Case> cases = {
      {"", true, std::nullopt},
      {"0", true, absl::ZeroDuration()},
      {"1500", true, absl::Milliseconds(1500)},
      {"9999999999", true, absl::Milliseconds(9999999999)},
      {"10000000000", false, std::nullopt},
      {"-5", false, std::nullopt},
      {"+5", false, std::nullopt},
      {"1.5", false, std::nullopt},
      {" 5", false, std::nullopt},
      {"5s", false, std::nullopt},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::optional<absl::Duration>> got =
        ParseTimeoutHeader(c.header);
    if (c.ok) {
      ASSERT_THAT(got, IsOk()) << c.header;
      EXPECT_EQ(*got, c.want) << c.header;
    } else {
      EXPECT_THAT(got, StatusIs(absl::StatusCode::kInvalidArgument)) << c.header;
    }
  }
}

}  // namespace
}  // namespace safeguard::http
