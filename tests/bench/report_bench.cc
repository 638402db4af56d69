// Server-side time of the federation reports at scale (issue 4's targets: summary
// <= 20 ms, regions <= 50 ms, tree from the root <= 500 ms, export >= 200k rows/s),
// each against a ceiling measured in the same run on the same data: raw RocksDB reads
// of exactly the keys the report reads (same snapshot kind, same column families),
// with nothing decoded and no row built. "ratio" is ceiling time / report time: the
// fraction of the storage engine's own speed the report reaches (1 would be free
// decoding). Beside them, a full scan of the records family: what a report would pay
// if it recounted instead of reading counters.
//
// The federation is written in-process through one Replica's Registry — the real
// validation, commit pipeline, apply path and derived data — with WAL sync off (what
// Replica::Options::sync = false exists for): a region tree like Bolivia's, chapters
// affiliated up to a pact (a few chains broken), and people imported in batches as
// `pacto member import` sends them, some in two chapters. Reports are then timed by
// calling the library functions the RPC handlers call (node/reports/*.h,
// node/registry/export.h): server-side time, no network.
//
//   build/tests/bench/report_bench [--people 1000000] [--chapters 50000] [--runs 5] [--dir /tmp]
#include <algorithm>
#include <iostream>
#include <memory>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "node/domain/levels.h"
#include "node/registry/export.h"
#include "node/registry/replica.h"
#include "node/reports/regions.h"
#include "node/reports/report_context.h"
#include "node/reports/summary.h"
#include "node/reports/tree.h"
#include "node/store/derived_data.h"
#include "node/store/keys.h"
#include "node/store/tallies.h"
#include "tests/bench/bench_support.h"
#include "tests/support/processes.h"

namespace pacto::bench {
namespace {

[[noreturn]] void Die(const std::string& what, const absl::Status& s) {
  std::cerr << what << ": " << s << "\n";
  std::exit(1);
}

// Submits registry writes without waiting for each, at most `window` in flight.
class Flight {
 public:
  explicit Flight(int window) : window_(window) {}
  // Never leaves a callback pointing at a dead Flight; the error is for Wait() to tell.
  ~Flight() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &Flight::Idle));
  }

  Registry::Done Slot() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &Flight::HasRoom));
    ++in_flight_;
    return [this](absl::Status s) {
      absl::MutexLock lock(&mu_);
      --in_flight_;
      if (!s.ok() && error_.ok()) error_ = s;
    };
  }
  // Waits for everything in flight; the first error, if any.
  absl::Status Wait() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &Flight::Idle));
    return error_;
  }

 private:
  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ < window_; }
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ == 0; }

  const int window_;
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

struct Federation {
  std::vector<std::string> sindicatos;
  std::string pact;
  uint64_t chapters = 0, regions = 0, memberships = 0;
};

void AddRegions(Registry& registry, std::vector<std::string>* communities,
                std::vector<std::string>* municipalities, uint64_t* count) {
  std::vector<v1::Region> all;
  auto region = [&](const std::string& code, const std::string& level, const std::string& parent) {
    v1::Region r;
    r.set_code(code);
    r.set_name(absl::StrCat("Region ", code));
    r.set_level(level);
    r.set_parent(parent);
    all.push_back(r);
  };
  region("BO", "country", "");
  for (int d = 1; d <= 9; ++d) {
    const std::string dept = absl::StrCat("D", d);
    region(dept, "department", "BO");
    for (int p = 1; p <= 12; ++p) {
      const std::string prov = absl::StrCat(dept, "P", p);
      region(prov, "province", dept);
      for (int m = 1; m <= 3; ++m) {
        const std::string muni = absl::StrCat(prov, "M", m);
        region(muni, "municipality", prov);
        municipalities->push_back(muni);
        for (int c = 1; c <= 3; ++c) {
          region(absl::StrCat(muni, "C", c), "community", muni);
          communities->push_back(absl::StrCat(muni, "C", c));
        }
      }
    }
  }
  for (const v1::Region& r : all) {  // parents first, one at a time
    v1::AddRegionRequest req;
    *req.mutable_region() = r;
    absl::StatusOr<v1::Region> added = Await<v1::Region>(
        [&](v1::Region* out, auto done) { registry.AddRegion(req, "bench", out, done); });
    if (!added.ok()) Die("add region", added.status());
  }
  *count = all.size();
}

