// File: bench/meeting_agenda.h
//
// The meeting the agenda scenario reads, made through the real server's
// API: a MARAC in babergh, two days ahead, with every agency the shipped
// policy gives a representative (eight); `cases` new MARAC referrals listed
// to it (half with a child), each researched by every agency and with two
// actions. Then the agenda is what a representative reads before the
// meeting.
#ifndef SAFEGUARD_BENCH_MEETING_AGENDA_H_
#define SAFEGUARD_BENCH_MEETING_AGENDA_H_

#include <string>

#include "absl/status/statusor.h"
#include "tests/testing/test_pki.h"

namespace safeguard::bench {

// The agencies represented, each with its representative's identity
// "<agency>/person/marac-representative" in the shipped policy.
inline constexpr const char* kRepresentedAgencies[] = {
    "suffolk-police",         "suffolk-childrens-services",
    "suffolk-adult-social-care", "suffolk-icb",
    "registered-social-landlord", "probation-service",
    "leeway",                 "suffolk-education"};

// Returns the meeting's name.
absl::StatusOr<std::string> MakeMeeting(int port, testing::TestPki& pki,
                                        int cases);

}  // namespace safeguard::bench

#endif  // SAFEGUARD_BENCH_MEETING_AGENDA_H_
