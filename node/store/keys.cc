#include "node/store/keys.h"

#include "absl/strings/str_cat.h"

namespace pacto {

void PutBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

uint64_t GetBigEndian64(absl::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

std::string RecordKey(v1::RecordType type, absl::string_view id) {
  std::string key = RecordTypePrefix(type);
  key.append(id.data(), id.size());
  return key;
}

std::string RecordTypePrefix(v1::RecordType type) {
  return std::string(1, static_cast<char>('0' + static_cast<int>(type)));
}

bool ParseRecordKey(absl::string_view key, v1::RecordType* type, std::string* id) {
  if (key.size() < 2) return false;
  int t = key[0] - '0';
  if (!v1::RecordType_IsValid(t) || t == v1::RECORD_TYPE_UNSPECIFIED) return false;
  *type = static_cast<v1::RecordType>(t);
  *id = std::string(key.substr(1));
  return true;
}

std::string IndexPrefix(IndexKind kind, absl::string_view owner) {
  std::string key(1, static_cast<char>(kind));
  key.append(owner.data(), owner.size());
  key.push_back('\0');
  return key;
}

std::string IndexKey(IndexKind kind, absl::string_view owner, absl::string_view member) {
  std::string key = IndexPrefix(kind, owner);
  key.append(member.data(), member.size());
  return key;
}

absl::string_view IndexMember(absl::string_view key, absl::string_view prefix) {
  return key.substr(prefix.size());
}

std::string LogKey(uint64_t position) {
  std::string key(kLogEntryPrefix);
  PutBigEndian64(&key, position);
  return key;
}

std::string DotKey(absl::string_view origin, uint64_t seq) {
  std::string key = absl::StrCat("d", origin);
  key.push_back('\0');
  PutBigEndian64(&key, seq);
  return key;
}

std::string EvidenceKey(absl::string_view origin, uint64_t seq) {
  std::string key = absl::StrCat("v", origin);
  key.push_back('\0');
  PutBigEndian64(&key, seq);
  return key;
}

std::string VersionVectorKey(absl::string_view origin) {
  return absl::StrCat(kVersionVectorPrefix, origin);
}

}  // namespace pacto
