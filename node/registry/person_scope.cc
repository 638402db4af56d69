#include "node/registry/person_scope.h"

#include "node/store/derived_data.h"
#include "node/store/keys.h"

namespace pacto {
namespace {

void AddMembership(absl::string_view id, absl::string_view value,
                   std::vector<PersonMembership>* out) {
  if (value.empty()) return;
  out->push_back(
      PersonMembership{std::string(id), std::string(value.substr(1)), value[0] == kActiveMark});
}

}  // namespace

absl::StatusOr<std::vector<PersonMembership>> MembershipsOfPerson(const ReadView& view,
                                                                  const std::string& person) {
  std::vector<PersonMembership> out;
  PACTO_RETURN_IF_ERROR(view.Scan(view.db().indexes(),
                                  IndexPrefix(IndexKind::kMembersByPerson, person), "",
                                  [&](absl::string_view id, absl::string_view value) {
                                    AddMembership(id, value, &out);
                                    return true;
                                  }));
  return out;
}

absl::StatusOr<std::vector<PersonMembership>> MembershipsOfPerson(WriteTxn& txn,
                                                                  const std::string& person) {
  std::vector<PersonMembership> out;
  const std::string prefix = IndexPrefix(IndexKind::kMembersByPerson, person);
  PACTO_RETURN_IF_ERROR(txn.Scan(txn.database()->indexes(), prefix,
                                 [&](absl::string_view key, absl::string_view value) {
                                   AddMembership(IndexMember(key, prefix), value, &out);
                                   return true;
                                 }));
  return out;
}

std::vector<std::string> DifferingFields(const v1::Person& sent, const v1::Person& person) {
  std::vector<std::string> fields;
  if (sent.name() != person.name()) fields.push_back("name");
  if (!sent.birth_date().empty() && sent.birth_date() != person.birth_date()) {
    fields.push_back("birth date");
  }
  return fields;
}

bool SentDiffers(const v1::Person& sent, const v1::Person& person) {
  return !DifferingFields(sent, person).empty();
}

}  // namespace pacto
