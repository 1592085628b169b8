#include "server/api/request_limits.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "safeguard/v1/referrals.pb.h"
#include "server/core/field_violations.h"

namespace safeguard {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

struct Limit {
  size_t bytes = kDefaultMaxStringBytes;  // each string, or each element
  size_t items = kDefaultMaxItems;        // a repeated field
};

// By full field name. Free text a person writes gets room; names and codes
// get what a name or code needs.
const absl::flat_hash_map<std::string, Limit>& Limits() {
  static const auto* const limits = new absl::flat_hash_map<std::string, Limit>{
      // Names of resources and callers, ids, codes.
      {"safeguard.v1.SubmitReferralRequest.request_id", {128}},
      {"safeguard.v1.GetReferralRequest.name", {100}},
      {"safeguard.v1.TransitionReferralRequest.name", {100}},
      {"safeguard.v1.AssignReferralRequest.name", {100}},
      {"safeguard.v1.AddNoteRequest.name", {100}},
      {"safeguard.v1.LinkReferralRequest.name", {100}},
      {"google.protobuf.FieldMask.paths", {100, 32}},
      {"safeguard.v1.UnlinkReferralRequest.name", {100}},
      {"safeguard.v1.UnlinkReferralRequest.referral", {100}},
      {"safeguard.v1.GetAccessLogRequest.name", {100}},
      {"safeguard.v1.BreakGlassRequest.name", {100}},
      {"safeguard.v1.TransitionReferralRequest.action", {64}},
      {"safeguard.v1.AssignReferralRequest.assignee", {200}},
      {"safeguard.v1.ListReferralsRequest.page_token", {512}},
      {"safeguard.v1.ListAuditEntriesRequest.page_token", {32}},
      {"safeguard.v1.GetAccessLogRequest.page_token", {32}},
      {"safeguard.v1.ReferralFilter.state", {64}},
      {"safeguard.v1.ReferralFilter.area", {100}},
      {"safeguard.v1.ReferralFilter.assignee", {200}},
      {"safeguard.v1.AuditFilter.referral", {100}},
      {"safeguard.v1.AuditFilter.agency", {64}},
      {"safeguard.v1.AuditFilter.caller", {200}},
      {"safeguard.v1.AuditFilter.method", {100}},
      {"safeguard.v1.Referral.area", {100}},
      {"safeguard.v1.TargetHardeningForm.scheme", {100}},
      {"safeguard.v1.ExternalReference.value", {200}},
      {"safeguard.v1.VafAssessment.framework_version", {32}},
      {"safeguard.v1.DashChecklist.question_set_version", {32}},
      // People and places.
      {"safeguard.v1.Person.full_name", {200}},
      {"safeguard.v1.Person.aliases", {200, 10}},
      {"safeguard.v1.Person.gender", {100}},
      {"safeguard.v1.Person.nationality", {100}},
      {"safeguard.v1.Person.languages", {100, 10}},
      {"safeguard.v1.ChildDetails.full_name", {200}},
      {"safeguard.v1.ChildDetails.school", {200}},
      {"safeguard.v1.Address.lines", {200, 8}},
      {"safeguard.v1.Address.town", {100}},
      {"safeguard.v1.Address.postcode", {16}},
      {"safeguard.v1.SafeContactRules.channels", {0, 10}},
      {"safeguard.v1.SafeContactRules.phone", {40}},
      {"safeguard.v1.SafeContactRules.email", {254}},
      {"safeguard.v1.NrmForm.interpreter_language", {100}},
      {"safeguard.v1.MaracForm.relationship", {200}},
      {"safeguard.v1.MaracForm.repeat_claim", {1000}},
      {"safeguard.v1.Referral.subjects", {0, 10}},
      {"safeguard.v1.Person.identifiers", {0, 4}},
      {"safeguard.v1.PersonIdentifier.value", {32}},
      {"safeguard.v1.SearchPeopleRequest.full_name", {200}},
      {"safeguard.v1.SearchPeopleRequest.identifiers", {0, 4}},
      {"safeguard.v1.SearchPeopleRequest.reason", {1000}},
      {"safeguard.v1.RunReportRequest.report", {100}},
      {"safeguard.v1.RunReportRequest.area", {100}},
      {"safeguard.v1.RunUnsuppressedReportRequest.reason", {1000}},
      // Lists with a fixed or natural size.
      {"safeguard.v1.DashChecklist.answers", {0, 30}},
      {"safeguard.v1.VafAssessment.factor_scores", {0, 30}},
      {"safeguard.v1.NrmForm.indicators", {200, 50}},
      {"safeguard.v1.ChannelForm.indicators", {200, 50}},
      {"safeguard.v1.TargetHardeningForm.measures_requested", {0, 20}},
      {"safeguard.v1.TargetHardeningForm.measures_installed", {0, 20}},
      {"safeguard.v1.Installation.measures_installed", {0, 20}},
      {"safeguard.v1.EquipmentRecovery.measures_recovered", {0, 20}},
      {"safeguard.v1.TargetHardeningForm.measures_recovered", {0, 0}},
      {"safeguard.v1.Referral.links", {0, 4}},
      {"safeguard.v1.ReferralLink.referral", {100}},
      // Written by the server; a submission carries none.
      {"safeguard.v1.Referral.notes", {0, 0}},
      {"safeguard.v1.Referral.history", {0, 0}},
      {"safeguard.v1.ChannelForm.vaf_assessments", {0, 0}},
      {"safeguard.v1.MaracForm.actions", {0, 0}},
      {"safeguard.v1.Referral.available_actions", {0, 0}},
      // Free text.
      {"safeguard.v1.NrmForm.narrative", {20000}},
      {"safeguard.v1.ChannelForm.concern", {20000}},
      {"safeguard.v1.ChannelForm.online_activity", {20000}},
      {"safeguard.v1.ChannelForm.other_safeguarding_concerns", {20000}},
      {"safeguard.v1.DashChecklist.professional_judgement_rationale", {5000}},
      {"safeguard.v1.AddNoteRequest.text", {10000}},
      {"safeguard.v1.TransitionReferralRequest.reason", {2000}},
      {"safeguard.v1.ConsentRecord.reason", {2000}},
      {"safeguard.v1.BreakGlassRequest.reason", {2000}},
      // Meetings and actions.
      {"safeguard.v1.CreateMeetingRequest.request_id", {128}},
      {"safeguard.v1.CreateActionRequest.request_id", {128}},
      {"safeguard.v1.Meeting.agencies", {64, 30}},
      {"safeguard.v1.Meeting.cases", {0, 0}},
      {"safeguard.v1.Meeting.attendance", {0, 0}},
      {"safeguard.v1.Meeting.venue", {500}},
      {"safeguard.v1.Meeting.chair", {200}},
      {"safeguard.v1.Attendance.attendee", {200}},
      {"safeguard.v1.RecordResearchRequest.text", {8000}},
      {"safeguard.v1.RecordOutcomeRequest.outcome", {8000}},
      {"safeguard.v1.Action.description", {2000}},
      {"safeguard.v1.Action.owner", {200}},
      {"safeguard.v1.UpdateActionRequest.status_reason", {2000}},
      {"safeguard.v1.ListMeetingsRequest.page_token", {512}},
      {"safeguard.v1.ListActionsRequest.page_token", {512}},
  };
  return *limits;
}

class Walker {
 public:
  void Walk(const Message& m, const std::string& path) {
    const Reflection* reflection = m.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    reflection->ListFields(m, &fields);
    for (const FieldDescriptor* field : fields) {
      const std::string at = path.empty() ? field->name()
                                          : absl::StrCat(path, ".", field->name());
      auto it = Limits().find(field->full_name());
      const Limit limit = it == Limits().end() ? Limit() : it->second;
      if (!field->is_repeated()) {
        Value(m, field, -1, at, limit);
        continue;
      }
      const int n = reflection->FieldSize(m, field);
      if (static_cast<size_t>(n) > limit.items) {
        // Too many: the elements are not looked at.
        bad_.push_back({at, limit.items == 0
                                ? "must be empty"
                                : absl::StrCat("must have at most ",
                                               limit.items, " items")});
        continue;
      }
      for (int i = 0; i < n; ++i) {
        Value(m, field, i, absl::StrCat(at, "[", i, "]"), limit);
      }
    }
  }

