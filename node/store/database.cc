#include "node/store/database.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "node/domain/ids.h"
#include "node/store/encryption.h"
#include "node/store/keys.h"
#include "pacto/v1/storage.pb.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/write_buffer_manager.h"

namespace pacto {
namespace {

constexpr uint32_t kFormatVersion = 1;

rocksdb::ColumnFamilyOptions FamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                           size_t write_buffer, bool point_lookups) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = write_buffer;
  cf.max_write_buffer_number = 3;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kLZ4Compression;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Families read by point lookups at random keys (records, tallies) use small blocks:
  // once they outgrow the block cache every lookup decompresses a whole block.
  table.block_size = point_lookups ? 4 << 10 : 16 << 10;
  // Index and filter blocks live with each open table, outside the block cache: in the
  // cache, a large import evicted them and every lookup of a new key re-read and
  // re-checksummed a megabyte of filter. (About 2 bytes per key in memory.)
  table.cache_index_and_filter_blocks = false;
  if (point_lookups) {
    // 16 bits per key (~0.1% false positives) rather than 10 (~1%): a new record is
    // looked up in every memtable, L0 file and level, and at 10 bits the data blocks
    // read and decompressed for nothing were 12% of the apply thread at 1M imported
    // members.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(16));
    // Most lookups on the write path are for keys that do not exist yet (a new
    // person, a new membership): a memtable bloom filter answers those cheaply.
    cf.memtable_whole_key_filtering = true;
    cf.memtable_prefix_bloom_size_ratio = 0.05;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

rocksdb::DBOptions BaseOptions(const DatabaseOptions& options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;
  db_options.keep_log_file_num = 5;
  db_options.max_total_wal_size = 256 << 20;
  db_options.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(options.write_buffer_bytes);
  if (options.env != nullptr) db_options.env = options.env;
  return db_options;
}

// The column families, in the order of Database's handles (default first).
std::vector<rocksdb::ColumnFamilyDescriptor> Families(
    const std::shared_ptr<rocksdb::Cache>& cache) {
  return {
      {rocksdb::kDefaultColumnFamilyName, FamilyOptions(cache, 4 << 20, true)},
      {kRecordsFamily, FamilyOptions(cache, 32 << 20, true)},
      {kIndexesFamily, FamilyOptions(cache, 32 << 20, false)},
      {kLogFamily, FamilyOptions(cache, 64 << 20, false)},
      // Small: every group commit rewrites the same aggregate counters, and inserting
      // into a large memtable full of their old versions cost a durable enrolment
      // more than its own records did (15% of the node's CPU per call, perf).
      {kTalliesFamily, FamilyOptions(cache, 4 << 20, true)},
  };
}

// Whether `path` holds no RocksDB database yet; an error when it holds one that is not
// a registry.
absl::StatusOr<bool> IsNewOrOurs(const rocksdb::DBOptions& db_options, const std::string& path) {
  // A directory RocksDB already knows but without our families is someone else's,
  // unless it cannot even be opened: then it is damaged, and saying "not ours" could
  // lead an operator to delete a registry.
  std::vector<std::string> existing;
  bool is_new = !rocksdb::DB::ListColumnFamilies(db_options, path, &existing).ok();
  if (is_new || std::find(existing.begin(), existing.end(), kRecordsFamily) != existing.end()) {
    return is_new;
  }
  rocksdb::DB* probe = nullptr;
  rocksdb::Options probe_options(db_options, rocksdb::ColumnFamilyOptions());
  probe_options.create_if_missing = false;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(probe_options, path, &probe);
  delete probe;
  if (!s.ok()) {
    return absl::DataLossError(
        absl::StrCat("data dir ", path, " is corrupt (", s.ToString(),
                     "); restore it with --restore-from BACKUP_DIR, and keep the damaged copy"));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("data dir ", path, " holds a RocksDB database that is not a pacto registry"));
}

// Opens RocksDB with every family, naming the likely cause of a failure.
absl::Status OpenRocks(const rocksdb::DBOptions& db_options, const std::string& path,
                       const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
                       std::vector<rocksdb::ColumnFamilyHandle*>* handles, rocksdb::DB** raw) {
  rocksdb::Status s = rocksdb::DB::Open(db_options, path, families, handles, raw);
  if (s.ok()) return absl::OkStatus();
  if (s.IsIOError() && absl::StrContains(absl::AsciiStrToLower(s.ToString()), "lock")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data dir ", path,
        " is in use by another process (its LOCK is held); is another pacto-node running "
        "on it?"));
  }
  if (s.IsCorruption()) {
    return absl::DataLossError(absl::StrCat("data dir ", path, " is corrupt (", s.ToString(),
                                            "); restore it with --restore-from BACKUP_DIR"));
  }
  return FromRocks(s, absl::StrCat("cannot open data dir ", path));
}