// Adds chapters of one level at once; returns their ids.
std::vector<std::string> AddLevel(Registry& registry,
                                  const std::vector<v1::AddChapterRequest>& reqs) {
  std::vector<v1::Chapter> out(reqs.size());
  Flight flight(512);
  for (size_t i = 0; i < reqs.size(); ++i) {
    registry.AddChapter(reqs[i], "bench", &out[i], flight.Slot());
  }
  absl::Status s = flight.Wait();
  if (!s.ok()) Die("add chapter", s);
  std::vector<std::string> ids;
  for (const v1::Chapter& c : out) ids.push_back(c.id());
  return ids;
}

Federation Build(Replica& replica, uint64_t people, uint64_t chapters, std::mt19937_64& rng) {
  Registry& registry = replica.registry();
  Federation f;
  std::vector<std::string> communities, municipalities;
  AddRegions(registry, &communities, &municipalities, &f.regions);
  const std::vector<std::string> sectors = {"agrario",    "minero",     "fabril",
                                            "magisterio", "transporte", "gremial"};
  auto chapter = [&](const std::string& level, const std::string& region, const std::string& parent,
                     size_t i) {
    v1::AddChapterRequest req;
    req.set_name(absl::StrCat(level, " ", region, " ", i));
    req.set_level(level);
    req.set_region(region);
    req.set_sector(sectors[i % sectors.size()]);
    req.set_parent(parent);
    return req;
  };
  f.pact = AddLevel(registry, {chapter("pact", "BO", "", 0)}).at(0);
  std::vector<v1::AddChapterRequest> reqs;
  for (size_t i = 0; i < sectors.size(); ++i)
    reqs.push_back(chapter("confederation", "BO", i < 5 ? f.pact : "", i));
  const std::vector<std::string> confederations = AddLevel(registry, reqs);
  reqs.clear();
  for (int d = 1; d <= 9; ++d) {
    for (size_t i = 0; i < 4; ++i) {
      reqs.push_back(chapter("federation", absl::StrCat("D", d), confederations[(d + i) % 6], i));
    }
  }
  const std::vector<std::string> federations = AddLevel(registry, reqs);
  reqs.clear();
  for (size_t i = 0; i < 9 * 12 * 3; ++i) {
    const int d = 1 + static_cast<int>(i / 36), p = 1 + static_cast<int>(i / 3 % 12);
    reqs.push_back(
        chapter("central", absl::StrCat("D", d, "P", p), federations[(d - 1) * 4 + i % 4], i));
  }
  const std::vector<std::string> centrals = AddLevel(registry, reqs);
  reqs.clear();
  for (size_t i = 0; i < municipalities.size() * 6; ++i) {
    const std::string& muni = municipalities[i / 6];
    const size_t province = i / 6 / 3;  // 3 municipalities per province
    reqs.push_back(
        chapter("subcentral", muni, i % 50 == 7 ? "" : centrals[province * 3 + i % 3], i));
  }
  const std::vector<std::string> subcentrals = AddLevel(registry, reqs);
  f.chapters =
      1 + confederations.size() + federations.size() + centrals.size() + subcentrals.size();
  reqs.clear();
  const uint64_t sindicatos = chapters > f.chapters ? chapters - f.chapters : 1000;
  for (uint64_t i = 0; i < sindicatos; ++i) {
    const size_t c = i % communities.size();
    const size_t muni = c / 3;  // 3 communities per municipality
    const std::string parent = i % 40 == 3 ? "" : subcentrals[muni * 6 + i % 6];
    reqs.push_back(chapter("sindicato", communities[c], parent, i));
  }
  f.sindicatos = AddLevel(registry, reqs);
  f.chapters += f.sindicatos.size();

  // People, imported 1000 rows a batch; 70% with a national id, 3% of those also in a
  // second chapter.
  Flight flight(8);
  std::vector<std::unique_ptr<v1::ImportMembersResponse>> responses;
  std::vector<v1::ImportRow> batch;
  uint64_t line = 1;
  auto add = [&](v1::ImportRow row) {
    row.set_line(++line);
    batch.push_back(std::move(row));
    if (batch.size() < 1000) return;
    responses.push_back(std::make_unique<v1::ImportMembersResponse>());
    registry.ImportRows(std::move(batch), "bench", responses.back().get(), flight.Slot());
    batch.clear();
  };
  for (uint64_t i = 0; i < people; ++i) {
    v1::ImportRow row;
    row.set_chapter(f.sindicatos[rng() % f.sindicatos.size()]);
    row.set_name(absl::StrCat("Persona ", i, " Quispe Mamani"));
    if (i % 10 < 7) row.set_national_id(absl::StrCat(10000000 + i));
    row.set_birth_date(absl::StrFormat("%04d-%02d-%02d", 1950 + i % 55, 1 + i % 12, 1 + i % 28));
    row.set_since("2020-01-01");
    const bool twice = i % 10 < 7 && i % 33 == 0;
    v1::ImportRow second = row;
    add(std::move(row));
    if (twice) {
      second.set_chapter(f.sindicatos[rng() % f.sindicatos.size()]);
      add(std::move(second));
    }
  }
  if (!batch.empty()) {
    responses.push_back(std::make_unique<v1::ImportMembersResponse>());
    registry.ImportRows(std::move(batch), "bench", responses.back().get(), flight.Slot());
  }
  absl::Status s = flight.Wait();
  if (!s.ok()) Die("import", s);
  for (const auto& r : responses) f.memberships += r->accepted();
  return f;
}

