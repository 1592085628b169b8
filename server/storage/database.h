// File: server/storage/database.h
//
// Database and Statement: RAII handles over one SQLCipher connection and one
// prepared statement, plus FromSqliteRc(), the single place where SQLite
// result codes become absl::Status.
//
// Database::Open() keys the connection with a raw 256-bit key, reads the
// schema at once so that a wrong key fails closed (SQLITE_NOTADB) before
// anything is written, then sets WAL journaling with synchronous=FULL.
//
// A Database owns its sqlite3 handle and closes it when destroyed; it is
// thread-compatible (callers serialize access, e.g. through SharedDatabase).
// It keeps the statements it prepares: a Statement returns to its Database
// when destroyed (reset, bindings cleared), and the next Prepare() of the
// same SQL text reuses it, so a hot path parses each statement once. A
// Statement must not outlive the Database it was prepared on.
#ifndef SAFEGUARD_SERVER_STORAGE_DATABASE_H_
#define SAFEGUARD_SERVER_STORAGE_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "server/storage/database_key.h"

struct sqlite3;
struct sqlite3_stmt;

namespace safeguard {

class Database;

// A value bound to a statement parameter whose SQL is built at run time.
using SqlArg = std::variant<int64_t, std::string>;

// The one converter from SQLite result codes to Status. `context` says what
// was being done; the SQLite message is appended only for `db` errors that
// cannot carry personal data (we bind all values as parameters).
absl::Status FromSqliteRc(int rc, sqlite3* db, absl::string_view context);

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds parameter `index` (1-based).
  absl::Status BindInt64(int index, int64_t value);
  absl::Status BindText(int index, absl::string_view value);
  absl::Status BindBlob(int index, absl::string_view value);
  // Binds `args` to parameters 1, 2, ... in order.
  absl::Status BindAll(const std::vector<SqlArg>& args);

  // Steps once: true while a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps until done; for statements that return no rows.
  absl::Status Run();
  absl::Status Reset();

  int64_t ColumnInt64(int column) const;
  std::string ColumnText(int column) const;
  // The bytes of a TEXT or BLOB column, valid until the next Step or Reset.
  absl::string_view ColumnView(int column) const;

 private:
  friend class Database;
  Statement(Database* owner, sqlite3_stmt* stmt)
      : owner_(owner), stmt_(stmt) {}
  void Release();

  Database* owner_;      // not owned; takes the statement back
  sqlite3_stmt* stmt_;   // owned until returned to `owner_`
};

class Database {
 public:
  struct Options {
    // Create the file if it does not exist. When false, a missing file is
    // kNotFound.
    bool create_if_missing = true;
    // Refuse every write (PRAGMA query_only): a connection for reads only.
    bool read_only = false;
    // Page cache of decrypted pages, in KiB.
    int cache_kib = 8192;
    // Open read-only as a file nothing changes (a backup copy): SQLite's
    // immutable URI, so no WAL, shared-memory or journal file is made or
    // read beside it, and it can be read on read-only media.
    bool immutable = false;
  };

  // Opens, keys and checks the database at `path`. Errors name the file.
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      const std::string& path, const DatabaseKey& key, const Options& options);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more SQL statements that take no parameters.
  absl::Status Exec(absl::string_view sql);
  // Prepares one statement, or takes it from the statements kept.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT. If `body` or the commit
  // fails, rolls back and returns that error: nothing is half-written. An OK
  // return means the transaction is on stable storage (synchronous=FULL).
  absl::Status InTransaction(absl::FunctionRef<absl::Status()> body);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  // Rows changed by every INSERT, UPDATE or DELETE that completed (a
  // statement that was undone does not count).
  int64_t TotalChanges() const;
  // Whether a transaction is open (SQLite ends one itself on some errors).
  bool InTransaction() const;

  // Runs PRAGMA integrity_check; OK only if it reports "ok".
  absl::Status CheckIntegrity();
  // Runs PRAGMA quick_check: every page decrypts and every b-tree is well
  // formed, without checking each index against its table (on 1M
  // referrals, seconds rather than minutes). Enough for a copy whose
  // indexes SQLite built from its rows (sqlcipher_export).
  absl::Status CheckStructure();

  const std::string& path() const { return path_; }
  // How many statements have been parsed (kept ones are not parsed again).
  int64_t prepared() const { return prepared_; }
  sqlite3* handle() { return db_; }

 private:
  friend class Statement;
  Database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  // Runs a check pragma; `what` names it in the error.
  absl::Status Check(const char* pragma, absl::string_view what);
  // Keeps `stmt` for reuse, or finalizes it.
  void Return(sqlite3_stmt* stmt);

  // Statements kept is bounded: the queue's SQL varies with its filters.
  static constexpr size_t kMaxKept = 128;

  const std::string path_;
  sqlite3* db_;  // owned
  // Prepared statements by SQL text, owned while idle; a lent one leaves
  // its slot null until it comes back.
  absl::flat_hash_map<std::string, sqlite3_stmt*> kept_;
  int64_t prepared_ = 0;
  int64_t lent_ = 0;  // Statements alive; none may outlive the Database
};

using DatabasePtr = std::unique_ptr<Database>;

// SQLCipher page size for every safeguard database: set at creation and on
// every open (it is not stored in the file).
inline constexpr int kCipherPageSize = 4096;

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_DATABASE_H_
