#include "tests/fuzz/fuzz_replica.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "node/domain/ids.h"
#include "node/store/database.h"
#include "rocksdb/write_batch.h"

namespace pacto {
namespace {

uint64_t ids_issued = 0;

std::string ToString(const rocksdb::Slice& s) { return std::string(s.data(), s.size()); }

}  // namespace

void ResetFuzzIds(uint64_t issued) {
  ids_issued = issued;
  SetIdGeneratorForTest(
      [](absl::string_view prefix) { return absl::StrCat(prefix, "-fz", ++ids_issued); });
}

uint64_t FuzzIdsIssued() { return ids_issued; }

void CheckOk(const absl::Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::abort();
}

FuzzReplica::FuzzReplica(const std::function<void(Replica&)>& setup)
    : clock_(absl::FromUnixSeconds(kFuzzNowUnixSeconds)),
      env_(rocksdb::NewMemEnv(rocksdb::Env::Default())) {
  Replica::Options options;
  options.database.path = "/fuzz/db";
  options.database.node_id = "fuzz-node";
  options.database.env = env_.get();
  options.database.write_buffer_bytes = 4 << 20;
  options.database.block_cache_bytes = 1 << 20;
  options.region = "BO";
  options.clock = &clock_;
  options.sync = false;  // the in-memory env has nothing to sync
  absl::StatusOr<std::unique_ptr<Replica>> replica = Replica::Open(std::move(options));
  CheckOk(replica.status(), "open the fuzz replica");
  replica_ = *std::move(replica);
  ResetFuzzIds();
  setup(*replica_);
  ids_after_setup_ = FuzzIdsIssued();

  const Database& db = replica_->db();
  for (rocksdb::ColumnFamilyHandle* cf : Families()) {
    Contents& contents = after_setup_.emplace_back();
    std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      contents.emplace(ToString(it->key()), ToString(it->value()));
    }
    CheckOk(FromRocks(it->status(), "scan"), "read the set-up state");
  }
}

FuzzReplica::~FuzzReplica() {
  replica_->Close(/*flush=*/false);
  replica_.reset();
}

std::vector<rocksdb::ColumnFamilyHandle*> FuzzReplica::Families() {
  Database& db = replica_->db();
  return {db.meta(), db.records(), db.indexes(), db.log(), db.tallies()};
}

void FuzzReplica::Reset() {
  replica_->pipeline().RunExclusive([this](Applier& applier) {
    // Only what differs is rewritten, so the memtable grows slowly across inputs.
    rocksdb::DB* db = replica_->db().db();
    rocksdb::WriteBatch batch;
    std::vector<rocksdb::ColumnFamilyHandle*> families = Families();
    for (size_t i = 0; i < families.size(); ++i) {
      const Contents& want = after_setup_[i];
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), families[i]));
      auto next = want.begin();
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const std::string key = ToString(it->key());
        for (; next != want.end() && next->first < key; ++next) {
          CheckOk(FromRocks(batch.Put(families[i], next->first, next->second), "put"), "reset");
        }
        if (next != want.end() && next->first == key) {
          if (it->value() != next->second) {
            CheckOk(FromRocks(batch.Put(families[i], key, next->second), "put"), "reset");
          }
          ++next;
        } else {
          CheckOk(FromRocks(batch.Delete(families[i], key), "delete"), "reset");
        }
      }
      CheckOk(FromRocks(it->status(), "scan"), "reset");
      for (; next != want.end(); ++next) {
        CheckOk(FromRocks(batch.Put(families[i], next->first, next->second), "put"), "reset");
      }
    }
    if (batch.Count() > 0) {
      CheckOk(FromRocks(db->Write(rocksdb::WriteOptions(), &batch), "write"), "reset");
    }
    CheckOk(applier.Reload(), "reload the applier after a reset");
  });
  ResetFuzzIds(ids_after_setup_);
}

}  // namespace pacto
