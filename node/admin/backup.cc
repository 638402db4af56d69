#include "node/admin/backup.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "node/base/log.h"
#include "node/domain/ids.h"
#include "node/store/encryption.h"
#include "node/store/keys.h"
#include "pacto/v1/storage.pb.h"

namespace pacto {
namespace {

namespace fs = std::filesystem;

// The key-check file encryption.h keeps beside encrypted data; a backup dir of an
// encrypted node carries one too.
constexpr char kKeyCheckFile[] = "ENCRYPTION";
// What BackupEngine keeps in a backup dir: one file per backup under meta/.
constexpr char kBackupMetaDir[] = "meta";
// app_metadata of each backup: the id of the node it was taken from.
constexpr absl::string_view kNodeIdMetadata = "node_id=";

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

bool IsEmptyOrMissing(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
}

std::string NodeIdOf(const rocksdb::BackupInfo& info) {
  absl::string_view metadata = info.app_metadata;
  return absl::ConsumePrefix(&metadata, kNodeIdMetadata) ? std::string(metadata) : "";
}

// The Env BackupEngine reads and writes a backup dir through: the encrypted one when
// the dir is encrypted. `key` is empty for plaintext.
struct BackupEnvs {
  std::unique_ptr<rocksdb::Env> encrypted;
  rocksdb::Env* env = rocksdb::Env::Default();
};

BackupEnvs MakeEnvs(const std::string& key) {
  BackupEnvs envs;
  if (!key.empty()) {
    envs.encrypted = NewEncryptedEnvironment(rocksdb::Env::Default(), key);
    envs.env = envs.encrypted.get();
  }
  return envs;
}

// Refuses to mix encrypted and plaintext backups in one dir, and a wrong key; marks a
// new dir of an encrypted node.
// `shown`: the dir's name in messages (`dir` may be a /proc/self/fd path).
absl::Status CheckBackupDirKey(const std::string& dir, const std::string& shown,
                               const std::string& key) {
  const bool marked = Exists(absl::StrCat(dir, "/", kKeyCheckFile));
  const bool has_backups = Exists(absl::StrCat(dir, "/", kBackupMetaDir));
  if (key.empty() && marked) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup dir ", shown,
                     " holds encrypted backups and this node's data is not encrypted; back it "
                     "up into another dir"));
  }
  if (!key.empty() && !marked && has_backups) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup dir ", shown,
                     " holds unencrypted backups and this node's data is encrypted; back it up "
                     "into another dir"));
  }
  absl::Status status = CheckDataDirKey(dir, key, /*dir_is_new=*/true);
  if (absl::IsPermissionDenied(status)) {
    return absl::PermissionDeniedError(
        absl::StrCat("backup dir ", shown, " is encrypted with another key than this node's data"));
  }
  return status;
}

absl::Status FromIo(const rocksdb::IOStatus& s, const std::string& context) {
  return FromRocks(rocksdb::Status(s), context);
}

}  // namespace

BackupTaker::BackupTaker(const Database* db, std::string encryption_key,
                         std::unique_ptr<BackupRoot> root, AdminEventLog* events)
    : db_(db),
      encryption_key_(std::move(encryption_key)),
      root_(std::move(root)),
      events_(events) {}

absl::StatusOr<BackupReport> BackupTaker::Take(const std::string& name,
                                               const std::string& principal) {
  absl::StatusOr<BackupReport> report;
  if (root_ == nullptr) {
    report = absl::FailedPreconditionError(
        "this node takes no remote backups: start pacto-node with --backup-dir DIR (or "
        "backup_dir in its config), then name a sub-directory of it: pacto node backup NAME");
  } else {
    // Checked (and the directory opened) before the lock: a refused name waits for nothing.
    absl::StatusOr<BackupTarget> target = root_->Resolve(name, /*create=*/true);
    if (!target.ok()) {
      report = target.status();
    } else {
      absl::MutexLock lock(&mu_);
      report = TakeInto(*target);
    }
  }
  v1::AdminEvent event;
  event.set_kind("backup");
  event.set_principal(principal);
  event.set_name(name);
  event.set_outcome(report.ok() ? "ok" : absl::StatusCodeToString(report.status().code()));
  event.set_detail(report.ok() ? absl::StrCat(report->dir, " backup ", report->backup_id)
                               : std::string(report.status().message()));
  const std::string shown_name = absl::CHexEscape(name.substr(0, 256));
  if (report.ok()) {
    LogInfo("backup", {{"principal", principal},
                       {"name", shown_name},
                       {"outcome", "ok"},
                       {"dir", report->dir},
                       {"backup_id", absl::StrCat(report->backup_id)}});
  } else {
    LogWarning("backup", {{"principal", principal},
                          {"name", shown_name},
                          {"outcome", event.outcome()},
                          {"error", std::string(report.status().message())}});
  }
  if (events_ != nullptr) {
    if (absl::Status recorded = events_->Record(std::move(event)); !recorded.ok()) {
      LogError("backup: could not record the event", {{"error", recorded.ToString()}});
    }
  }
  return report;
}

