// The named values of one record (a chapter, a membership, a node's status), shown to
// a person as aligned "key: value" lines or to a script as "field,value" CSV.
//
// Example:
//   FieldList fields;
//   fields.Add("id", "ch-1");
//   fields.Add("name", "Sindicato Agrario");
//   std::cout << fields.ToText();
//   // id:   ch-1
//   // name: Sindicato Agrario
#ifndef PACTO_CLIENT_CLI_FIELD_LIST_H_
#define PACTO_CLIENT_CLI_FIELD_LIST_H_

#include <string>
#include <utility>
#include <vector>

namespace pacto::cli {

class FieldList {
 public:
  // Keys may repeat (one "history" line per past affiliation); order is kept.
  void Add(std::string key, std::string value);

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

  // One "key: value" line per field, the values starting in one column; values are
  // shown through ForDisplay (an empty value is "-").
  std::string ToText() const;

  // A "field,value" header, then one CSV line per field with the value as it is.
  std::string ToCsv() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace pacto::cli

#endif  // PACTO_CLIENT_CLI_FIELD_LIST_H_
