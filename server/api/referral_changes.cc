#include "server/api/referral_changes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "safeguard/v1/referral.pb.h"
#include "server/convert/referral_convert.h"

namespace safeguard {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Messages shown whole, as one value.
bool IsValueMessage(const google::protobuf::Descriptor* type) {
  return type == v1::Date::descriptor() || type == v1::Address::descriptor() ||
         type->full_name() == "google.protobuf.Timestamp";
}

std::string Json(const Message& m) {
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(m, &out).ok()) out.clear();
  return out;
}

// One value of `field` (item `index` of a list), in JSON. A message is
// printed as itself, in field order; a scalar through google.protobuf.Value.
std::string ItemJson(const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  const bool list = f->is_repeated();
  google::protobuf::Value v;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return Json(list ? r->GetRepeatedMessage(m, f, index)
                       : r->GetMessage(m, f));
    case FieldDescriptor::CPPTYPE_STRING:
      v.set_string_value(list ? r->GetRepeatedString(m, f, index)
                              : r->GetString(m, f));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      v.set_string_value(
          (list ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name());
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      v.set_bool_value(list ? r->GetRepeatedBool(m, f, index)
                            : r->GetBool(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      v.set_number_value(list ? r->GetRepeatedInt32(m, f, index)
                              : r->GetInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      v.set_number_value(static_cast<double>(
          list ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f)));
      break;
    default:  // no other types in a referral
      v.set_null_value(google::protobuf::NULL_VALUE);
  }
  return Json(v);
}

// The whole field's value: a list of its items, or its one value.
std::string FieldJson(const Message& m, const FieldDescriptor* f) {
  if (!f->is_repeated()) return ItemJson(m, f, 0);
  std::string out = "[";
  const int n = m.GetReflection()->FieldSize(m, f);
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ",";
    out += ItemJson(m, f, i);
  }
  return out + "]";
}

void DiffMessage(const Message& a, const Message& b, const std::string& path,
                 std::vector<FieldChange>* out);

void DiffField(const Message& a, const Message& b, const FieldDescriptor* f,
               const std::string& path, std::vector<FieldChange>* out) {
  const bool nested = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                      !IsValueMessage(f->message_type());
  const Reflection* ra = a.GetReflection();
  const Reflection* rb = b.GetReflection();
  if (nested && !f->is_repeated()) {
    DiffMessage(ra->GetMessage(a, f), rb->GetMessage(b, f), path, out);
    return;
  }
  if (nested && ra->FieldSize(a, f) == rb->FieldSize(b, f)) {
    for (int i = 0; i < ra->FieldSize(a, f); ++i) {
      DiffMessage(ra->GetRepeatedMessage(a, f, i),
                  rb->GetRepeatedMessage(b, f, i),
                  absl::StrCat(path, "[", i, "]"), out);
    }
    return;
  }
  std::string before = FieldJson(a, f);
  std::string after = FieldJson(b, f);
  if (before != after) {
    out->push_back({path, std::move(before), std::move(after)});
  }
}

void DiffMessage(const Message& a, const Message& b, const std::string& path,
                 std::vector<FieldChange>* out) {
  const google::protobuf::Descriptor* type = a.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    DiffField(a, b, f, path.empty() ? f->name() : path + "." + f->name(), out);
  }
}

}  // namespace

std::vector<FieldChange> DescribeChanges(const Referral& before,
                                         const Referral& after,
                                         absl::Span<const std::string> paths) {
  v1::Referral a, b;
  ToProto(before, &a);
  ToProto(after, &b);
  std::vector<FieldChange> out;
  for (const std::string& path : paths) {
    const Message* ma = &a;
    const Message* mb = &b;
    const FieldDescriptor* field = nullptr;
    for (absl::string_view part : absl::StrSplit(path, '.')) {
      if (field != nullptr) {  // descend into the message named so far
        ma = &ma->GetReflection()->GetMessage(*ma, field);
        mb = &mb->GetReflection()->GetMessage(*mb, field);
      }
      field = ma->GetDescriptor()->FindFieldByName(std::string(part));
      if (field == nullptr) break;  // not a valid path: nothing to show
    }
    if (field != nullptr) DiffField(*ma, *mb, field, path, &out);
  }
  return out;
}

}  // namespace safeguard
