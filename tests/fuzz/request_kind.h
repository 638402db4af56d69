// The registry requests request_fuzzer feeds, and how an input's first byte names one.
// Shared with the seed generator so seeds and the target agree.
#ifndef PACTO_TESTS_FUZZ_REQUEST_KIND_H_
#define PACTO_TESTS_FUZZ_REQUEST_KIND_H_

#include <cstdint>
#include <memory>

#include "google/protobuf/message.h"

namespace pacto {

// Append only: seeds store the number.
enum class RequestKind : uint8_t {
  kAddRegion,
  kAddChapter,
  kUpdateChapter,
  kAffiliate,
  kDisaffiliate,
  kEnrolMember,
  kTransferMember,
  kEndMembership,
  kRemoveMember,
  kImportMembers,
  kAppointOfficer,
  kRecordFormation,
  kGetRegion,
  kListRegions,
  kGetChapter,
  kListChapters,
  kGetAffiliation,
  kGetMember,
  kListMembers,
  kListOfficers,
  kListFormation,
  kExportMembers,
};
inline constexpr int kRequestKinds = static_cast<int>(RequestKind::kExportMembers) + 1;

inline RequestKind RequestKindFromByte(uint8_t b) {
  return static_cast<RequestKind>(b % kRequestKinds);
}

const char* RequestKindName(RequestKind kind);

// An empty request message of `kind`'s type (e.g. v1::AddChapterRequest).
std::unique_ptr<google::protobuf::Message> NewRequest(RequestKind kind);

}  // namespace pacto

#endif  // PACTO_TESTS_FUZZ_REQUEST_KIND_H_
