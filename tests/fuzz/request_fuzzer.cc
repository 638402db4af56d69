// Fuzz target: registry requests built from arbitrary bytes.
//
// Input: one byte choosing the request type (RequestKind, modulo their number), then
// the request's protobuf encoding. Every string the request carries goes through each
// of the domain's validators (node/domain) with their contracts checked; then the
// request goes through the Registry of a real replica holding the sample registry
// (sample_registry.h), as the gRPC service would send it, and the derived data (tallies,
// indexes, digest) must still match a recount from the records.
//
// Must never crash, never answer INTERNAL/UNKNOWN/DATA_LOSS to a request, and never
// leave derived data inconsistent.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/logging.h"
#include "node/domain/dates.h"
#include "node/domain/ids.h"
#include "node/domain/levels.h"
#include "node/domain/national_id.h"
#include "node/domain/text.h"
#include "node/registry/export.h"
#include "node/registry/registry.h"
#include "tests/fuzz/fuzz_replica.h"
#include "tests/fuzz/request_kind.h"
#include "tests/fuzz/sample_registry.h"
#include "tests/unit/recount.h"

namespace pacto {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "request_fuzzer: %s\n", what.c_str());
  std::abort();
}

void Expect(bool condition, const std::string& what) {
  if (!condition) Fail(what);
}

// Calls `fn` with every string of `message`, nested messages included.
void ForEachString(const Message& message, const std::function<void(const std::string&)>& fn) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const bool is_string = field->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    const bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        if (is_string) fn(reflection->GetRepeatedString(message, field, i));
        if (is_message) ForEachString(reflection->GetRepeatedMessage(message, field, i), fn);
      }
    } else {
      if (is_string) fn(reflection->GetString(message, field));
      if (is_message) ForEachString(reflection->GetMessage(message, field), fn);
    }
  }
}

// The contracts of node/domain's validators, on one arbitrary string.
void CheckDomainRules(const std::string& s, absl::CivilDay today) {
  const bool utf8 = IsValidUtf8(s);
  if (utf8) Expect(Utf8Length(s) <= s.size(), "Utf8Length longer than the bytes");

  absl::StatusOr<std::string> optional = CleanOptionalText("f", s, 40);
  if (optional.ok()) {
    Expect(utf8, "CleanOptionalText accepted invalid UTF-8");
    Expect(IsValidUtf8(*optional), "CleanOptionalText produced invalid UTF-8");
    Expect(Utf8Length(*optional) <= 40, "CleanOptionalText exceeded max_chars");
    Expect(optional->empty() || (optional->front() != ' ' && optional->back() != ' '),
           "CleanOptionalText left outer spaces");
    absl::StatusOr<std::string> again = CleanOptionalText("f", *optional, 40);
    Expect(again.ok() && *again == *optional, "CleanOptionalText is not idempotent");
    absl::StatusOr<std::string> text = CleanText("f", s, 40);
    Expect(text.ok() == !optional->empty(), "CleanText disagrees with CleanOptionalText");
    for (unsigned char c : *optional) {
      Expect(c >= 0x20 && c != 0x7F, "CleanOptionalText kept a control character");
    }
  } else {
    Expect(optional.status().code() == absl::StatusCode::kInvalidArgument,
           "CleanOptionalText: not INVALID_ARGUMENT");
  }
  // FoldForMatching's output is only a map key; it must merely not crash and be stable.
  const std::string folded = FoldForMatching(s);
  Expect(folded.size() <= s.size(), "FoldForMatching grew its input");

  absl::StatusOr<absl::CivilDay> day = ParseDate("f", s);
  if (day.ok()) {
    Expect(day->year() >= kEarliestYear, "ParseDate accepted a year before kEarliestYear");
    Expect(FormatDate(*day) == s, "ParseDate accepted a non-canonical form");
    absl::StatusOr<absl::CivilDay> past = ParsePastDate("f", s, today);
    Expect(past.ok() == (*day <= today), "ParsePastDate disagrees with ParseDate");
  }

  if (ValidateIdSyntax("f", s).ok()) {
    Expect(!s.empty() && s.size() <= 64, "ValidateIdSyntax accepted a bad length");
    for (unsigned char c : s) Expect(c > 0x20 && c < 0x7F, "ValidateIdSyntax accepted a byte");
  }

  absl::StatusOr<std::string> national = NormalizeNationalId(s);
  if (national.ok()) {
    Expect(national->size() >= 4 && national->size() <= 20, "national id length");
    absl::StatusOr<std::string> again = NormalizeNationalId(*national);
    Expect(again.ok() && *again == *national, "NormalizeNationalId is not idempotent");
    const std::string person = FederationKey::Development().PersonId(*national);
    Expect(ValidateIdSyntax("id", person).ok(), "a derived person id is not a valid id");
  }

  for (const std::vector<std::string>* words : {&ChapterLevels(), &RegionLevels()}) {
    absl::StatusOr<std::string> word = ParseWord("f", s, *words);
    if (word.ok()) {
      Expect(std::find(words->begin(), words->end(), *word) != words->end(),
             "ParseWord returned a word outside its list");
    }
  }
}

// Codes a request may get; the rest mean the node broke, not the request.
void CheckAnswer(const absl::Status& s, RequestKind kind) {
  switch (s.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kAborted:
      Fail(absl::StrCat(RequestKindName(kind), " answered ", s.ToString()));
    default:
      return;
  }
}

template <typename Request, typename Response>
absl::Status Write(const Message& message,
                   void (Registry::*method)(const Request&, const std::string&, Response*,
                                            Registry::Done),
                   Registry& registry) {
  const auto& req = static_cast<const Request&>(message);
  return Await<Response>(
             [&](Response* out, auto done) { (registry.*method)(req, "fuzz", out, done); })
      .status();
}

