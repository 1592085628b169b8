#include "server/storage/report_facts_format.h"

#include <cstdint>


namespace safeguard {
namespace {

constexpr char kFormat = 1;


void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutString(absl::string_view s, std::string& out) {
  PutVarint(s.size(), out);
  out.append(s.data(), s.size());
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// Reads what PutVarint and PutString wrote; ok() false once past the end
// or on a malformed varint.
class Reader {
 public:
  explicit Reader(absl::string_view bytes) : p_(bytes.data()), end_(p_ + bytes.size()) {}
  bool ok() const { return ok_; }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) break;
      const uint8_t b = static_cast<uint8_t>(*p_++);
      v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    ok_ = false;
    return 0;
  }
  int Int() { return static_cast<int>(Varint()); }
  void String(std::string& out) {
    const uint64_t n = Varint();
    if (!ok_ || n > static_cast<uint64_t>(end_ - p_)) {
      ok_ = false;
      return;
    }
    out.assign(p_, n);
    p_ += n;
  }
  bool done() const { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace

std::string EncodeReportFacts(const ReportFacts& f) {
  std::string out(1, kFormat);
  PutVarint((f.child ? 1 : 0) | (f.repeat ? 2 : 0), out);
  PutVarint(static_cast<uint64_t>(f.nature), out);
  PutVarint(f.exploitation, out);
  PutVarint(static_cast<uint64_t>(f.children), out);
  PutVarint(f.measures_installed, out);
  PutVarint(static_cast<uint64_t>(f.victim.age_band), out);
  PutVarint(static_cast<uint64_t>(f.victim.sex), out);
  PutVarint(static_cast<uint64_t>(f.victim.ethnicity_group), out);
  PutVarint(static_cast<uint64_t>(f.victim.disability), out);
  PutVarint(static_cast<uint64_t>(f.victim.lgbt), out);
  PutString(f.referring_agency, out);
  PutString(f.nationality, out);
  PutString(f.scheme, out);
  PutVarint(f.reached.size(), out);
  for (const auto& [state, at] : f.reached) {
    PutVarint(state, out);
    PutVarint(ZigZag(absl::ToInt64Seconds(at - f.received)), out);
  }
  return out;
}

absl::Status DecodeReportFacts(absl::string_view bytes, ReportFacts& f) {
  if (bytes.empty() || bytes[0] != kFormat) {
    return absl::DataLossError("a report_facts row has an unknown format");
  }
  Reader in(bytes.substr(1));
  const uint64_t flags = in.Varint();
  f.child = (flags & 1) != 0;
  f.repeat = (flags & 2) != 0;
  f.nature = static_cast<NrmNature>(in.Int());
  f.exploitation = static_cast<uint32_t>(in.Varint());
  f.children = in.Int();
  f.measures_installed = static_cast<uint32_t>(in.Varint());
  using V = VictimCharacteristics;
  f.victim.age_band = static_cast<V::AgeBand>(in.Int());
  f.victim.sex = static_cast<V::Sex>(in.Int());
  f.victim.ethnicity_group = static_cast<V::EthnicityGroup>(in.Int());
  f.victim.disability = static_cast<V::Answer>(in.Int());
  f.victim.lgbt = static_cast<V::Answer>(in.Int());
  in.String(f.referring_agency);
  in.String(f.nationality);
  in.String(f.scheme);
  const uint64_t n = in.Varint();
  if (!in.ok() || n > bytes.size()) {
    return absl::DataLossError("a report_facts row does not decode");
  }
  f.reached.resize(n);
  const uint64_t states = ReportStates().size();
  for (auto& [state, at] : f.reached) {
    const uint64_t code = in.Varint();
    if (code == 0 || code > states) {
      return absl::DataLossError("a report_facts row has an unknown state");
    }
    state = static_cast<StateCode>(code);
    at = f.received + absl::Seconds(UnZigZag(in.Varint()));
  }
  if (!in.ok() || !in.done()) {
    return absl::DataLossError("a report_facts row does not decode");
  }
  return absl::OkStatus();
}

}  // namespace safeguard
