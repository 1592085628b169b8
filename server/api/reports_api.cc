#include "server/api/reports_api.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/api/written_reason.h"
#include "server/common/proto_time.h"
#include "server/convert/referral_convert.h"
#include "server/core/field_violations.h"

namespace safeguard {
namespace {

constexpr absl::string_view kReportPrefix = "reports/";

const char* UnitName(FigureUnit unit) {
  switch (unit) {
    case FigureUnit::kCount:
      return "count";
    case FigureUnit::kPercent:
      return "percent";
    case FigureUnit::kDays:
      return "days";
    case FigureUnit::kPer10000:
      return "per_10000";
  }
  return "";
}

// A whole, real calendar day, or a violation of `field`.
std::optional<absl::CivilDay> WholeDay(const v1::Date& d,
                                       const std::string& field,
                                       std::vector<FieldViolation>& bad) {
  const absl::CivilDay day(d.year(), d.month(), d.day());
  if (d.year() < 2000 || d.year() > 2100 || day.year() != d.year() ||
      day.month() != d.month() || day.day() != d.day()) {
    bad.push_back({field, "must be a whole date (year, month and day) "
                          "from 2000 to 2100"});
    return std::nullopt;
  }
  return day;
}

v1::Date DateOf(absl::CivilDay day) {
  v1::Date out;
  out.set_year(static_cast<int32_t>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
  return out;
}

void ToProto(const BuiltReport& in, v1::Report* out) {
  out->set_report(absl::StrCat(kReportPrefix, in.definition->id));
  out->set_title(in.definition->title);
  *out->mutable_start_date() = DateOf(in.spec.start);
  *out->mutable_end_date() = DateOf(in.spec.end);
  out->set_area(in.spec.area);
  ToTimestamp(in.create_time, out->mutable_create_time());
  out->set_suppressed(in.spec.suppress);
  if (in.spec.suppress) {
    out->set_threshold(in.policy.threshold);
    out->set_zero_is_disclosive(in.policy.zero_is_disclosive);
  }
  for (const ReportTable& t : in.tables) {
    v1::ReportTable* table = out->add_tables();
    table->set_id(t.id);
    table->set_title(t.title);
    table->set_row_header(t.row_header);
    table->set_note(t.note);
    table->set_chart(t.chart);
    for (const TableColumn& c : t.columns) {
      v1::ReportColumn* column = table->add_columns();
      column->set_label(c.label);
      column->set_unit(UnitName(c.unit));
      column->set_total(c.total);
    }
    for (const TableRow& r : t.rows) {
      v1::ReportRow* row = table->add_rows();
      row->set_label(r.label);
      row->set_total(r.total);
      for (size_t i = 0; i < r.cells.size(); ++i) {
        const Figure& f = r.cells[i];
        v1::ReportCell* cell = row->add_cells();
        cell->set_status(static_cast<v1::CellStatus>(f.status));
        if (f.status == FigureStatus::kShown) cell->set_value(f.value);
        cell->set_display(DisplayFigure(f, t.columns[i].unit, in.policy));
      }
    }
  }
}

}  // namespace

std::vector<ApiMethod> ReportsApi::Methods() {
  const google::protobuf::ServiceDescriptor& service =
      *v1::RunReportRequest::descriptor()->file()->FindServiceByName("Reports");
  return {
      MakeMemberUnary(gate_, service, "ListReportDefinitions", this,
                      &ReportsApi::List),
      MakeMemberUnary(gate_, service, "RunReport", this, &ReportsApi::Run),
      MakeMemberUnary(gate_, service, "RunUnsuppressedReport", this,
                      &ReportsApi::RunUnsuppressed),
  };
}

absl::Status ReportsApi::List(ResolvedCall&, AuditRecord&,
                              const v1::ListReportDefinitionsRequest&,
                              v1::ListReportDefinitionsResponse* response) {
  for (const ReportDefinition& d : ReportDefinitions()) {
    v1::ReportDefinition* out = response->add_definitions();
    out->set_name(absl::StrCat(kReportPrefix, d.id));
    out->set_title(d.title);
    out->set_description(d.description);
    for (const std::string& t : d.tables) out->add_tables(t);
  }
  return absl::OkStatus();
}

absl::Status ReportsApi::Run(ResolvedCall& call, AuditRecord&,
                             const v1::RunReportRequest& request,
                             v1::Report* response) {
  return RunChecked(call, request, "", true, {}, response);
}

absl::Status ReportsApi::RunUnsuppressed(
    ResolvedCall& call, AuditRecord& audit,
    const v1::RunUnsuppressedReportRequest& request, v1::Report* response) {
  std::vector<FieldViolation> bad;
  CheckWrittenReason(request.reason(), "asking for every figure", bad);
  if (bad.empty()) audit.reason = request.reason();
  return RunChecked(call, request.request(), "request.", false, std::move(bad),
                    response);
}

absl::Status ReportsApi::RunChecked(ResolvedCall& call,
                                    const v1::RunReportRequest& request,
                                    const std::string& prefix, bool suppress,
                                    std::vector<FieldViolation> bad,
                                    v1::Report* response) {
  ReportSpec spec;
  spec.suppress = suppress;
  spec.area = request.area();
  if (absl::StartsWith(request.report(), kReportPrefix)) {
    spec.definition = request.report().substr(kReportPrefix.size());
  }
  std::optional<absl::CivilDay> start =
      WholeDay(request.start_date(), prefix + "start_date", bad);
  std::optional<absl::CivilDay> end =
      WholeDay(request.end_date(), prefix + "end_date", bad);
  if (!bad.empty()) {
    // The service's own checks, for every field at once.
    if (FindReportDefinition(spec.definition) == nullptr) {
      bad.push_back({prefix + "report",
                     "is not a report: ListReportDefinitions names them"});
    }
    return InvalidArgumentWithViolations(bad);
  }
  spec.start = *start;
  spec.end = *end;
  absl::StatusOr<BuiltReport> report =
      service_.Run(spec, *call.context.partnership);
  if (!report.ok()) {
    if (prefix.empty() || !absl::IsInvalidArgument(report.status())) {
      return report.status();
    }
    std::vector<FieldViolation> prefixed = FieldViolations(report.status());
    for (FieldViolation& v : prefixed) v.field = prefix + v.field;
    return InvalidArgumentWithViolations(prefixed);
  }
  ToProto(*report, response);
  return absl::OkStatus();
}

}  // namespace safeguard
