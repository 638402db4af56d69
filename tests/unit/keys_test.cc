// Unit tests of the RocksDB key layout (node/store/keys.h), including prefix scans on a
// real database.
#include "node/store/keys.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "node/store/database.h"
#include "node/store/tallies.h"
#include "tests/unit/temp_dir.h"

namespace pacto {
namespace {

TEST(BigEndianTest, RoundTripsAndKeepsOrder) {
  const std::vector<uint64_t> values = {0,
                                        1,
                                        255,
                                        256,
                                        65535,
                                        65536,
                                        0x0102030405060708ULL,
                                        uint64_t{1} << 63,
                                        std::numeric_limits<uint64_t>::max() - 1,
                                        std::numeric_limits<uint64_t>::max()};
  for (uint64_t v : values) {
    std::string encoded;
    PutBigEndian64(&encoded, v);
    ASSERT_EQ(encoded.size(), 8u);
    EXPECT_EQ(GetBigEndian64(encoded), v);
  }
  std::string e;
  PutBigEndian64(&e, 0x0102030405060708ULL);
  EXPECT_EQ(e, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  // Appends rather than overwrites.
  PutBigEndian64(&e, 1);
  EXPECT_EQ(e.size(), 16u);
  EXPECT_EQ(GetBigEndian64(absl::string_view(e).substr(8)), 1u);

  std::mt19937_64 rng(42);
  for (int i = 0; i < 10000; ++i) {
    // Mix small and large numbers so both byte positions and carries are exercised.
    uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
    std::string ea, eb;
    PutBigEndian64(&ea, a);
    PutBigEndian64(&eb, b);
    ASSERT_EQ(a < b, ea < eb) << a << " vs " << b;
  }
}

TEST(RecordKeyTest, RoundTripsEveryType) {
  for (int t = v1::RECORD_TYPE_REGION; t <= v1::RECORD_TYPE_FORMATION; ++t) {
    const auto type = static_cast<v1::RecordType>(t);
    for (const std::string& id : {std::string("ch-4x7k2m9q0c1d3f5g"), std::string("x"),
                                  std::string("LPZ-01"), std::string(64, 'z')}) {
      const std::string key = RecordKey(type, id);
      EXPECT_TRUE(absl::StartsWith(key, RecordTypePrefix(type)));
      v1::RecordType parsed_type = v1::RECORD_TYPE_UNSPECIFIED;
      std::string parsed_id;
      ASSERT_TRUE(ParseRecordKey(key, &parsed_type, &parsed_id)) << key;
      EXPECT_EQ(parsed_type, type);
      EXPECT_EQ(parsed_id, id);
    }
  }
}

TEST(RecordKeyTest, TypePrefixesAreDistinctAndGroupRecords) {
  std::vector<std::string> prefixes;
  for (int t = v1::RECORD_TYPE_REGION; t <= v1::RECORD_TYPE_FORMATION; ++t) {
    prefixes.push_back(RecordTypePrefix(static_cast<v1::RecordType>(t)));
  }
  for (size_t i = 0; i < prefixes.size(); ++i) {
    for (size_t j = 0; j < prefixes.size(); ++j) {
      if (i != j) {
        EXPECT_FALSE(absl::StartsWith(prefixes[i], prefixes[j]));
      }
    }
  }
  // A chapter key never falls under another type's prefix, whatever its id.
  EXPECT_FALSE(absl::StartsWith(RecordKey(v1::RECORD_TYPE_CHAPTER, "3x"),
                                RecordTypePrefix(v1::RECORD_TYPE_AFFILIATION)));
}

TEST(RecordKeyTest, RejectsMalformedKeys) {
  v1::RecordType type;
  std::string id;
  EXPECT_FALSE(ParseRecordKey("", &type, &id));
  EXPECT_FALSE(ParseRecordKey(RecordTypePrefix(v1::RECORD_TYPE_CHAPTER), &type, &id));  // no id
  EXPECT_FALSE(ParseRecordKey("0abc", &type, &id));  // unspecified type
  EXPECT_FALSE(ParseRecordKey("9abc", &type, &id));  // unknown type
  EXPECT_FALSE(ParseRecordKey("zabc", &type, &id));
  EXPECT_FALSE(ParseRecordKey(std::string("\x01"
                                          "abc"),
                              &type, &id));
}

TEST(IndexKeyTest, MemberRoundTrip) {
  const std::string prefix = IndexPrefix(IndexKind::kMembersByChapter, "ch-1");
  const std::string key = IndexKey(IndexKind::kMembersByChapter, "ch-1", "mb-77");
  EXPECT_TRUE(absl::StartsWith(key, prefix));
  EXPECT_EQ(IndexMember(key, prefix), "mb-77");
  EXPECT_EQ(prefix, std::string("cch-1\0", 6));
}

TEST(IndexKeyTest, OwnersDoNotShareAPrefix) {
  // Owner "ab" must not match owner "a" with a member starting "b", nor the reverse.
  const std::string key_a = IndexKey(IndexKind::kMembersByChapter, "a", "b-member");
  const std::string key_ab = IndexKey(IndexKind::kMembersByChapter, "ab", "member");
  EXPECT_FALSE(absl::StartsWith(key_a, IndexPrefix(IndexKind::kMembersByChapter, "ab")));
  EXPECT_FALSE(absl::StartsWith(key_ab, IndexPrefix(IndexKind::kMembersByChapter, "a")));
  EXPECT_TRUE(absl::StartsWith(key_a, IndexPrefix(IndexKind::kMembersByChapter, "a")));
  // Kinds do not share a prefix either.
  EXPECT_FALSE(absl::StartsWith(IndexKey(IndexKind::kMembersByPerson, "a", "m"),
                                IndexPrefix(IndexKind::kMembersByChapter, "a")));
}

TEST(IndexKeyTest, PrefixScansOnADatabaseAreIsolated) {
  TempDir dir;
  DatabaseOptions options;
  options.path = dir.Sub("db");
  options.write_buffer_bytes = 1 << 20;
  options.block_cache_bytes = 1 << 20;
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(options);
  ASSERT_TRUE(db.ok()) << db.status();
  rocksdb::DB* raw = (*db)->db();
  rocksdb::ColumnFamilyHandle* cf = (*db)->indexes();
  const std::vector<std::pair<std::string, std::string>> entries = {
      {"a", "b-1"}, {"a", "b-2"}, {"ab", "x"}, {"a-", "y"}, {"b", "z"}, {"", "empty-owner"}};
  for (const auto& [owner, member] : entries) {
    ASSERT_TRUE(raw->Put({}, cf, IndexKey(IndexKind::kMembersByChapter, owner, member), "").ok());
  }
  // Same owner, another kind.
  ASSERT_TRUE(raw->Put({}, cf, IndexKey(IndexKind::kMembersByPerson, "a", "other-kind"), "").ok());

  auto scan = [&](const std::string& owner) {
    std::vector<std::string> members;
    const std::string prefix = IndexPrefix(IndexKind::kMembersByChapter, owner);
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator({}, cf));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      members.emplace_back(IndexMember(ToView(it->key()), prefix));
    }
    return members;
  };
  EXPECT_EQ(scan("a"), std::vector<std::string>({"b-1", "b-2"}));
  EXPECT_EQ(scan("ab"), std::vector<std::string>({"x"}));
  EXPECT_EQ(scan("a-"), std::vector<std::string>({"y"}));
  EXPECT_EQ(scan("b"), std::vector<std::string>({"z"}));
  EXPECT_EQ(scan("abc"), std::vector<std::string>());
}

TEST(LogKeyTest, PositionsSortNumerically) {
  EXPECT_EQ(LogKey(0), std::string("e\0\0\0\0\0\0\0\0", 9));
  EXPECT_TRUE(absl::StartsWith(LogKey(5), kLogEntryPrefix));
  std::vector<uint64_t> positions = {
      0, 1, 2, 9, 10, 255, 256, 1000, 65536, 1ULL << 32, std::numeric_limits<uint64_t>::max()};
  for (size_t i = 1; i < positions.size(); ++i) {
    EXPECT_LT(LogKey(positions[i - 1]), LogKey(positions[i])) << positions[i];
  }
  EXPECT_EQ(GetBigEndian64(absl::string_view(LogKey(123456)).substr(1)), 123456u);
}

TEST(LogKeyTest, DotKeysSortBySeqWithinAnOriginAndDoNotMixOrigins) {
  EXPECT_EQ(DotKey("n1", 1), std::string("dn1\0\0\0\0\0\0\0\0\x01", 12));
  EXPECT_LT(DotKey("n1", 9), DotKey("n1", 10));
  EXPECT_LT(DotKey("n1", 255), DotKey("n1", 256));
  // Origin "n1" with any seq sorts before origin "n10": the terminator separates them.
  EXPECT_LT(DotKey("n1", std::numeric_limits<uint64_t>::max()), DotKey("n10", 0));
  EXPECT_FALSE(absl::StartsWith(DotKey("n10", 1), std::string("dn1\0", 4)));
  // Dot keys and entry keys live apart in the log family.
  EXPECT_FALSE(absl::StartsWith(DotKey("e", 1), kLogEntryPrefix));
}

TEST(MetadataKeyTest, Layout) {
  EXPECT_EQ(VersionVectorKey("node-a"), "vv/node-a");
  EXPECT_TRUE(absl::StartsWith(VersionVectorKey("x"), kVersionVectorPrefix));
  EXPECT_FALSE(absl::StartsWith(kIdentityKey, kVersionVectorPrefix));
  EXPECT_FALSE(absl::StartsWith(kDigestKey, kVersionVectorPrefix));
  EXPECT_FALSE(absl::StartsWith(kLogNextKey, kVersionVectorPrefix));
}

TEST(TallyKeyTest, Layout) {
  EXPECT_EQ(GlobalCounterKey(kChaptersCounter), "gchapters");
  EXPECT_EQ(GlobalCounterKey(LevelCounter("pact")), "glevel/pact");
  EXPECT_EQ(RegionCounterKey("LPZ", kActiveCounter), std::string("rLPZ\0active_members", 19));
  // Region "LP" with counter "Z..." cannot collide with region "LPZ".
  EXPECT_NE(RegionCounterKey("LP", "Zactive_members"), RegionCounterKey("LPZ", "active_members"));
  EXPECT_EQ(ChapterTallyKey("ch-1"), "cch-1");
  EXPECT_EQ(PersonTallyKey("pr-1"), "ppr-1");
}

}  // namespace
}  // namespace pacto
