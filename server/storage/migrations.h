// File: server/storage/migrations.h
//
// Versioned schema migrations. Each Migration moves the schema from
// version - 1 to version. ApplyMigrations() applies every pending one at
// start-up inside a single transaction: either all apply or none do.
// Migrations are append-only: never edit one that has shipped.
#ifndef SAFEGUARD_SERVER_STORAGE_MIGRATIONS_H_
#define SAFEGUARD_SERVER_STORAGE_MIGRATIONS_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "server/storage/database.h"

namespace safeguard {

struct Migration {
  int version;
  const char* sql;
  // Then, in the same transaction, what SQL alone cannot do (optional).
  absl::Status (*then)(Database& db) = nullptr;
};

// The migrations this build knows, in order, starting at version 1.
absl::Span<const Migration> SchemaMigrations();

// Reads the schema version of `db` (0 for a new database).
absl::StatusOr<int> ReadSchemaVersion(Database& db);

// Brings `db` to the newest version in `migrations` and returns it. Fails
// with kFailedPrecondition if the database is newer than this build.
absl::StatusOr<int> ApplyMigrations(Database& db,
                                    absl::Span<const Migration> migrations);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_MIGRATIONS_H_