template <typename Request, typename Response>
absl::Status Read(const Message& message,
                  absl::StatusOr<Response> (Registry::*method)(const Request&) const,
                  const Registry& registry) {
  return (registry.*method)(static_cast<const Request&>(message)).status();
}

// A person-linked read, for a caller of one region (person_scope.h).
template <typename Request, typename Response>
absl::Status Read(const Message& message,
                  absl::StatusOr<Response> (Registry::*method)(const Request&, const Caller&) const,
                  const Registry& registry) {
  return (registry.*method)(static_cast<const Request&>(message), Caller::Within("fuzz", "LPZ"))
      .status();
}

absl::Status Send(RequestKind kind, const Message& m, Replica& replica) {
  Registry& r = replica.registry();
  switch (kind) {
    case RequestKind::kAddRegion:
      return Write(m, &Registry::AddRegion, r);
    case RequestKind::kAddChapter:
      return Write(m, &Registry::AddChapter, r);
    case RequestKind::kUpdateChapter:
      return Write(m, &Registry::UpdateChapter, r);
    case RequestKind::kAffiliate:
      return Write(m, &Registry::Affiliate, r);
    case RequestKind::kDisaffiliate:
      return Write(m, &Registry::Disaffiliate, r);
    case RequestKind::kEnrolMember:
      return Write(m, &Registry::EnrolMember, r);
    case RequestKind::kTransferMember:
      return Write(m, &Registry::TransferMember, r);
    case RequestKind::kEndMembership:
      return Write(m, &Registry::EndMembership, r);
    case RequestKind::kRemoveMember:
      return Write(m, &Registry::RemoveMember, r);
    case RequestKind::kAppointOfficer:
      return Write(m, &Registry::AppointOfficer, r);
    case RequestKind::kRecordFormation:
      return Write(m, &Registry::RecordFormation, r);
    case RequestKind::kImportMembers: {
      const auto& req = static_cast<const v1::ImportMembersRequest&>(m);
      std::vector<v1::ImportRow> rows(req.rows().begin(), req.rows().end());
      absl::StatusOr<v1::ImportMembersResponse> out =
          Await<v1::ImportMembersResponse>([&](v1::ImportMembersResponse* o, auto done) {
            r.ImportRows(std::move(rows), "fuzz", o, done);
          });
      if (out.ok()) {
        Expect(out->accepted() + out->rejected() == static_cast<uint64_t>(req.rows_size()),
               "ImportRows lost count of rows");
        Expect(out->rejected() == static_cast<uint64_t>(out->errors_size()),
               "ImportRows: rejected != errors");
      }
      return out.status();
    }
    case RequestKind::kGetRegion:
      return Read(m, &Registry::GetRegion, r);
    case RequestKind::kListRegions:
      return Read(m, &Registry::ListRegions, r);
    case RequestKind::kGetChapter:
      return Read(m, &Registry::GetChapter, r);
    case RequestKind::kListChapters:
      return Read(m, &Registry::ListChapters, r);
    case RequestKind::kGetAffiliation:
      return Read(m, &Registry::GetAffiliation, r);
    case RequestKind::kGetMember:
      return Read(m, &Registry::GetMember, r);
    case RequestKind::kListMembers:
      return Read(m, &Registry::ListMembers, r);
    case RequestKind::kListOfficers:
      return Read(m, &Registry::ListOfficers, r);
    case RequestKind::kListFormation:
      return Read(m, &Registry::ListFormation, r);
    case RequestKind::kExportMembers: {
      uint64_t sent = 0;
      return ExportMembers(
          replica.db(), static_cast<const v1::ExportMembersRequest&>(m),
          Caller::Within("fuzz", "LPZ"), [](const v1::ExportMembersResponse&) { return true; },
          &sent, /*batch_rows=*/2);
    }
  }
  Fail("unknown request kind");
}

template <typename T>
void ExpectSame(const absl::StatusOr<T>& stored, const absl::StatusOr<T>& recomputed,
                const char* what) {
  CheckOk(stored.status(), what);
  CheckOk(recomputed.status(), what);
  if (!(*stored == *recomputed)) Fail(absl::StrCat(what, " differ from a recount"));
}

void CheckDerivedData(const Database& db) {
  ExpectSame(ReadStoredCounts(db), RecountFromRecords(db), "tallies");
  ExpectSame(ReadStoredIndexes(db), RebuildIndexes(db), "indexes");
  ExpectSame(ReadStoredDigest(db), RecomputeDigest(db), "digest");
}

}  // namespace
}  // namespace pacto

// Protobuf logs every string with bad UTF-8 it meets; the fuzzer feeds it thousands.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pacto;
  if (size == 0) return 0;
  const RequestKind kind = RequestKindFromByte(data[0]);
  std::unique_ptr<google::protobuf::Message> request = NewRequest(kind);
  if (!request->ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;

  const absl::CivilDay today =
      absl::ToCivilDay(absl::FromUnixSeconds(kFuzzNowUnixSeconds), absl::UTCTimeZone());
  ForEachString(*request, [&](const std::string& s) { CheckDomainRules(s, today); });

  static FuzzReplica* const node =
      new FuzzReplica([](Replica& r) { WriteSampleRegistry(r.registry()); });
  node->Reset();
  const absl::Status answer = Send(kind, *request, node->replica());
  if (std::getenv("PACTO_FUZZ_VERBOSE") != nullptr) {
    std::fprintf(stderr, "%s: %s\n", RequestKindName(kind), answer.ToString().c_str());
  }
  CheckAnswer(answer, kind);
  CheckDerivedData(node->replica().db());
  return 0;
}
