#include "node/store/record_kinds.h"

#include "absl/strings/ascii.h"
#include "pacto/v1/model.pb.h"
#include "pacto/v1/token.pb.h"

namespace pacto {

std::unique_ptr<google::protobuf::Message> NewRecordMessage(v1::RecordType type) {
  switch (type) {
    case v1::RECORD_TYPE_REGION:
      return std::make_unique<v1::Region>();
    case v1::RECORD_TYPE_CHAPTER:
      return std::make_unique<v1::Chapter>();
    case v1::RECORD_TYPE_AFFILIATION:
      return std::make_unique<v1::Affiliation>();
    case v1::RECORD_TYPE_PERSON:
      return std::make_unique<v1::Person>();
    case v1::RECORD_TYPE_MEMBERSHIP:
      return std::make_unique<v1::Membership>();
    case v1::RECORD_TYPE_OFFICER_TERM:
      return std::make_unique<v1::OfficerTerm>();
    case v1::RECORD_TYPE_FORMATION:
      return std::make_unique<v1::FormationRecord>();
    case v1::RECORD_TYPE_TOKEN_REVOCATION:
      return std::make_unique<v1::TokenRevocation>();
    default:
      return nullptr;
  }
}

std::string RecordTypeName(v1::RecordType type) {
  const std::string name = v1::RecordType_Name(type);
  constexpr size_t kPrefix = sizeof("RECORD_TYPE_") - 1;
  return absl::AsciiStrToLower(name.size() > kPrefix ? name.substr(kPrefix) : name);
}

std::string OpKindName(v1::Op::Kind kind) {
  switch (kind) {
    case v1::Op::PUT:
      return "put";
    case v1::Op::DELETE:
      return "delete";
    case v1::Op::ERASE:
      return "erase";
    default:
      return "unknown";
  }
}

}  // namespace pacto
