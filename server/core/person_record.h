// File: server/core/person_record.h
//
// Person records: each person a referral names (person_index.h) has one
// from the moment the referral is stored. A coordinator who confirms that
// two records are the same person merges one into the other: its mentions
// join the other, and it keeps only where it went, so that an unmerge can
// give back what it brought (its own mentions and those of records merged
// into it). A coordinator who says two records are not the same person
// records a rejection, which stops that pair being proposed again.
//
// Value types; thread-compatible.
#ifndef SAFEGUARD_SERVER_CORE_PERSON_RECORD_H_
#define SAFEGUARD_SERVER_CORE_PERSON_RECORD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/core/person_index.h"

namespace safeguard {

// One person named in one referral: "the child at index 1 of referral X".
struct MentionRef {
  std::string referral_id;
  PersonRole role = PersonRole::kSubject;
  int index = 0;
  bool operator==(const MentionRef& o) const {
    return referral_id == o.referral_id && role == o.role && index == o.index;
  }
};

// A record merged into another: which, when, by whom ("<agency>/<principal>").
struct PersonMergeEntry {
  std::string id;
  absl::Time time = absl::InfinitePast();
  std::string by;
};

struct PersonRecord {
  std::string id;
  // Increases with every change: a merge into it or of it, an unmerge, a
  // rejection.
  int64_t version = 0;
  absl::Time create_time = absl::InfinitePast();
  // Set when this record was merged into another (`merged_into.id`); it
  // then has no mentions.
  PersonMergeEntry merged_into;
  // The mentions the record holds now: its own and those merged into it.
  std::vector<MentionRef> mentions;
  // Records merged directly into this one.
  std::vector<PersonMergeEntry> merged;
  // Records (as they are now, after merges) a coordinator said are not
  // this person, by this record or one merged into it.
  std::vector<std::string> rejected;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_PERSON_RECORD_H_
