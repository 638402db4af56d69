#include "tests/unit/recount.h"

#include <memory>
#include <set>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "node/domain/levels.h"
#include "node/store/derived_data.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"
#include "node/store/record_state.h"
#include "node/store/tallies.h"
#include "pacto/v1/model.pb.h"
#include "pacto/v1/storage.pb.h"

namespace pacto {
namespace {

// Every live record's winning value, by type.
struct Snapshot {
  std::map<std::string, v1::Region> regions;
  std::map<std::string, v1::Chapter> chapters;
  std::map<std::string, v1::Affiliation> affiliations;
  std::map<std::string, v1::Person> persons;
  std::map<std::string, v1::Membership> memberships;
  std::map<std::string, v1::OfficerTerm> officer_terms;
  std::map<std::string, v1::FormationRecord> formation;
};

template <typename T>
absl::Status DecodeInto(const v1::RecordState& state, const std::string& id,
                        std::map<std::string, T>* out) {
  T value;
  absl::StatusOr<bool> live = DecodeWinner(state, &value);
  if (!live.ok()) return live.status();
  if (*live) out->emplace(id, std::move(value));
  return absl::OkStatus();
}

absl::StatusOr<Snapshot> ScanRecords(const Database& db) {
  Snapshot snap;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.records()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::RecordType type;
    std::string id;
    if (!ParseRecordKey(ToView(it->key()), &type, &id)) {
      return absl::DataLossError(absl::StrCat("malformed record key ", it->key().ToString(true)));
    }
    v1::RecordState state;
    if (!state.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("malformed record state ", id));
    }
    absl::Status s;
    switch (type) {
      case v1::RECORD_TYPE_REGION:
        s = DecodeInto(state, id, &snap.regions);
        break;
      case v1::RECORD_TYPE_CHAPTER:
        s = DecodeInto(state, id, &snap.chapters);
        break;
      case v1::RECORD_TYPE_AFFILIATION:
        s = DecodeInto(state, id, &snap.affiliations);
        break;
      case v1::RECORD_TYPE_PERSON:
        s = DecodeInto(state, id, &snap.persons);
        break;
      case v1::RECORD_TYPE_MEMBERSHIP:
        s = DecodeInto(state, id, &snap.memberships);
        break;
      case v1::RECORD_TYPE_OFFICER_TERM:
        s = DecodeInto(state, id, &snap.officer_terms);
        break;
      case v1::RECORD_TYPE_FORMATION:
        s = DecodeInto(state, id, &snap.formation);
        break;
      case v1::RECORD_TYPE_TOKEN_REVOCATION:
        continue;  // no derived data depends on revocations
      default:
        return absl::DataLossError(absl::StrCat("unknown record type of ", id));
    }
    if (!s.ok()) return s;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning records");
  return snap;
}

// The region and its ancestors through live region records; a cycle is cut.
std::vector<std::string> RegionChain(const Snapshot& snap, const std::string& code) {
  std::vector<std::string> chain;
  std::string current = code;
  while (!current.empty() && std::find(chain.begin(), chain.end(), current) == chain.end()) {
    chain.push_back(current);
    auto it = snap.regions.find(current);
    current = it == snap.regions.end() ? "" : it->second.parent();
  }
  return chain;
}

class Connectivity {
 public:
  explicit Connectivity(const Snapshot& snap) : snap_(snap) {}

  bool Connected(const std::string& chapter) {
    auto memo = memo_.find(chapter);
    if (memo != memo_.end()) return memo->second;
    if (!visiting_.insert(chapter).second) return false;  // a cycle reaches no pact
    bool connected = false;
    auto c = snap_.chapters.find(chapter);
    if (c != snap_.chapters.end()) {
      if (c->second.level() == kPactLevel) {
        connected = true;
      } else {
        auto a = snap_.affiliations.find(chapter);
        if (a != snap_.affiliations.end() && a->second.status() == "active" &&
            !a->second.parent().empty() && a->second.parent() != chapter) {
          connected = Connected(a->second.parent());
        }
      }
    }
    visiting_.erase(chapter);
    memo_[chapter] = connected;
    return connected;
  }

 private:
  const Snapshot& snap_;
  absl::flat_hash_map<std::string, bool> memo_;
  absl::flat_hash_set<std::string> visiting_;
};

void Bump(CountMap* counts, const std::string& name, int64_t delta = 1) {
  (*counts)[name] += delta;
}

void DropZeros(CountMap* counts) {
  for (auto it = counts->begin(); it != counts->end();) {
    it = it->second == 0 ? counts->erase(it) : std::next(it);
  }
}

}  // namespace