absl::StatusOr<BackupReport> BackupTaker::TakeInto(const BackupTarget& target) {
  const std::string dir = target.io_path();
  const absl::Time start = absl::Now();
  PACTO_RETURN_IF_ERROR(CheckBackupDirKey(dir, target.path(), encryption_key_));

  // The database's own Env decrypts what it reads and, as the backup's Env, encrypts
  // what it writes: the backup is exactly as encrypted as the data dir.
  rocksdb::Env* env = db_->db()->GetEnv();
  rocksdb::BackupEngineOptions options(dir, env);
  options.sync = true;
  options.max_background_operations = 1;
  rocksdb::BackupEngine* raw = nullptr;
  PACTO_RETURN_IF_ERROR(FromIo(rocksdb::BackupEngine::Open(options, env, &raw),
                               "opening backup dir " + target.path()));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  {
    absl::MutexLock running(&running_mu_);
    if (stopped_) return absl::UnavailableError("the node is shutting down");
    running_ = engine.get();
  }
  struct Done {
    BackupTaker* taker;
    ~Done() {
      absl::MutexLock running(&taker->running_mu_);
      taker->running_ = nullptr;
    }
  } done{this};

  // Without a flush: the live WAL is copied with the tables, which keeps every
  // column family consistent and spares a busy node a forced flush.
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = false;
  rocksdb::BackupID id = 0;
  const rocksdb::IOStatus taken = engine->CreateNewBackupWithMetadata(
      create, db_->db(), absl::StrCat(kNodeIdMetadata, db_->node_id()), &id);
  if (!taken.ok()) {
    absl::MutexLock running(&running_mu_);
    if (stopped_) {
      return absl::UnavailableError(
          "the node is shutting down: the backup was stopped and left no backup behind");
    }
  }
  PACTO_RETURN_IF_ERROR(FromIo(taken, "taking the backup"));
  PACTO_RETURN_IF_ERROR(
      FromIo(engine->VerifyBackup(id, /*verify_with_checksum=*/true),
             absl::StrCat("verifying backup ", id, " (it was kept; do not rely on it)")));

  rocksdb::BackupInfo info;
  PACTO_RETURN_IF_ERROR(FromRocks(engine->GetBackupInfo(id, &info), "reading the backup's info"));
  std::vector<rocksdb::BackupInfo> all;
  engine->GetBackupInfo(&all);

  BackupReport report;
  report.dir = target.path();
  report.backup_id = id;
  report.size_bytes = info.size;
  report.files = info.number_files;
  report.backups_in_dir = static_cast<uint32_t>(all.size());
  report.node_id = db_->node_id();
  report.encrypted = !encryption_key_.empty();
  report.took = absl::Now() - start;
  return report;
}

void BackupTaker::Stop() {
  {
    absl::MutexLock running(&running_mu_);
    stopped_ = true;
    if (running_ != nullptr) running_->StopBackup();
  }
  absl::MutexLock lock(&mu_);  // waits for the backup to give up
}

absl::StatusOr<std::string> RestoreSource(const std::string& from, const std::string& backup_root) {
  if (backup_root.empty() || absl::StartsWith(from, "/")) return from;
  PACTO_ASSIGN_OR_RETURN(std::unique_ptr<BackupRoot> root, BackupRoot::Open(backup_root));
  PACTO_ASSIGN_OR_RETURN(BackupTarget target,
                         root->Resolve(from, /*create=*/false, "--restore-from"));
  return target.path();
}

namespace {

// Refuses, before anything is read: a dir without a backup, a data dir that is not
// empty, an encrypted backup without its key or with another. True when the backup is
// encrypted.
absl::StatusOr<bool> CheckRestoreIsSafe(const std::string& backup_dir, const std::string& data_dir,
                                        const std::string& encryption_key) {
  if (!Exists(absl::StrCat(backup_dir, "/", kBackupMetaDir))) {
    return absl::NotFoundError(
        absl::StrCat("--restore-from: ", backup_dir, " holds no backup (no meta/ directory)"));
  }
  if (!IsEmptyOrMissing(data_dir)) {
    return absl::FailedPreconditionError(
        absl::StrCat("--restore-from: data dir ", data_dir,
                     " is not empty; a restore never overwrites a registry. Give a new or empty "
                     "--data-dir, or start without --restore-from to run on the data as it is"));
  }
  // An encrypted backup needs its key; a plaintext one may be restored into an
  // encrypted data dir (that is how a node starts encrypting its data).
  const bool backup_encrypted = Exists(absl::StrCat(backup_dir, "/", kKeyCheckFile));
  if (!backup_encrypted) return false;
  if (encryption_key.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--restore-from: backup ", backup_dir,
                     " is encrypted; give its key with --encryption-key-file"));
  }
  if (absl::Status key = CheckDataDirKey(backup_dir, encryption_key, false); !key.ok()) {
    return absl::PermissionDeniedError(
        absl::StrCat("--restore-from: the encryption key does not match backup ", backup_dir,
                     "; nothing was read or changed"));
  }
  return true;
}