  std::vector<FieldViolation> Take() { return std::move(bad_); }

 private:
  void Value(const Message& m, const FieldDescriptor* field, int index,
             const std::string& at, const Limit& limit) {
    const Reflection* r = m.GetReflection();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& value =
            index < 0 ? r->GetStringReference(m, field, &scratch)
                      : r->GetRepeatedStringReference(m, field, index, &scratch);
        if (value.size() > limit.bytes) {
          bad_.push_back({at, absl::StrCat("must be at most ", limit.bytes,
                                           " bytes")});
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int value = index < 0 ? r->GetEnumValue(m, field)
                                    : r->GetRepeatedEnumValue(m, field, index);
        if (field->enum_type()->FindValueByNumber(value) == nullptr) {
          bad_.push_back({at, "is not one of the values the API defines"});
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        Walk(index < 0 ? r->GetMessage(m, field)
                       : r->GetRepeatedMessage(m, field, index),
             at);
        return;
      default:
        return;
    }
  }

  std::vector<FieldViolation> bad_;
};

}  // namespace

absl::Status CheckRequestLimits(const Message& request) {
  Walker walker;
  walker.Walk(request, "");
  std::vector<FieldViolation> bad = walker.Take();
  if (const auto* submit =
          dynamic_cast<const v1::SubmitReferralRequest*>(&request);
      submit != nullptr && bad.empty() &&
      submit->referral().ByteSizeLong() > kMaxReferralBytes) {
    bad.push_back({"referral", absl::StrCat("must be at most ",
                                            kMaxReferralBytes,
                                            " bytes in all")});
  }
  if (bad.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations(bad);
}

}  // namespace safeguard
