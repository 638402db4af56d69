// Online backups of a node's data dir, and restoring one into a new data dir.
//
// A backup is a RocksDB BackupEngine directory: taken while the node serves, it holds
// a consistent state of the whole registry (every column family as of one point; the
// WAL is copied with the tables, so every acknowledged write is in it). One directory
// holds many backups; later ones share the table files they have in common, so a
// nightly backup into the same directory costs about what changed. Each backup is
// verified (every file re-read, checksums compared) before it is reported.
//
// Encryption: when the node's data is encrypted, the backup is written through the
// same encrypted Env, so no file of it holds plaintext; it carries the data dir's
// ENCRYPTION marker, so a restore with a wrong or missing key is refused before
// anything is read.
//
// Node ids: a restored data dir never keeps the node id it was backed up from. That
// node may still be alive (a copy of a healthy node seeds a new machine) or may have
// written more after the backup before it died; either way, the restored node would
// number its own writes again from the backup's sequence, and two different writes
// with one dot make replicas diverge for ever. So the restore gives the data dir a
// new node id; the old id's writes stay as they are (data replicated from "another
// node"), and the writes the old node made after the backup arrive from peers like
// any other replicated write.
//
// Where: only below the directory the node's operator configured (--backup-dir), and
// nothing outside it (backup_root.h). Files are created with the process umask, which
// pacto-node sets to 077: 0600 files in 0700 directories.
//
// Thread-safe: BackupTaker serializes backups; RestoreBackup touches only its dirs.
#ifndef PACTO_NODE_ADMIN_BACKUP_H_
#define PACTO_NODE_ADMIN_BACKUP_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "node/admin/admin_events.h"
#include "node/admin/backup_root.h"
#include "node/store/database.h"
#include "rocksdb/utilities/backup_engine.h"

namespace pacto {

struct BackupReport {
  std::string dir;
  uint32_t backup_id = 0;
  // Bytes of this backup's files (shared files counted in full) and their number.
  uint64_t size_bytes = 0;
  uint32_t files = 0;
  // Backups in the directory, this one included.
  uint32_t backups_in_dir = 0;
  std::string node_id;  // the node it was taken from
  bool encrypted = false;
  absl::Duration took;  // taking and verifying
};

// Takes backups of one open database, below the operator's backup root only.
class BackupTaker {
 public:
  // `db` must outlive the taker. `encryption_key`: the data dir's key, empty when the
  // data is plaintext (the one the Database was opened with). `root`: where backups
  // may go (backup_root.h); null refuses every backup (no --backup-dir). `events`,
  // when not null, records every backup asked of it; it must outlive the taker.
  BackupTaker(const Database* db, std::string encryption_key, std::unique_ptr<BackupRoot> root,
              AdminEventLog* events);

  // Backs the database up into the directory `name` stands for below the root
  // (backup_root.h: created when missing; INVALID_ARGUMENT or PERMISSION_DENIED, and
  // nothing written, when the name leaves the root) and verifies the new backup. The
  // directory may already hold backups of this node or of another; refused when it is
  // encrypted with another key, or encrypted for a plaintext node or the other way
  // round. FAILED_PRECONDITION when the node has no backup root. Blocks for as long
  // as the copy takes; concurrent calls wait for each other.
  //
  // Every call, successful or not, is logged (one line: `principal`, the name, the
  // outcome) and recorded in `events`.
  absl::StatusOr<BackupReport> Take(const std::string& name, const std::string& principal)
      ABSL_LOCKS_EXCLUDED(mu_, running_mu_);

  // Stops a backup in progress (it fails, and leaves no backup behind) and refuses
  // later ones; returns once none runs. For shutdown, before the database closes.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_, running_mu_);

 private:
  absl::StatusOr<BackupReport> TakeInto(const BackupTarget& target)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) ABSL_LOCKS_EXCLUDED(running_mu_);

  // Constant after construction.
  const Database* const db_;
  const std::string encryption_key_;
  const std::unique_ptr<BackupRoot> root_;
  AdminEventLog* const events_;

  absl::Mutex mu_;  // held for a whole backup: one at a time
  absl::Mutex running_mu_;
  rocksdb::BackupEngine* running_ ABSL_GUARDED_BY(running_mu_) = nullptr;
  bool stopped_ ABSL_GUARDED_BY(running_mu_) = false;
};

struct RestoreReport {
  uint32_t backup_id = 0;
  std::string original_node_id;
  std::string node_id;  // the restored data dir's, never the original's
};

// Restores the newest intact backup in `backup_dir` into `data_dir`, which must not
// exist or be empty (refused otherwise: a restore never overwrites a registry), and
// gives it `new_node_id` (or a fresh one when empty; refused when it is the backed-up
// node's own id). `encryption_key` must be the backup's (empty when it is plaintext);
// the restored dir is encrypted with it too. The restore goes into a sibling
// directory first and is renamed into place, so a failed restore leaves `data_dir`
// as it was.
// Where `pacto-node --restore-from FROM` reads: with a `backup_root` (--backup-dir), a
// relative FROM is a backup name below it, resolved like a remote backup's name
// (backup_root.h: no "..", no symbolic link; NOT_FOUND when missing); an absolute FROM,
// or any FROM without a backup root, is the operator's path as given.
absl::StatusOr<std::string> RestoreSource(const std::string& from, const std::string& backup_root);

absl::StatusOr<RestoreReport> RestoreBackup(const std::string& backup_dir,
                                            const std::string& data_dir,
                                            const std::string& encryption_key,
                                            const std::string& new_node_id);

}  // namespace pacto

#endif  // PACTO_NODE_ADMIN_BACKUP_H_