// Median seconds of `runs` calls of `fn` (after one warm-up call).
template <typename Fn>
double MedianSeconds(int runs, Fn fn) {
  fn();
  std::vector<double> samples;
  for (int i = 0; i < runs; ++i) {
    const double start = Now();
    fn();
    samples.push_back(Now() - start);
  }
  return Percentile(samples, 0.5);
}

// Raw reads through one snapshot: keys and bytes counted, nothing decoded. The ceiling
// each report is measured against.
class RawReads {
 public:
  explicit RawReads(const Database& db) : db_(db), snapshot_(db.db()->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~RawReads() { db_.db()->ReleaseSnapshot(snapshot_); }

  // The value's size, or 0 when absent.
  size_t Get(rocksdb::ColumnFamilyHandle* cf, const std::string& key) {
    std::string value;
    rocksdb::Status s = db_.db()->Get(options_, cf, key, &value);
    if (!s.ok() && !s.IsNotFound()) Die("raw get", FromRocks(s, "get"));
    ++keys_;
    bytes_ += key.size() + value.size();
    return value.size();
  }
  // Calls `fn(key suffix, value)` for every key under `prefix`.
  template <typename Fn>
  void Scan(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix, Fn fn) {
    std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(options_, cf));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      ++keys_;
      bytes_ += it->key().size() + it->value().size();
      fn(ToView(it->key()).substr(prefix.size()), ToView(it->value()));
    }
    if (!it->status().ok()) Die("raw scan", FromRocks(it->status(), "scan"));
  }
  void Scan(rocksdb::ColumnFamilyHandle* cf, const std::string& prefix) {
    Scan(cf, prefix, [](absl::string_view, absl::string_view) {});
  }

  // What every report's header reads: the version vector, the origins, digest, log end.
  void Header() {
    Scan(db_.meta(), kVersionVectorPrefix);
    Scan(db_.meta(), kOriginStatePrefix);
    Get(db_.meta(), kDigestKey);
    Get(db_.meta(), kLogNextKey);
  }

  uint64_t keys() const { return keys_; }

 private:
  const Database& db_;
  const rocksdb::Snapshot* const snapshot_;
  rocksdb::ReadOptions options_;
  uint64_t keys_ = 0, bytes_ = 0;
};

// summary: the header, the federation-wide counters and the sector counters.
uint64_t SummaryCeiling(const Database& db) {
  RawReads raw(db);
  raw.Header();
  for (absl::string_view name :
       {kChaptersCounter, kActiveCounter, kFederationCounter, kPersonsCounter}) {
    raw.Get(db.tallies(), GlobalCounterKey(name));
  }
  for (const std::string& level : ChapterLevels()) {
    raw.Get(db.tallies(), GlobalCounterKey(LevelCounter(level)));
  }
  raw.Scan(db.tallies(), "s");
  return raw.keys();
}

// regions: the header, every region record, three counters per region.
uint64_t RegionsCeiling(const Database& db) {
  RawReads raw(db);
  raw.Header();
  std::vector<std::string> codes;
  raw.Scan(db.records(), RecordTypePrefix(v1::RECORD_TYPE_REGION),
           [&](absl::string_view code, absl::string_view) { codes.emplace_back(code); });
  for (const std::string& code : codes) {
    for (absl::string_view name : {kChaptersCounter, kActiveCounter, kFederationCounter}) {
      raw.Get(db.tallies(), RegionCounterKey(code, name));
    }
  }
  return raw.keys();
}