absl::StatusOr<CountMap> RecountFromRecords(const Database& db) {
  absl::StatusOr<Snapshot> scanned = ScanRecords(db);
  if (!scanned.ok()) return scanned.status();
  const Snapshot& snap = *scanned;
  Connectivity connectivity(snap);
  CountMap counts;

  Bump(&counts, std::string(kPersonsCounter), static_cast<int64_t>(snap.persons.size()));
  for (const auto& [id, chapter] : snap.chapters) {
    Bump(&counts, std::string(kChaptersCounter));
    Bump(&counts, LevelCounter(chapter.level()));
    for (const std::string& r : RegionChain(snap, chapter.region())) {
      Bump(&counts, absl::StrCat("region/", r, "/", kChaptersCounter));
    }
    if (!chapter.sector().empty()) {
      Bump(&counts, absl::StrCat("sector/", chapter.sector(), "/", kChaptersCounter));
    }
    if (connectivity.Connected(id)) Bump(&counts, absl::StrCat("chapter/", id, "/connected"));
  }

  // Per-person tallies first; the distinct-person counters follow from them.
  std::set<std::string> people;
  std::set<std::pair<std::string, std::string>> person_regions;
  std::set<std::pair<std::string, std::string>> person_sectors;
  for (const auto& [id, m] : snap.memberships) {
    if (m.status() != "active") continue;
    const std::string& p = m.person_id();
    const bool connected = connectivity.Connected(m.chapter_id());
    people.insert(p);
    Bump(&counts, absl::StrCat("chapter/", m.chapter_id(), "/active_memberships"));
    Bump(&counts, absl::StrCat("person/", p, "/active"));
    if (connected) Bump(&counts, absl::StrCat("person/", p, "/connected"));
    auto chapter = snap.chapters.find(m.chapter_id());
    if (chapter == snap.chapters.end()) continue;
    if (const std::string& sector = chapter->second.sector(); !sector.empty()) {
      person_sectors.emplace(p, sector);
      Bump(&counts, absl::StrCat("person/", p, "/sector/", sector, "/active"));
    }
    for (const std::string& r : RegionChain(snap, chapter->second.region())) {
      person_regions.emplace(p, r);
      Bump(&counts, absl::StrCat("person/", p, "/region/", r, "/active"));
      if (connected) Bump(&counts, absl::StrCat("person/", p, "/region/", r, "/connected"));
    }
  }
  for (const std::string& p : people) {
    if (counts[absl::StrCat("person/", p, "/active")] > 0)
      Bump(&counts, std::string(kActiveCounter));
    if (counts[absl::StrCat("person/", p, "/connected")] > 0) {
      Bump(&counts, std::string(kFederationCounter));
    }
  }
  for (const auto& [p, r] : person_regions) {
    const std::string base = absl::StrCat("person/", p, "/region/", r, "/");
    if (counts[base + "active"] > 0) Bump(&counts, absl::StrCat("region/", r, "/", kActiveCounter));
    if (counts[base + "connected"] > 0) {
      Bump(&counts, absl::StrCat("region/", r, "/", kFederationCounter));
    }
  }
  for (const auto& [p, sector] : person_sectors) {
    if (counts[absl::StrCat("person/", p, "/sector/", sector, "/active")] > 0) {
      Bump(&counts, absl::StrCat("sector/", sector, "/", kActiveCounter));
    }
  }
  DropZeros(&counts);
  return counts;
}

