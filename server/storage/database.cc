#include "server/storage/database.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/common/secret_file.h"
#include "sqlcipher/sqlite3.h"

namespace safeguard {

absl::Status FromSqliteRc(int rc, sqlite3* db, absl::string_view context) {
  int primary = rc & 0xff;
  if (primary == SQLITE_OK || primary == SQLITE_ROW ||
      primary == SQLITE_DONE) {
    return absl::OkStatus();
  }
  std::string message =
      absl::StrCat(context, ": ", sqlite3_errstr(rc), " (", rc, ")");
  switch (primary) {
    case SQLITE_NOTADB:
      return absl::FailedPreconditionError(message);
    case SQLITE_CORRUPT:
      return absl::DataLossError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return absl::FailedPreconditionError(message);
    case SQLITE_CONSTRAINT:
      return absl::AlreadyExistsError(message);
    case SQLITE_INTERRUPT:
      return absl::DeadlineExceededError(
          absl::StrCat(context, ": the read ran past its time budget"));
    case SQLITE_NOMEM:
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    case SQLITE_IOERR:
      return absl::UnavailableError(message);
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return absl::InvalidArgumentError(message);
    default:
      return absl::InternalError(message);
  }
}

// ---- Statement -------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : owner_(other.owner_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ != nullptr) owner_->Return(std::exchange(stmt_, nullptr));
}

absl::Status Statement::BindInt64(int index, int64_t value) {
  return FromSqliteRc(sqlite3_bind_int64(stmt_, index, value), owner_->db_,
                      "bind");
}

absl::Status Statement::BindText(int index, absl::string_view value) {
  return FromSqliteRc(sqlite3_bind_text(stmt_, index, value.data(),
                                        static_cast<int>(value.size()),
                                        SQLITE_TRANSIENT),
                      owner_->db_, "bind");
}

absl::Status Statement::BindBlob(int index, absl::string_view value) {
  return FromSqliteRc(sqlite3_bind_blob(stmt_, index, value.data(),
                                        static_cast<int>(value.size()),
                                        SQLITE_TRANSIENT),
                      owner_->db_, "bind");
}

absl::Status Statement::BindAll(const std::vector<SqlArg>& args) {
  int index = 1;
  for (const SqlArg& arg : args) {
    absl::Status s = std::holds_alternative<int64_t>(arg)
                         ? BindInt64(index++, std::get<int64_t>(arg))
                         : BindText(index++, std::get<std::string>(arg));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return FromSqliteRc(rc, owner_->db_, "step");
}

absl::Status Statement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

absl::Status Statement::Reset() {
  sqlite3_clear_bindings(stmt_);
  return FromSqliteRc(sqlite3_reset(stmt_), owner_->db_, "reset");
}

int64_t Statement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::ColumnText(int column) const {
  return std::string(ColumnView(column));
}

absl::string_view Statement::ColumnView(int column) const {
  // sqlite3_column_blob returns the bytes of TEXT and BLOB alike, with no
  // conversion.
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return absl::string_view();
  return absl::string_view(
      static_cast<const char*>(data),
      static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

// ---- Database --------------------------------------------------------------

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const std::string& path, const DatabaseKey& key, const Options& options) {
  struct stat st;
  bool exists = stat(path.c_str(), &st) == 0;
  if (!exists && !options.create_if_missing) {
    return absl::NotFoundError(absl::StrCat("database ", path,
                                            " does not exist"));
  }
  // CREATE is also what lets ATTACH make a new file (rekey's export).
  int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  std::string name = path;
  if (options.immutable) {
    flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    name = "file:";
    for (char c : path) {
      if (c == '%' || c == '?' || c == '#') {
        absl::StrAppend(&name, absl::StrFormat("%%%02X", c));
      } else {
        name += c;
      }
    }
    name += "?immutable=1";
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Database> db(new Database(path, raw));
  if (rc != SQLITE_OK) {
    return FromSqliteRc(rc, raw, absl::StrCat("cannot open database ", path));
  }
  sqlite3_extended_result_codes(raw, 1);

  std::string raw_key = key.SqlCipherRawKey();
  rc = sqlite3_key(raw, raw_key.data(), static_cast<int>(raw_key.size()));
  WipeString(raw_key);
  if (rc != SQLITE_OK) {
    return FromSqliteRc(rc, raw, absl::StrCat("cannot key database ", path));
  }
  absl::Status s = db->Exec(
      absl::StrCat("PRAGMA cipher_page_size = ", kCipherPageSize, ";"));
  if (!s.ok()) return s;

  // Fail closed on a wrong key: the first read of an existing file returns
  // SQLITE_NOTADB. Nothing has been written to the file before this point.
  rc = sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master;", nullptr,
                    nullptr, nullptr);
  if ((rc & 0xff) == SQLITE_NOTADB) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database ", path,
        " cannot be decrypted with this key (wrong key, or not a safeguard "
        "database)"));
  }
  if (rc != SQLITE_OK) {
    return FromSqliteRc(rc, raw, absl::StrCat("cannot read database ", path));
  }

  if (options.immutable) {
    return db->Exec(absl::StrCat("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -",
                                 options.cache_kib, "; PRAGMA query_only = 1;"))
                   .ok()
               ? absl::StatusOr<std::unique_ptr<Database>>(std::move(db))
               : absl::InternalError(absl::StrCat("cannot set up ", path));
  }
  s = db->Exec(absl::StrCat(
      "PRAGMA journal_mode = WAL;"
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;"
      "PRAGMA busy_timeout = 5000;"
      "PRAGMA temp_store = MEMORY;"
      "PRAGMA cache_size = -", options.cache_kib, ";",
      options.read_only ? "PRAGMA query_only = 1;" : ""));
  if (!s.ok()) return s;
  return db;
}

