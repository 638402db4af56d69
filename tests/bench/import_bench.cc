// Bulk import of generated members into a real pacto-node through the streaming
// ImportMembers RPC, beside a raw RocksDB WriteBatch of the same rows (one key per
// row, 1000 rows per synced batch) measured in the same run on the same disk; then
// the node's resident memory.
//
//   build/tests/bench/import_bench [--rows 1000000] [--dir /tmp]
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pacto/v1/model.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "tests/bench/bench_support.h"
#include "tests/support/processes.h"

namespace pacto::bench {
namespace {

// The i-th generated member: what a CSV row would say.
v1::ImportRow MakeRow(uint64_t i, const std::vector<std::string>& chapters) {
  v1::ImportRow row;
  row.set_line(i + 2);
  row.set_chapter(chapters[i % chapters.size()]);
  row.set_name(absl::StrCat("Miembro ", i, " Quispe Mamani"));
  row.set_national_id(absl::StrCat(20000000 + i));
  row.set_birth_date(absl::StrFormat("19%02d-%02d-%02d", 50 + i % 50, 1 + i % 12, 1 + i % 28));
  return row;
}

// The same row as the records a registry keeps: a person and a membership.
std::string RowPayload(const v1::ImportRow& row, uint64_t i) {
  v1::Person person;
  person.set_id(absl::StrCat("pr-", 1000000000000000 + i));
  person.set_name(row.name());
  person.set_national_id(row.national_id());
  person.set_birth_date(row.birth_date());
  v1::Membership membership;
  membership.set_id(absl::StrCat("mb-", 1000000000000000 + i));
  membership.set_person_id(person.id());
  membership.set_chapter_id(row.chapter());
  membership.set_since("2026-11-27");
  membership.set_status("active");
  return person.SerializeAsString() + membership.SerializeAsString();
}

double RawWriteBatchRate(const std::string& path, uint64_t rows,
                         const std::vector<std::string>& chapters) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kLZ4Compression;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, path, &raw).ok()) return 0;
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const double start = Now();
  rocksdb::WriteBatch batch;
  for (uint64_t i = 0; i < rows; ++i) {
    v1::ImportRow row = MakeRow(i, chapters);
    batch.Put(absl::StrCat("5mb-", (i * 2654435761u) % 1000000007u, "-", i), RowPayload(row, i));
    if (batch.Count() == 1000 || i + 1 == rows) {
      if (!db->Write(sync, &batch).ok()) return 0;
      batch.Clear();
    }
  }
  return rows / (Now() - start);
}

int Main(int argc, char** argv) {
  const uint64_t rows = std::stoull(Flag(argc, argv, "rows", "1000000"));
  setenv("TEST_TMPDIR", Flag(argc, argv, "dir", "/tmp").c_str(), 1);
  ScratchDir dir;
  absl::StatusOr<std::unique_ptr<NodeProcess>> node =
      NodeProcess::Start({.data_dir = dir.Sub("data"), .node_id = "bench", .region = "BO"});
  if (!node.ok()) {
    std::cerr << node.status() << "\n";
    return 1;
  }
  std::unique_ptr<Client> client = ConnectOwn((*node)->address());
  const std::vector<std::string> chapters = BuildFederation(*client, 500);
  const double rss_before = RssMiB((*node)->pid());

  const double raw_rate = RawWriteBatchRate(dir.Sub("raw"), rows, chapters);

  uint64_t next = 0;
  const double start = Now();
  absl::StatusOr<v1::ImportMembersResponse> imported =
      client->ImportMembers([&](v1::ImportRow* row) {
        if (next == rows) return false;
        *row = MakeRow(next++, chapters);
        return true;
      });
  const double elapsed = Now() - start;
  if (!imported.ok() || imported->accepted() != rows) {
    std::cerr << "import failed: "
              << (imported.ok() ? absl::StrCat(imported->rejected(), " rejected")
                                : imported.status().ToString())
              << "\n";
    return 1;
  }
  const double import_rate = rows / elapsed;
  const double rss_after = RssMiB((*node)->pid());
  const double data_mb = DirectoryBytes(dir.Sub("data")) / 1048576.0;

  std::cout << "\nBulk import of " << rows
            << " generated members, client and node on this machine\n\n";
  Row({"measure", "rows/s", "seconds", "ratio"});
  Row({"---", "---", "---", "---"});
  Row({"raw RocksDB WriteBatch, same rows (1 key/row, 1000/batch, synced)",
       absl::StrFormat("%.0f", raw_rate), absl::StrFormat("%.1f", rows / raw_rate), "1.00"});
  Row({"pacto member import (ImportMembers stream)", absl::StrFormat("%.0f", import_rate),
       absl::StrFormat("%.1f", elapsed), absl::StrFormat("%.2f", import_rate / raw_rate)});
  std::cout << "\n";
  Row({"node", "value"});
  Row({"---", "---"});
  Row({"RSS before import", absl::StrFormat("%.0f MiB", rss_before)});
  Row({"RSS after import", absl::StrFormat("%.0f MiB", rss_after)});
  Row({"data dir after import", absl::StrFormat("%.0f MiB", data_mb)});
  (*node)->Stop();
  return 0;
}

}  // namespace
}  // namespace pacto::bench

int main(int argc, char** argv) { return pacto::bench::Main(argc, argv); }
