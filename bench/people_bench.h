// File: bench/people_bench.h
//
// The `people` scenario of safeguard_bench (`--only=people`, which runs it
// alone): what people across referrals (the person index, person records,
// MARAC repeat matching) cost a submission, and how long a person search
// takes, on a database of N referrals naming about 1.5 people each
// (bench/people_data.h).
//
// Two server processes run side by side, each the real server as in the
// other scenarios: one on a database made empty for the run (the
// baseline: a submission as it is with nothing to match against), one on
// the N-referral data set. At each concurrency level the measurements
// alternate between the two, round after round (small first in even
// rounds, loaded first in odd ones), so that both see the same machine;
// the figures are the latencies of all rounds together, and the ratio is
// loaded over small. Measured: a MARAC submission (the victim,
// perpetrator and children are indexed and given person records, and the
// victim is matched against earlier cases for a repeat), a target-hardening
// submission (one subject indexed), both with people drawn like the data
// set's (so some recur from it), and SearchPeople as the MARAC coordinator
// for people the data set names, by full name and date of birth, and by
// full name alone.
//
// The data set is written straight to the store through the unit of work
// (as a submission writes it: referral, submission record, person index
// and person records, audit entry), in a child process, into
// <root>/people-<N>, which a --keep_dir keeps for later runs. A preload
// given a time budget stops after it, keeps what it wrote and says so
// (exit code 3); the next run carries on from there.
#ifndef SAFEGUARD_BENCH_PEOPLE_BENCH_H_
#define SAFEGUARD_BENCH_PEOPLE_BENCH_H_

#include "bench/kept_data_set.h"

namespace safeguard::bench {

// --smoke also checks that searches find people.
using PeopleBenchOptions = DataSetScenarioOptions;

// Exit code: 0 measured; 3 the preload stopped at its budget (run again);
// 1 anything failed.
int RunPeopleBench(const PeopleBenchOptions& options);

}  // namespace safeguard::bench

#endif  // SAFEGUARD_BENCH_PEOPLE_BENCH_H_