// Checks the identity record of a data dir against `options`, or writes one on a data
// dir that holds nothing yet. Returns the dir's node id.
absl::StatusOr<std::string> ClaimIdentity(rocksdb::DB* raw, rocksdb::ColumnFamilyHandle* log,
                                          const DatabaseOptions& options, bool is_new) {
  std::string stored;
  rocksdb::Status s = raw->Get(rocksdb::ReadOptions(), kIdentityKey, &stored);
  if (s.ok()) {
    v1::DataDirIdentity identity;
    if (!identity.ParseFromString(stored)) {
      return absl::DataLossError(
          absl::StrCat("data dir ", options.path, " has an unreadable identity record"));
    }
    if (identity.format_version() > kFormatVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("data dir ", options.path, " was written by a newer pacto-node (format ",
                       identity.format_version(), ")"));
    }
    if (!options.node_id.empty() && identity.node_id() != options.node_id) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data dir ", options.path, " belongs to node '", identity.node_id(), "', not '",
          options.node_id, "'; give --node-id ", identity.node_id(), " or another --data-dir"));
    }
    return identity.node_id();
  }
  if (!s.IsNotFound()) return FromRocks(s, "reading the data dir identity");
  if (!is_new) {
    // Families exist but no identity: a half-created dir from a crash at first start
    // is the only way here; it holds nothing yet, so claiming it is safe only when
    // the log is empty.
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), log));
    it->SeekToFirst();
    if (it->Valid()) {
      return absl::DataLossError(
          absl::StrCat("data dir ", options.path, " has data but no identity record"));
    }
  }
  v1::DataDirIdentity identity;
  identity.set_node_id(options.node_id.empty() ? NewId("node") : options.node_id);
  identity.set_created(absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
  identity.set_format_version(kFormatVersion);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  s = raw->Put(sync, kIdentityKey, identity.SerializeAsString());
  if (!s.ok()) return FromRocks(s, "writing the data dir identity");
  return identity.node_id();
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(context, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsBusy() || s.IsTimedOut()) return absl::UnavailableError(msg);
  return absl::InternalError(msg);
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  rocksdb::DBOptions db_options = BaseOptions(options);
  std::error_code ec;
  const bool dir_is_new = !std::filesystem::exists(options.path + "/CURRENT", ec);
  if (absl::Status key = CheckDataDirKey(options.path, options.encryption_key, dir_is_new);
      !key.ok()) {
    return key;
  }
  std::unique_ptr<rocksdb::Env> encrypted_env;
  if (!options.encryption_key.empty()) {
    encrypted_env = NewEncryptedEnvironment(db_options.env, options.encryption_key);
    db_options.env = encrypted_env.get();
  }
  PACTO_ASSIGN_OR_RETURN(const bool is_new, IsNewOrOurs(db_options, options.path));

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  PACTO_RETURN_IF_ERROR(OpenRocks(db_options, options.path,
                                  Families(rocksdb::NewLRUCache(options.block_cache_bytes)),
                                  &handles, &raw));
  std::unique_ptr<Database> database(new Database());
  database->encrypted_env_ = std::move(encrypted_env);
  database->db_.reset(raw);
  database->path_ = options.path;
  // handles[0] is the default family; RocksDB owns that handle.
  delete handles[0];
  database->records_ = handles[1];
  database->indexes_ = handles[2];
  database->log_ = handles[3];
  database->tallies_ = handles[4];
  PACTO_ASSIGN_OR_RETURN(database->node_id_, ClaimIdentity(raw, database->log_, options, is_new));
  return database;
}

Database::~Database() {
  if (db_ == nullptr) return;
  for (auto* handle : {records_, indexes_, log_, tallies_}) {
    if (handle != nullptr) db_->DestroyColumnFamilyHandle(handle);
  }
  db_->Close();
}

rocksdb::ColumnFamilyHandle* Database::FamilyById(uint32_t id) const {
  for (rocksdb::ColumnFamilyHandle* cf : {meta(), records_, indexes_, log_, tallies_}) {
    if (cf->GetID() == id) return cf;
  }
  return nullptr;
}

absl::Status Database::Flush() {
  rocksdb::FlushOptions options;
  options.wait = true;
  return FromRocks(db_->Flush(options, {meta(), records_, indexes_, log_, tallies_}),
                   "flushing memtables");
}

}  // namespace pacto