// tree: the header, every chapter and affiliation record, every chapter tally.
uint64_t TreeCeiling(const Database& db) {
  RawReads raw(db);
  raw.Header();
  raw.Scan(db.records(), RecordTypePrefix(v1::RECORD_TYPE_CHAPTER));
  raw.Scan(db.records(), RecordTypePrefix(v1::RECORD_TYPE_AFFILIATION));
  raw.Scan(db.tallies(), "c");
  return raw.keys();
}

// export of the root region: the region records, every region's chapters, every
// chapter's members, and each active membership's record and its person's record.
uint64_t ExportCeiling(const Database& db) {
  RawReads raw(db);
  std::vector<std::string> regions, chapters;
  raw.Scan(db.records(), RecordTypePrefix(v1::RECORD_TYPE_REGION),
           [&](absl::string_view code, absl::string_view) { regions.emplace_back(code); });
  for (const std::string& region : regions) {
    raw.Scan(db.indexes(), IndexPrefix(IndexKind::kChaptersByRegion, region),
             [&](absl::string_view id, absl::string_view) { chapters.emplace_back(id); });
  }
  uint64_t rows = 0;
  for (const std::string& chapter : chapters) {
    std::vector<std::pair<std::string, std::string>> members;  // membership, person
    raw.Scan(db.indexes(), IndexPrefix(IndexKind::kMembersByChapter, chapter),
             [&](absl::string_view membership, absl::string_view mark) {
               if (!mark.empty() && mark[0] == kActiveMark) {
                 members.emplace_back(membership, mark.substr(1));
               }
             });
    for (const auto& [membership, person] : members) {
      raw.Get(db.records(), RecordKey(v1::RECORD_TYPE_MEMBERSHIP, membership));
      raw.Get(db.records(), RecordKey(v1::RECORD_TYPE_PERSON, person));
      ++rows;
    }
  }
  return rows;
}

// Every key and value of the records family read, nothing decoded: the least any
// report that recounted from the records would pay.
uint64_t ScanRecords(const Database& db) {
  RawReads raw(db);
  raw.Scan(db.records(), "");
  return raw.keys();
}

std::string Ms(double seconds) { return absl::StrFormat("%.2f ms", seconds * 1000); }
std::string Ratio(double ceiling_s, double report_s) {
  return absl::StrFormat("%.2f", ceiling_s / report_s);
}

