#include "client/lib/utf8_fields.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace pacto {

using google::protobuf::FieldDescriptor;

absl::Status CheckUtf8Fields(const google::protobuf::Message& message) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    auto bad = [&] {
      return absl::InvalidArgumentError(absl::StrCat(field->name(), ": must be valid UTF-8"));
    };
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          if (!IsValidUtf8(reflection->GetRepeatedString(message, field, i))) return bad();
        }
      } else if (!IsValidUtf8(reflection->GetString(message, field))) {
        return bad();
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (field->is_map()) continue;  // no request carries a map of free text
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          absl::Status s = CheckUtf8Fields(reflection->GetRepeatedMessage(message, field, i));
          if (!s.ok()) return s;
        }
      } else {
        absl::Status s = CheckUtf8Fields(reflection->GetMessage(message, field));
        if (!s.ok()) return s;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace pacto