absl::StatusOr<CountMap> ReadStoredCounts(const Database& db) {
  CountMap counts;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.tallies()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    const absl::string_view value = ToView(it->value());
    if (key.empty()) return absl::DataLossError("empty tally key");
    const absl::string_view rest = key.substr(1);
    switch (key[0]) {
      case 'g':
      case 'r':
      case 's': {
        if (value.size() != 8) return absl::DataLossError(absl::StrCat("malformed counter ", key));
        const int64_t v = static_cast<int64_t>(GetBigEndian64(value));
        if (key[0] == 'g') {
          counts[std::string(rest)] = v;
        } else {
          const size_t nul = rest.find('\0');
          if (nul == absl::string_view::npos) {
            return absl::DataLossError(absl::StrCat("malformed counter key ", key));
          }
          counts[absl::StrCat(key[0] == 'r' ? "region/" : "sector/", rest.substr(0, nul), "/",
                              rest.substr(nul + 1))] = v;
        }
        break;
      }
      case 'c': {
        v1::ChapterTally tally;
        if (!tally.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError(absl::StrCat("malformed chapter tally ", key));
        }
        counts[absl::StrCat("chapter/", rest, "/active_memberships")] = tally.active_memberships();
        counts[absl::StrCat("chapter/", rest, "/connected")] = tally.connected() ? 1 : 0;
        break;
      }
      case 'p': {
        v1::PersonTally tally;
        if (!tally.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError(absl::StrCat("malformed person tally ", key));
        }
        counts[absl::StrCat("person/", rest, "/active")] = tally.active();
        counts[absl::StrCat("person/", rest, "/connected")] = tally.connected();
        for (const v1::RegionTally& r : tally.regions()) {
          counts[absl::StrCat("person/", rest, "/region/", r.region(), "/active")] = r.active();
          counts[absl::StrCat("person/", rest, "/region/", r.region(), "/connected")] =
              r.connected();
        }
        for (const v1::RegionTally& s : tally.sectors()) {
          counts[absl::StrCat("person/", rest, "/sector/", s.region(), "/active")] = s.active();
        }
        break;
      }
      default:
        return absl::DataLossError(absl::StrCat("unknown tally key ", key));
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning tallies");
  DropZeros(&counts);
  return counts;
}

int64_t Count(const CountMap& counts, absl::string_view name) {
  auto it = counts.find(std::string(name));
  return it == counts.end() ? 0 : it->second;
}

CountMap GlobalCounts(const CountMap& counts) {
  CountMap out;
  for (const auto& [name, value] : counts) {
    if (absl::StartsWith(name, "region/") || absl::StartsWith(name, "chapter/") ||
        absl::StartsWith(name, "person/") || absl::StartsWith(name, "sector/")) {
      continue;
    }
    out[name] = value;
  }
  return out;
}

absl::StatusOr<IndexMap> RebuildIndexes(const Database& db) {
  absl::StatusOr<Snapshot> scanned = ScanRecords(db);
  if (!scanned.ok()) return scanned.status();
  const Snapshot& snap = *scanned;
  IndexMap out;
  for (const auto& [id, chapter] : snap.chapters) {
    out[IndexKey(IndexKind::kChaptersByRegion, chapter.region(), id)] = "";
  }
  for (const auto& [child, a] : snap.affiliations) {
    if (a.status() == "active" && !a.parent().empty()) {
      out[IndexKey(IndexKind::kChildrenByParent, a.parent(), child)] = "";
    }
  }
  for (const auto& [id, m] : snap.memberships) {
    const char mark = MembershipStatusMark(m.status());
    out[IndexKey(IndexKind::kMembersByChapter, m.chapter_id(), id)] =
        std::string(1, mark) + m.person_id();
    out[IndexKey(IndexKind::kMembersByPerson, m.person_id(), id)] =
        std::string(1, mark) + m.chapter_id();
  }
  for (const auto& [id, t] : snap.officer_terms) {
    out[IndexKey(IndexKind::kOfficersByChapter, t.chapter_id(), id)] = "";
    out[IndexKey(IndexKind::kOfficersByPerson, t.person_id(), id)] = "";
  }
  for (const auto& [id, f] : snap.formation) {
    out[IndexKey(IndexKind::kFormationByPerson, f.person_id(), id)] = "";
  }
  // People with two or more active memberships.
  std::map<std::string, int> active_per_person;
  for (const auto& [id, m] : snap.memberships) {
    if (m.status() == "active") ++active_per_person[m.person_id()];
  }
  for (const auto& [person, n] : active_per_person) {
    if (n >= 2) out[IndexKey(IndexKind::kMultiMembers, "", person)] = "";
  }
  // Records holding concurrent versions.
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.records()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::RecordState state;
    if (!state.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("malformed record state");
    }
    if (state.versions_size() > 1) {
      out[IndexKey(IndexKind::kConflicts, "", ToView(it->key()))] = "";
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning records");
  return out;
}

absl::StatusOr<IndexMap> ReadStoredIndexes(const Database& db) {
  IndexMap out;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.indexes()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out[it->key().ToString()] = it->value().ToString();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning indexes");
  return out;
}

absl::StatusOr<Digest> RecomputeDigest(const Database& db) {
  Digest digest;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), db.records()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::RecordState state;
    if (!state.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("malformed record state ", it->key().ToString(true)));
    }
    digest.Add(RecordDigest(ToView(it->key()), state));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning records");
  return digest;
}

absl::StatusOr<Digest> ReadStoredDigest(const Database& db) {
  std::string value;
  rocksdb::Status s = db.db()->Get(rocksdb::ReadOptions(), db.meta(), kDigestKey, &value);
  if (s.IsNotFound()) return Digest();
  if (!s.ok()) return FromRocks(s, "reading the digest");
  if (value.size() != 16) return absl::DataLossError("malformed digest");
  return Digest::Decode(value);
}

}  // namespace pacto
