// File: tests/testing/open_store.h
//
// OpenStore(): a SharedDatabase and the stores and unit of work on it, for
// tests that open a database file directly. The store is reached with ->.
#ifndef SAFEGUARD_TESTS_TESTING_OPEN_STORE_H_
#define SAFEGUARD_TESTS_TESTING_OPEN_STORE_H_

#include <memory>
#include <string>

#include "server/storage/shared_database.h"
#include "server/storage/sqlcipher_referral_store.h"
#include "server/storage/sqlcipher_report_source.h"
#include "server/storage/sqlcipher_store.h"
#include "server/storage/sqlcipher_unit_of_work.h"

namespace safeguard::testing {

struct OpenedStore {
  std::unique_ptr<SharedDatabase> db;
  std::unique_ptr<SqlCipherStore> store;
  std::unique_ptr<SqlCipherReferralStore> referrals;
  std::unique_ptr<SqlCipherUnitOfWork> units;
  std::unique_ptr<SqlCipherReportSource> reports;
  SqlCipherStore* operator->() const { return store.get(); }
};

inline absl::StatusOr<OpenedStore> OpenStore(const std::string& path,
                                             const DatabaseKey& key) {
  absl::StatusOr<std::unique_ptr<SharedDatabase>> db =
      SharedDatabase::Open(path, key);
  if (!db.ok()) return db.status();
  OpenedStore opened;
  opened.db = *std::move(db);
  opened.store = std::make_unique<SqlCipherStore>(*opened.db);
  opened.referrals = std::make_unique<SqlCipherReferralStore>(*opened.db);
  opened.units = std::make_unique<SqlCipherUnitOfWork>(*opened.db);
  opened.reports = std::make_unique<SqlCipherReportSource>(*opened.db);
  return opened;
}

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_OPEN_STORE_H_
