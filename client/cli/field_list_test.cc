#include "client/cli/field_list.h"

#include "gtest/gtest.h"

namespace pacto::cli {
namespace {

TEST(FieldListTest, AlignsValues) {
  FieldList fields;
  fields.Add("id", "ch-1");
  fields.Add("name", "Sindicato Agrario");
  fields.Add("development_mode", "true");
  fields.Add("parent", "");
  EXPECT_EQ(fields.ToText(),
            "id:               ch-1\n"
            "name:             Sindicato Agrario\n"
            "development_mode: true\n"
            "parent:           -\n");
}

TEST(FieldListTest, Csv) {
  FieldList fields;
  fields.Add("id", "ch-1");
  fields.Add("name", "a, b");
  fields.Add("parent", "");
  EXPECT_EQ(fields.ToCsv(), "field,value\nid,ch-1\nname,\"a, b\"\nparent,\n");
}

TEST(FieldListTest, Empty) {
  FieldList fields;
  EXPECT_EQ(fields.ToText(), "");
  EXPECT_EQ(fields.ToCsv(), "field,value\n");
}

}  // namespace
}  // namespace pacto::cli