int Main(int argc, char** argv) {
  const uint64_t people = std::stoull(Flag(argc, argv, "people", "1000000"));
  const uint64_t chapters = std::stoull(Flag(argc, argv, "chapters", absl::StrCat(people / 20)));
  const int runs = std::stoi(Flag(argc, argv, "runs", "5"));
  setenv("TEST_TMPDIR", Flag(argc, argv, "dir", "/tmp").c_str(), 1);
  ScratchDir dir;
  std::mt19937_64 rng(42);

  Replica::Options options;
  options.database.path = dir.Sub("data");
  options.database.node_id = "bench";
  options.region = "BO";
  options.sync = false;  // a benchmark of the apply path, not of fsync
  absl::StatusOr<std::unique_ptr<Replica>> opened = Replica::Open(options);
  if (!opened.ok()) Die("open", opened.status());
  Replica& replica = **opened;
  const Database& db = replica.db();

  double start = Now();
  const Federation f = Build(replica, people, chapters, rng);
  const double load_s = Now() - start;
  if (absl::Status s = replica.db().Flush(); !s.ok()) Die("flush", s);

  ReportContext ctx;
  ctx.db = &db;
  ctx.now = absl::Now();
  auto check = [](const absl::Status& s, const char* what) {
    if (!s.ok()) Die(what, s);
  };

  uint64_t records = 0;
  const double scan_s = MedianSeconds(runs, [&] { records = ScanRecords(db); });

  uint64_t summary_keys = 0;
  const double summary_raw_s = MedianSeconds(runs, [&] { summary_keys = SummaryCeiling(db); });
  const double summary_s = MedianSeconds(
      runs, [&] { check(BuildSummary(ctx, v1::SummaryRequest()).status(), "summary"); });

  uint64_t regions_keys = 0;
  const double regions_raw_s = MedianSeconds(runs, [&] { regions_keys = RegionsCeiling(db); });
  size_t region_rows = 0;
  const double regions_s = MedianSeconds(runs, [&] {
    absl::StatusOr<v1::RegionsResponse> r = BuildRegions(ctx, v1::RegionsRequest());
    check(r.status(), "regions");
    region_rows = r->rows_size();
  });

  uint64_t tree_keys = 0;
  const double tree_raw_s = MedianSeconds(runs, [&] { tree_keys = TreeCeiling(db); });
  size_t tree_rows = 0;
  auto tree = [&](const std::string& root) {
    v1::TreeRequest request;
    request.set_root(root);
    tree_rows = 0;
    check(BuildTree(ctx, request,
                    [&](const v1::TreeResponse& chunk) {
                      tree_rows += chunk.rows_size();
                      return true;
                    }),
          "tree");
  };
  const double tree_s = MedianSeconds(runs, [&] { tree(""); });
  const size_t all_tree_rows = tree_rows;
  const double tree_pact_s = MedianSeconds(runs, [&] { tree(f.pact); });

  const int export_runs = std::max(1, runs / 2);
  uint64_t raw_rows = 0;
  const double export_raw_s = MedianSeconds(export_runs, [&] { raw_rows = ExportCeiling(db); });
  uint64_t exported = 0;
  const double export_s = MedianSeconds(export_runs, [&] {
    v1::ExportMembersRequest request;
    request.set_region("BO");
    check(ExportMembers(
              db, request, Caller::Everything("bench"),
              [](const v1::ExportMembersResponse&) { return true; }, &exported),
          "export");
  });
  if (raw_rows != exported) {
    std::cerr << "export: the ceiling read " << raw_rows << " rows, the export sent " << exported
              << "\n";
  }

  std::cout << "\n### Reports at " << people << " people, " << f.chapters << " chapters\n\n"
            << absl::StrFormat(
                   "Loaded in-process through the Registry (sync off): %d regions, %d chapters, "
                   "%d memberships in %.1f s; the records family holds %d records. %d runs each "
                   "(export %d), medians, server-side. Ceiling: raw RocksDB reads of the keys "
                   "the report reads, through a snapshot, nothing decoded; ratio = ceiling time "
                   "/ report time.\n\n",
                   f.regions, f.chapters, f.memberships, load_s, records, runs, export_runs);
  Row({"report", "server-side time", "ceiling in the same run", "ratio", "target",
       "full scan of records (same run)"});
  Row({"---", "---", "---", "---", "---", "---"});
  auto keys = [](uint64_t n) { return absl::StrCat(n, " keys"); };
  Row({"summary", Ms(summary_s), absl::StrCat(Ms(summary_raw_s), " (", keys(summary_keys), ")"),
       Ratio(summary_raw_s, summary_s), "≤ 20 ms", Ms(scan_s)});
  Row({absl::StrCat("regions (", region_rows, " rows)"), Ms(regions_s),
       absl::StrCat(Ms(regions_raw_s), " (", keys(regions_keys), ")"),
       Ratio(regions_raw_s, regions_s), "≤ 50 ms", Ms(scan_s)});
  Row({absl::StrCat("tree, every root (", all_tree_rows, " rows)"), Ms(tree_s),
       absl::StrCat(Ms(tree_raw_s), " (", keys(tree_keys), ")"), Ratio(tree_raw_s, tree_s),
       "≤ 500 ms", Ms(scan_s)});
  Row({absl::StrCat("tree --root pact (", tree_rows, " rows)"), Ms(tree_pact_s),
       absl::StrCat(Ms(tree_raw_s), " (the same reads)"), Ratio(tree_raw_s, tree_pact_s),
       "≤ 500 ms", Ms(scan_s)});
  Row({absl::StrCat("export BO (", exported, " rows)"),
       absl::StrFormat("%.0f rows/s (%.2f s)", exported / export_s, export_s),
       absl::StrFormat("%.0f rows/s (%.2f s)", raw_rows / export_raw_s, export_raw_s),
       Ratio(export_raw_s, export_s), "≥ 200k rows/s", Ms(scan_s)});
  return 0;
}

}  // namespace
}  // namespace pacto::bench

int main(int argc, char** argv) { return pacto::bench::Main(argc, argv); }