Database::~Database() {
  if (lent_ != 0) {
    std::fprintf(stderr, "safeguardd: a Statement outlived its Database\n");
    std::abort();  // a programming error: Return() would use freed memory
  }
  for (auto& [sql, stmt] : kept_) sqlite3_finalize(stmt);  // null: lent
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Database::Return(sqlite3_stmt* stmt) {
  --lent_;
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  // Back into its slot, kept while the statement was lent; a slot is made
  // (its key allocated) once per SQL text.
  const absl::string_view sql = sqlite3_sql(stmt);
  auto it = kept_.find(sql);
  if (it == kept_.end() && kept_.size() < kMaxKept) {
    it = kept_.emplace(sql, nullptr).first;
  }
  if (it != kept_.end() && it->second == nullptr) {
    it->second = stmt;
  } else {
    sqlite3_finalize(stmt);  // full, or a copy of this SQL is kept already
  }
}

absl::Status Database::Exec(absl::string_view sql) {
  // One statement is prepared and kept; a script runs through sqlite3_exec.
  if (sql.find(';') == sql.size() - 1) {
    absl::StatusOr<Statement> stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    return stmt->Run();
  }
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  return FromSqliteRc(rc, db_, absl::StrCat("database ", path_));
}

absl::StatusOr<Statement> Database::Prepare(absl::string_view sql) {
  if (auto it = kept_.find(sql); it != kept_.end() && it->second != nullptr) {
    ++lent_;
    return Statement(this, std::exchange(it->second, nullptr));
  }
  ++prepared_;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()),
                              &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return FromSqliteRc(rc, db_, absl::StrCat("database ", path_, ": prepare"));
  }
  ++lent_;
  return Statement(this, stmt);
}

absl::Status Database::InTransaction(absl::FunctionRef<absl::Status()> body) {
  absl::Status s = Exec("BEGIN IMMEDIATE;");
  if (!s.ok()) return s;
  s = body();
  if (s.ok()) s = Exec("COMMIT;");
  if (!s.ok() && InTransaction()) {
    Exec("ROLLBACK;").IgnoreError();
  }
  return s;
}

int64_t Database::Changes() const { return sqlite3_changes(db_); }

int64_t Database::TotalChanges() const { return sqlite3_total_changes(db_); }

bool Database::InTransaction() const { return !sqlite3_get_autocommit(db_); }

absl::Status Database::CheckIntegrity() {
  return Check("PRAGMA integrity_check;", "integrity");
}

absl::Status Database::CheckStructure() {
  return Check("PRAGMA quick_check;", "structure");
}

absl::Status Database::Check(const char* pragma, absl::string_view what) {
  absl::StatusOr<Statement> stmt = Prepare(pragma);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row || stmt->ColumnText(0) != "ok") {
    return absl::DataLossError(
        absl::StrCat("database ", path_, " failed its ", what, " check"));
  }
  return absl::OkStatus();
}

}  // namespace safeguard
