// /metrics, /healthz and /readyz of real pacto-node processes (DESIGN §7): every line
// of /metrics parses as Prometheus text format (version 0.0.4), the families an
// operator needs are there (RPCs by method and code, writes local and replicated,
// peers and their lag, the log, snapshots, RocksDB), histograms are consistent, and
// readiness is false while a new node has not yet synced with any seed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/http_get.h"
#include "tests/support/processes.h"

namespace pacto {
namespace {

using ::testing::HasSubstr;

// --- a strict reader of the Prometheus text format ------------------------------------

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family → counter | gauge | histogram | ...
  std::vector<Sample> samples;
  std::vector<std::string> errors;  // "line N: what"

  std::vector<Sample> Find(const std::string& name) const {
    std::vector<Sample> found;
    for (const Sample& s : samples) {
      if (s.name == name) found.push_back(s);
    }
    return found;
  }
};

bool ParseValue(const std::string& text, double* value) {
  if (text == "+Inf") return *value = INFINITY, true;
  if (text == "-Inf") return *value = -INFINITY, true;
  if (text == "NaN") return *value = NAN, true;
  return absl::SimpleAtod(text, value);
}

// The family a sample belongs to: histograms' _bucket, _sum and _count series belong to
// the histogram's name.
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (absl::EndsWith(name, suffix)) {
      const std::string base = name.substr(0, name.size() - strlen(suffix));
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return name;
}

Exposition ParseExposition(const std::string& text) {
  static const std::regex kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static const std::regex kHelp("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*");
  static const std::regex kType(
      "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
  // name{label="value",...} value [timestamp]; values may escape \\, \" and \n.
  static const std::regex kSample("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( -?[0-9]+)?");
  static const std::regex kLabel(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
  Exposition out;
  std::set<std::string> seen_families;
  if (text.empty() || text.back() != '\n') out.errors.push_back("does not end with a newline");
  int n = 0;
  for (absl::string_view line_view : absl::StrSplit(text, '\n')) {
    ++n;
    const std::string line(line_view);
    auto fail = [&](const std::string& what) {
      out.errors.push_back(absl::StrCat("line ", n, ": ", what, ": ", line));
    };
    if (line.empty()) continue;
    std::smatch m;
    if (absl::StartsWith(line, "# HELP ")) {
      if (!std::regex_match(line, m, kHelp)) fail("bad HELP");
      continue;
    }
    if (absl::StartsWith(line, "# TYPE ")) {
      if (!std::regex_match(line, m, kType)) {
        fail("bad TYPE");
      } else if (out.types.count(m[1]) || seen_families.count(m[1])) {
        fail("TYPE after the family's samples or twice");
      } else {
        out.types[m[1]] = m[2];
      }
      continue;
    }
    if (line[0] == '#') continue;  // other comments are allowed
    if (!std::regex_match(line, m, kSample)) {
      fail("not a sample");
      continue;
    }
    Sample sample;
    sample.name = m[1];
    const std::string labels = m[3];
    if (!ParseValue(m[4], &sample.value)) fail("bad value");
    // Labels: a comma-separated list that the label pattern must cover exactly.
    std::string rest = labels;
    while (!rest.empty()) {
      std::smatch l;
      if (!std::regex_search(rest, l, kLabel) || l.position(0) != 0) {
        fail("bad labels");
        break;
      }
      if (sample.labels.count(l[1])) fail("label twice");
      sample.labels[l[1]] = l[2];
      rest = l.suffix();
      if (!rest.empty()) {
        if (rest[0] != ',') {
          fail("labels not separated by commas");
          break;
        }
        rest = rest.substr(1);
      }
    }
    const std::string family = FamilyOf(sample.name, out.types);
    if (!out.types.count(family)) fail("sample before its TYPE");
    seen_families.insert(family);
    out.samples.push_back(std::move(sample));
  }
  return out;
}

// Every histogram: for each label set, cumulative buckets ending in +Inf == _count.
void ExpectHistogramsConsistent(const Exposition& e) {
  for (const auto& [family, type] : e.types) {
    if (type != "histogram") continue;
    std::map<std::string, std::vector<std::pair<double, double>>> buckets;  // labels → (le, n)
    std::map<std::string, double> counts;
    auto key = [](std::map<std::string, std::string> labels) {
      labels.erase("le");
      std::string k;
      for (const auto& [name, value] : labels) absl::StrAppend(&k, name, "=", value, ",");
      return k;
    };
    for (const Sample& s : e.Find(family + "_bucket")) {
      double le = 0;
      ASSERT_TRUE(s.labels.count("le") && ParseValue(s.labels.at("le"), &le)) << family;
      buckets[key(s.labels)].push_back({le, s.value});
    }
    for (const Sample& s : e.Find(family + "_count")) counts[key(s.labels)] = s.value;
    EXPECT_EQ(buckets.size(), counts.size()) << family;
    for (const auto& [labels, series] : buckets) {
      for (size_t i = 1; i < series.size(); ++i) {
        EXPECT_LT(series[i - 1].first, series[i].first) << family << " " << labels;
        EXPECT_LE(series[i - 1].second, series[i].second) << family << " " << labels;
      }
      ASSERT_FALSE(series.empty());
      EXPECT_TRUE(std::isinf(series.back().first)) << family << " " << labels;
      EXPECT_EQ(series.back().second, counts[labels]) << family << " " << labels;
    }
  }
}

bool Eventually(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

class MetricsTest : public ::testing::Test {
 protected:
  std::unique_ptr<NodeProcess> Start(const std::string& id, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--sync-interval", "200ms"});
    absl::StatusOr<std::unique_ptr<NodeProcess>> node = NodeProcess::Start(
        {.data_dir = dir_.Sub(id), .node_id = id, .region = "BO", .extra_args = extra});
    EXPECT_TRUE(node.ok()) << node.status();
    return node.ok() ? *std::move(node) : nullptr;
  }

  CommandResult Cli(const NodeProcess& node, std::vector<std::string> args) {
    args.insert(args.begin(), {"--node", node.address()});
    return RunCli(args);
  }

  Exposition Scrape(const NodeProcess& node) {
    HttpResponse r = HttpGet(node.http_port(), "/metrics");
    EXPECT_EQ(r.status, 200);
    Exposition e = ParseExposition(r.body);
    for (const std::string& error : e.errors) ADD_FAILURE() << error;
    return e;
  }

  ScratchDir dir_;
};

double Value(const Exposition& e, const std::string& name,
             const std::map<std::string, std::string>& labels = {}) {
  for (const Sample& s : e.Find(name)) {
    bool match = true;
    for (const auto& [k, v] : labels) match &= s.labels.count(k) && s.labels.at(k) == v;
    if (match) return s.value;
  }
  ADD_FAILURE() << "no sample " << name;
  return NAN;
}

TEST_F(MetricsTest, EveryLineParsesAndTheOperatorsFamiliesAreThere) {
  std::unique_ptr<NodeProcess> a = Start("a");
  ASSERT_NE(a, nullptr);
  std::unique_ptr<NodeProcess> b = Start("b", {"--peers", a->address()});
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(Cli(*a, {"region", "add", "BO", "--name", "Bolivia"}).exit_code, 0);
  // A write refused for bad input, to be counted under its code.
  CommandResult bad = Cli(*a, {"region", "add", "bo!", "--name", "x"});
  ASSERT_NE(bad.exit_code, 0);
  // Wait until b has the write (it syncs from a).
  ASSERT_TRUE(Eventually([&] {
    return Value(Scrape(*b), "pacto_writes_applied_total", {{"source", "replicated"}}) >= 1;
  }));

  const Exposition ea = Scrape(*a);
  const Exposition eb = Scrape(*b);
  ExpectHistogramsConsistent(ea);
  ExpectHistogramsConsistent(eb);

  // RPCs by method and code.
  EXPECT_GE(Value(ea, "pacto_rpc_requests_total",
                  {{"method", "/pacto.v1.Registry/AddRegion"}, {"code", "OK"}}),
            1);
  EXPECT_GE(Value(ea, "pacto_rpc_requests_total",
                  {{"method", "/pacto.v1.Registry/AddRegion"}, {"code", "INVALID_ARGUMENT"}}),
            1);
  EXPECT_EQ(ea.types.at("pacto_rpc_duration_seconds"), "histogram");
  EXPECT_GE(Value(ea, "pacto_rpc_requests_total", {{"method", "/pacto.v1.Replication/Pull"}}), 1);
  // Writes, local and replicated.
  EXPECT_EQ(Value(ea, "pacto_writes_applied_total", {{"source", "local"}}), 1);
  EXPECT_EQ(Value(eb, "pacto_writes_applied_total", {{"source", "replicated"}}), 1);
  EXPECT_EQ(Value(eb, "pacto_writes_applied_total", {{"source", "local"}}), 0);
  // Peers and their lag.
  EXPECT_GE(Value(eb, "pacto_peers"), 1);
  const std::vector<Sample> lag = eb.Find("pacto_peer_entries_behind");
  ASSERT_FALSE(lag.empty());
  EXPECT_EQ(lag[0].labels.at("peer"), a->address());
  EXPECT_FALSE(eb.Find("pacto_peer_entries_ahead").empty());
  EXPECT_FALSE(eb.Find("pacto_peer_last_sync_timestamp_seconds").empty());
  // The log, snapshots, replication, RocksDB.
  for (const char* name :
       {"pacto_log_entries", "pacto_log_retained_entries", "pacto_snapshots_taken_total",
        "pacto_snapshots_served_total", "pacto_sync_sessions_total", "pacto_commit_groups_total",
        "pacto_rocksdb_estimate_num_keys", "pacto_rocksdb_sst_files_bytes",
        "pacto_rocksdb_memtable_bytes", "pacto_rocksdb_pending_compaction_bytes",
        "pacto_rocksdb_background_errors", "pacto_ready", "pacto_build_info"}) {
    EXPECT_FALSE(ea.Find(name).empty()) << name;
  }
  EXPECT_EQ(Value(ea, "pacto_rocksdb_background_errors"), 0);
  EXPECT_GE(Value(ea, "pacto_rocksdb_estimate_num_keys", {{"cf", "records"}}), 1);
  // Refused replicated data, every reason shown from the start (tests/security's
  // region_authority_test makes each rise).
  for (const char* reason :
       {"signature", "certificate", "chain", "region", "evidence", "clock", "malformed"}) {
    EXPECT_EQ(Value(eb, "pacto_replication_rejected_entries_total", {{"reason", reason}}), 0)
        << reason;
  }
}

TEST_F(MetricsTest, HealthzAndReadiness) {
  std::unique_ptr<NodeProcess> a = Start("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(HttpGet(a->http_port(), "/healthz").status, 200);
  // No seeds: nothing to bootstrap from, ready at once.
  EXPECT_EQ(HttpGet(a->http_port(), "/readyz").status, 200);

  // A new node whose only seed is down is alive but not ready: it has nothing yet.
  std::unique_ptr<NodeProcess> b = Start("b", {"--peers", "127.0.0.1:1"});
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(HttpGet(b->http_port(), "/healthz").status, 200);
  HttpResponse not_ready = HttpGet(b->http_port(), "/readyz");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_THAT(not_ready.body, HasSubstr("bootstrapping"));
  EXPECT_EQ(Value(Scrape(*b), "pacto_ready"), 0);

  // A new node whose seed answers becomes ready after its first sync.
  std::unique_ptr<NodeProcess> c = Start("c", {"--peers", a->address()});
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(Eventually([&] { return HttpGet(c->http_port(), "/readyz").status == 200; }));

  // And a node with data of its own restarts ready, even cut off from its seeds.
  ASSERT_EQ(c->Stop(), 0);
  std::unique_ptr<NodeProcess> c_again = Start("c", {"--peers", "127.0.0.1:1"});
  ASSERT_NE(c_again, nullptr);
  EXPECT_EQ(HttpGet(c_again->http_port(), "/readyz").status, 200);
}

}  // namespace
}  // namespace pacto