// The newest intact backup of `engine`'s dir, and the ids the restore will use.
absl::StatusOr<RestoreReport> ChooseBackup(rocksdb::BackupEngineReadOnly& engine,
                                           const std::string& backup_dir,
                                           const std::string& new_node_id) {
  std::vector<rocksdb::BackupInfo> backups;
  engine.GetBackupInfo(&backups);
  if (backups.empty()) {
    return absl::NotFoundError(
        absl::StrCat("--restore-from: ", backup_dir, " holds no intact backup"));
  }
  const rocksdb::BackupInfo& newest =
      *std::max_element(backups.begin(), backups.end(),
                        [](const auto& a, const auto& b) { return a.backup_id < b.backup_id; });
  RestoreReport report;
  report.backup_id = newest.backup_id;
  report.original_node_id = NodeIdOf(newest);
  report.node_id = new_node_id.empty() ? NewId("node") : new_node_id;
  if (report.node_id == report.original_node_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--restore-from: backup ", report.backup_id, " was taken from node '",
        report.original_node_id,
        "'; a restored node takes a new node id (the original may be alive, and two nodes "
        "numbering writes as one make replicas diverge). Give another --node-id, or none"));
  }
  return report;
}

// Gives the restored data dir at `staging` the node id of `report` (backup.h says why).
absl::Status RenameRestoredNode(const std::string& staging, const std::string& encryption_key,
                                RestoreReport* report) {
  DatabaseOptions options;
  options.path = staging;
  options.encryption_key = encryption_key;
  options.write_buffer_bytes = 16 << 20;
  options.block_cache_bytes = 8 << 20;
  PACTO_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(options));
  if (report->original_node_id.empty()) report->original_node_id = db->node_id();
  if (db->node_id() == report->node_id) {
    return absl::FailedPreconditionError(absl::StrCat("--restore-from: the backup holds node '",
                                                      db->node_id(), "'; give another --node-id"));
  }
  std::string stored;
  PACTO_RETURN_IF_ERROR(FromRocks(db->db()->Get(rocksdb::ReadOptions(), kIdentityKey, &stored),
                                  "reading the restored identity"));
  v1::DataDirIdentity identity;
  if (!identity.ParseFromString(stored)) {
    return absl::DataLossError("--restore-from: the backup's identity record is unreadable");
  }
  identity.set_node_id(report->node_id);
  identity.set_created(absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
  rocksdb::WriteOptions sync;
  sync.sync = true;
  PACTO_RETURN_IF_ERROR(FromRocks(db->db()->Put(sync, kIdentityKey, identity.SerializeAsString()),
                                  "writing the restored identity"));
  return db->Flush();
}

}  // namespace

absl::StatusOr<RestoreReport> RestoreBackup(const std::string& backup_dir_in,
                                            const std::string& data_dir_in,
                                            const std::string& encryption_key,
                                            const std::string& new_node_id) {
  const std::string backup_dir(absl::StripSuffix(backup_dir_in, "/"));
  const std::string data_dir(absl::StripSuffix(data_dir_in, "/"));
  PACTO_ASSIGN_OR_RETURN(const bool backup_encrypted,
                         CheckRestoreIsSafe(backup_dir, data_dir, encryption_key));
  BackupEnvs backup_envs = MakeEnvs(backup_encrypted ? encryption_key : "");
  BackupEnvs data_envs = MakeEnvs(encryption_key);
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  PACTO_RETURN_IF_ERROR(
      FromIo(rocksdb::BackupEngineReadOnly::Open(
                 rocksdb::BackupEngineOptions(backup_dir, backup_envs.env), data_envs.env, &raw),
             "--restore-from: opening " + backup_dir));
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  PACTO_ASSIGN_OR_RETURN(RestoreReport report, ChooseBackup(*engine, backup_dir, new_node_id));

  // Restore beside the target and rename it into place: a failed restore leaves
  // nothing half-made where the node would start from.
  const std::string staging = absl::StrCat(data_dir, ".restoring");
  std::error_code ec;
  fs::remove_all(staging, ec);
  PACTO_RETURN_IF_ERROR(FromIo(
      engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), report.backup_id, staging, staging),
      absl::StrCat("--restore-from: restoring backup ", report.backup_id)));
  engine.reset();
  // After the restore, which empties its target first: the key marker of the new dir.
  PACTO_RETURN_IF_ERROR(CheckDataDirKey(staging, encryption_key, /*dir_is_new=*/true));
  PACTO_RETURN_IF_ERROR(RenameRestoredNode(staging, encryption_key, &report));

  if (Exists(data_dir)) fs::remove(data_dir, ec);  // empty, checked above
  fs::rename(staging, data_dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("--restore-from: moving ", staging, " to ", data_dir, ": ", ec.message()));
  }
  return report;
}

}  // namespace pacto
