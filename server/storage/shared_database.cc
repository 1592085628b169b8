#include "server/storage/shared_database.h"

#include "server/core/status_macros.h"
#include "server/storage/migrations.h"

namespace safeguard {

absl::StatusOr<std::unique_ptr<SharedDatabase>> SharedDatabase::Open(
    const std::string& path, const DatabaseKey& key) {
  SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr db,
                             Database::Open(path, key, Database::Options()));
  SAFEGUARD_ASSIGN_OR_RETURN(int version,
                             ApplyMigrations(*db, SchemaMigrations()));
  return std::unique_ptr<SharedDatabase>(
      new SharedDatabase(std::move(db), version));
}

}  // namespace safeguard
